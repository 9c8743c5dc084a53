"""`jitsi-ecs down`: destroy everything; on the local target also stop the emulator."""

from __future__ import annotations

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import deployment
from jitsi_ecs.deployment import delete_local_zone
from jitsi_ecs.emulator import manager
from jitsi_ecs.errors import EXIT_OK
from jitsi_ecs.ui import err
from jitsi_ecs.workspace import Workspace


def run(g: Globals, keep_emulator: bool = False) -> int:
    ws = Workspace.for_target(g.target)
    if g.target == "local" and manager.running(ws) is None:
        manager.stop(ws)  # forget a stale record
        err.print("Nothing to destroy: the local emulator is not running (its state went with it).")
        return EXIT_OK
    _, dep = deployment(g, "down")
    resources = dep.terraform.state_resources()
    with err.status(f"Destroying {len(resources)} resources..."):
        dep.terraform.destroy(lambda message: None)
    err.print(f"[green]Destroyed[/] {len(resources)} resources. Log: {dep.terraform.log_path}")
    if g.target == "local":
        delete_local_zone(dep.aws, dep.config.domain)
    if g.target == "local" and keep_emulator:
        err.print("The local emulator keeps running (--keep-emulator); `jitsi-ecs down` stops it.")
    elif g.target == "local":
        manager.stop(ws)
        (ws.stack_dir / "terraform.tfstate").unlink(missing_ok=True)
        err.print("Stopped the local emulator.")
    return EXIT_OK
