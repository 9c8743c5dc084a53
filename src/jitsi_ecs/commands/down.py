"""`jitsi-ecs down`: destroy everything (after asking, on a real account); locally also stop
the emulator."""

from __future__ import annotations

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import open_stack
from jitsi_ecs.errors import EXIT_OK, NothingDeployed
from jitsi_ecs.ui import err


def run(g: Globals, keep_running: bool = False) -> int:
    try:
        stack = open_stack(g, "down", start=False)
        with err.status("Preparing terraform..."):
            stack.prepare(create_backend=False)
    except NothingDeployed as exc:
        err.print(f"Nothing to destroy: {exc.message}.")
        return EXIT_OK
    resources = stack.terraform.state_resources()
    if resources:
        stack.target.confirm_destroy(stack.config, len(resources))
        with err.status(f"Destroying {len(resources)} resources..."):
            stack.terraform.destroy(lambda message: None)
        err.print(
            f"[green]Destroyed[/] {len(resources)} resources. Log: {stack.terraform.log_path}"
        )
    else:
        err.print("Nothing to destroy: the state holds no resources.")
    stack.target.after_destroy(stack.config, stack.aws, keep_running=keep_running)
    return EXIT_OK
