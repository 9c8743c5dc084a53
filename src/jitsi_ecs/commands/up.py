"""`jitsi-ecs up`: plan, apply with progress, then verify. Exit 0 only if every check passes."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import deployment
from jitsi_ecs.commands.plan import print_plan
from jitsi_ecs.commands.verify import report, verify_deployment
from jitsi_ecs.terraform import Terraform
from jitsi_ecs.ui import err

_DONE = ("Creation complete", "Modifications complete", "Destruction complete")


def run(g: Globals) -> int:
    _, dep = deployment(g, "up")
    with err.status("terraform plan..."):
        summary = dep.terraform.plan()
    print_plan(summary)
    if not summary.empty:
        _apply(dep.terraform, summary.total)
        err.print(f"[green]Applied[/] ({summary.total} changes). Log: {dep.terraform.log_path}")
    return report(verify_deployment(dep), False, None)


def _apply(terraform: Terraform, total: int) -> None:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task("Applying", total=total)

        def on_message(message: str) -> None:
            if any(done in message for done in _DONE):
                bar.advance(task)
            bar.update(task, description=f"Applying: {message[:60]}")

        terraform.apply(on_message)
        bar.update(task, completed=total, description="Applied")
