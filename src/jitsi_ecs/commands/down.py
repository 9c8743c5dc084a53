"""`jitsi-ecs down`: destroy everything (on a real account only after the stack name is typed,
or --yes); locally also stop the emulator."""

from __future__ import annotations

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import open_stack
from jitsi_ecs.errors import EXIT_OK, NothingDeployed, UsageError
from jitsi_ecs.stack import Stack
from jitsi_ecs.ui import err

PROTECTED = UsageError(
    "alb.deletion_protection: the load balancer is protected, so nothing was destroyed",
    hint="Set `deletion_protection = false` under [alb] in jitsi-ecs.toml, run `jitsi-ecs up` "
    "(it turns the protection off), then `jitsi-ecs down`.",
)


def _refuse_if_protected(stack: Stack) -> None:
    """Terraform would delete the listeners and services first and then fail on a protected
    ALB, leaving half a stack with every meeting cut: stop before anything is touched."""
    alb = stack.terraform.outputs().get("alb_arn")
    if not alb:
        return
    attributes = stack.aws.load_balancer_attributes(str(alb)) or {}  # gone: nothing to protect
    if attributes.get("deletion_protection.enabled") == "true":
        raise PROTECTED


def run(g: Globals, keep_running: bool = False) -> int:
    try:
        stack = open_stack(g, "down", start=False)
        # No state backend: nothing deployed, and nothing to ask.
        stack.target.backend(stack.config, stack.aws, create=False)
    except NothingDeployed as exc:
        err.print(f"Nothing to destroy: {exc.message}.")
        return EXIT_OK
    if stack.config.alb.deletion_protection:
        raise PROTECTED
    # Asked before terraform runs at all: a refusal leaves everything as it was.
    stack.target.confirm_destroy(stack.config, stack.aws)
    with err.status("Preparing terraform..."):
        stack.prepare(create_backend=False)
    _refuse_if_protected(stack)  # protected on the account, though the config no longer says so
    resources = stack.terraform.state_resources()
    if resources:
        with err.status(f"Destroying {len(resources)} resources..."):
            stack.terraform.destroy(lambda message: None)
        err.print(
            f"[green]Destroyed[/] {len(resources)} resources. Log: {stack.terraform.log_path}"
        )
    else:
        err.print("Nothing to destroy: the state holds no resources.")
    stack.target.after_destroy(stack.config, stack.aws, keep_running=keep_running)
    return EXIT_OK
