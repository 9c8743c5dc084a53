"""`jitsi-ecs up`: plan, apply with progress, then verify. Exit 0 only if every check passes."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import prepared
from jitsi_ecs.commands.plan import print_plan
from jitsi_ecs.commands.verify import report, verify_stack
from jitsi_ecs.cost.estimate import estimate
from jitsi_ecs.cost.prices import price_book
from jitsi_ecs.cost.report import print_budgets
from jitsi_ecs.terraform import Terraform
from jitsi_ecs.ui import err

_DONE = ("Creation complete", "Modifications complete", "Destruction complete")


def run(g: Globals, accept_cost: bool = False) -> int:
    stack = prepared(g, "up")
    book = price_book(stack.config.region)
    with stack.terraform.planned() as plan:
        print_plan(plan.summary)
        est = estimate(plan.json, stack.config.usage, book)
        err.print(f"Estimated cost: ${est.monthly_total:,.2f} per month.")
        print_budgets(err, est)
        stack.target.cost_gate(est, accept_cost)
        if not plan.summary.empty:
            stack.target.confirm_apply(plan.summary)
            _apply(stack.terraform, plan.summary.total)
            err.print(
                f"[green]Applied[/] ({plan.summary.total} changes). Log: {stack.terraform.log_path}"
            )
    return report(verify_stack(stack), False, None)


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
