"""`jitsi-ecs up`: plan, apply with progress, then verify. Exit 0 only if every check passes."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import deployment
from jitsi_ecs.commands.plan import print_plan
from jitsi_ecs.commands.verify import report, verify_deployment
from jitsi_ecs.cost.estimate import Estimate, estimate
from jitsi_ecs.cost.prices import price_book
from jitsi_ecs.cost.report import print_budgets
from jitsi_ecs.errors import JitsiEcsError
from jitsi_ecs.terraform import Terraform
from jitsi_ecs.ui import err

_DONE = ("Creation complete", "Modifications complete", "Destruction complete")


def run(g: Globals, accept_cost: bool = False) -> int:
    config, dep = deployment(g, "up")
    book = price_book(config.region)
    with err.status("terraform plan..."):
        summary, plan = dep.terraform.plan()
    print_plan(summary)
    est = estimate(plan, config.usage, book)
    err.print(f"Estimated cost: ${est.monthly_total:,.2f} per month.")
    print_budgets(err, est)
    budget_gate(est, dep.target, accept_cost)
    if not summary.empty:
        _apply(dep.terraform, summary.total)
        err.print(f"[green]Applied[/] ({summary.total} changes). Log: {dep.terraform.log_path}")
    return report(verify_deployment(dep), False, None)


def budget_gate(est: Estimate, target: str, accept_cost: bool) -> None:
    """A real account only: refuse a plan above the highest budget unless accepted."""
    highest = max(est.budgets, default=None)
    if target != "aws" or highest is None or est.monthly_total <= highest or accept_cost:
        return
    raise JitsiEcsError(
        f"the estimate (${est.monthly_total:,.2f}/month) is above the highest budget "
        f"(${highest:g})",
        hint="See `jitsi-ecs cost` and `jitsi-ecs cost --compare` for cheaper settings, "
        "raise the budgets, or pass --accept-cost to deploy anyway.",
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
