"""`jitsi-ecs plan [--json]`: validate, render variables, plan, show what would change."""

from __future__ import annotations

from rich.table import Table

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import prepared
from jitsi_ecs.cost.report import print_budgets
from jitsi_ecs.errors import EXIT_OK
from jitsi_ecs.planning import planned
from jitsi_ecs.terraform import PlanSummary
from jitsi_ecs.ui import err, out, print_json


def plan_json(summary: PlanSummary) -> dict[str, object]:
    return {
        "add": summary.add,
        "change": summary.change,
        "destroy": summary.destroy,
        "changes": [{"action": a, "address": addr} for a, addr in summary.changes],
    }


def print_plan(summary: PlanSummary) -> None:
    if summary.empty:
        out.print("No changes: the deployment matches the config.")
        return
    table = Table(title="Planned changes")
    table.add_column("action")
    table.add_column("resource")
    style = {"create": "green", "update": "yellow", "delete": "red", "replace": "magenta"}
    for action, address in summary.changes:
        table.add_row(f"[{style.get(action, '')}]{action}[/]", address)
    out.print(table)
    out.print(
        f"Plan: {summary.add} to add, {summary.change} to change, {summary.destroy} to destroy."
    )


def run(g: Globals, as_json: bool) -> int:
    stack = prepared(g, "plan", preflight=True)
    with err.status("terraform plan..."), planned(stack) as (plan, est):
        pass  # nothing is applied: the saved plan goes when the block ends
    if as_json:
        print_json({**plan_json(plan.summary), "cost": est.as_json()})
    else:
        print_plan(plan.summary)
        out.print(
            f"Estimated cost: [bold]${est.monthly_total:,.2f}[/] per month "
            "(`jitsi-ecs cost` itemises it)."
        )
        print_budgets(out, est)
    return EXIT_OK
