"""`jitsi-ecs secret set SERVICE NAME [--deploy]`: put the real value of a service's secret.

The stack creates each `[services.<name>] secrets` entry as an SSM SecureString parameter with a
placeholder written once (write-only, never in Terraform's state), so the value set here is
never seen, compared or overwritten by Terraform. The value comes from a hidden prompt, or from
stdin when it is not a terminal (`... < file`, a pipe); never from the command line (shell
history, process lists), and it is never printed, logged or written to disk. ECS hands it to
the container at task start: running tasks keep the old value until they are replaced
(`--deploy` starts that rolling deployment, with the service's usual safety nets).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable

from jitsi_ecs.aws import calling
from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import open_stack
from jitsi_ecs.errors import EXIT_OK, UsageError
from jitsi_ecs.ui import err


def read_value(prompt: str) -> str:
    """The secret from a hidden prompt (asked twice) or, when stdin is not a terminal, stdin
    without its final newline."""
    if not sys.stdin.isatty():
        value = sys.stdin.read()
        return value[:-2] if value.endswith("\r\n") else value.removesuffix("\n")
    first = getpass.getpass(f"{prompt}: ", stream=sys.stderr)
    if getpass.getpass("Again, to be sure: ", stream=sys.stderr) != first:
        raise UsageError("the two entries differ; nothing was changed", hint="Run it again.")
    return first


def run_set(
    g: Globals,
    service: str,
    name: str,
    deploy: bool = False,
    read: Callable[[str], str] = read_value,
) -> int:
    stack = open_stack(g, "secret-set", start=False)
    outputs = stack.attach()
    parameters = outputs.service_secret_parameters
    if service not in parameters:
        with_secrets = sorted(s for s, p in parameters.items() if p)
        raise UsageError(
            f"service {service!r} is not an operator service of this stack",
            hint=f"Services with secrets: {', '.join(with_secrets)}."
            if with_secrets
            else "Declare secrets in a [services.<name>] block (secrets = [...]), then `up`.",
        )
    if name not in parameters[service]:
        known = ", ".join(sorted(parameters[service])) or "none"
        raise UsageError(
            f"service {service} has no secret {name!r} (its secrets: {known})",
            hint=f"Add it to [services.{service}] secrets and run `jitsi-ecs up` first.",
        )
    parameter = parameters[service][name]
    value = read(f"Value of {name} for {service}")
    if not value:
        raise UsageError("an empty value was given; nothing was changed")
    with calling(f"write SSM parameter {parameter}"):
        version = stack.aws.ssm.put_parameter(
            Name=parameter, Value=value, Type="SecureString", Overwrite=True
        )["Version"]
    err.print(f"[green]Set[/] {name} of {service} ({parameter}, version {version}).")
    if deploy:
        stack.aws.redeploy(outputs.cluster_name, outputs.service_names[service])
        err.print(
            f"Started a deployment of {service}: its new tasks read the value "
            "(`jitsi-ecs status` shows the rollout)."
        )
    else:
        err.print(
            f"Tasks read it when they start: `jitsi-ecs secret set {service} {name} --deploy` "
            "(or any deployment) replaces the running ones."
        )
    return EXIT_OK
