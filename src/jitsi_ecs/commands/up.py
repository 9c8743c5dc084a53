"""`jitsi-ecs up`: plan, apply with progress, then verify. Exit 0 only if every check passes."""

from __future__ import annotations

from datetime import timedelta

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import prepared
from jitsi_ecs.commands.plan import print_plan
from jitsi_ecs.commands.verify import report, verify_stack
from jitsi_ecs.cost.report import print_budgets
from jitsi_ecs.guard import guard_signaling, replaces_signaling
from jitsi_ecs.planning import planned
from jitsi_ecs.stack import Stack
from jitsi_ecs.terraform import Terraform
from jitsi_ecs.ui import err

_DONE = ("Creation complete", "Modifications complete", "Destruction complete")


def run(
    g: Globals,
    accept_cost: bool = False,
    force: bool = False,
    wait_empty: timedelta | None = None,
) -> int:
    stack = prepared(g, "up", preflight=True)
    apply_plan(stack, accept_cost=accept_cost, force=force, wait_empty=wait_empty)
    return report(verify_stack(stack), False, None)


def apply_plan(
    stack: Stack, *, accept_cost: bool, force: bool, wait_empty: timedelta | None
) -> None:
    """Plan; show it and its cost; pass the cost gate, the signaling guard and the target's
    question; apply. Nothing is applied when any of them says no."""
    with planned(stack) as (plan, est):
        print_plan(plan.summary)
        err.print(f"Estimated cost: ${est.monthly_total:,.2f} per month.")
        print_budgets(err, est)
        stack.target.cost_gate(est, accept_cost)
        if plan.summary.empty:
            return
        if replaces_signaling(plan.json):
            guard_signaling(stack, force=force, wait_empty=wait_empty)
        stack.target.confirm_apply(plan.summary)
        _apply(stack.terraform, plan.summary.total)
        err.print(
            f"[green]Applied[/] ({plan.summary.total} changes). Log: {stack.terraform.log_path}"
        )


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
