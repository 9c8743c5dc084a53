"""`jitsi-ecs down`: destroy everything (on a real account only after the stack name is typed,
or --yes); locally also stop the emulator."""

from __future__ import annotations

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import open_stack
from jitsi_ecs.errors import EXIT_OK, NothingDeployed
from jitsi_ecs.ui import err


def run(g: Globals, keep_running: bool = False) -> int:
    try:
        stack = open_stack(g, "down", start=False)
        # No state backend: nothing deployed, and nothing to ask.
        stack.target.backend(stack.config, stack.aws, create=False)
    except NothingDeployed as exc:
        err.print(f"Nothing to destroy: {exc.message}.")
        return EXIT_OK
    # Asked before terraform runs at all: a refusal leaves everything as it was.
    stack.target.confirm_destroy(stack.config, stack.aws)
    with err.status("Preparing terraform..."):
        stack.prepare(create_backend=False)
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
