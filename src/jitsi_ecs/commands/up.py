"""`jitsi-ecs up`: plan, apply with progress, wait for the services to become stable, then
verify. Exit 0 only if every service is stable and every check passes; a service that is not
gets the reasons ECS gave for its stopped tasks, with what to do (diagnosis.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import prepared
from jitsi_ecs.commands.plan import print_plan
from jitsi_ecs.commands.verify import report, verify_stack
from jitsi_ecs.cost.report import print_budgets
from jitsi_ecs.diagnosis import lines
from jitsi_ecs.drills import Clock
from jitsi_ecs.errors import EXIT_FAILED
from jitsi_ecs.guard import guard_signaling, replaces_signaling
from jitsi_ecs.planning import planned
from jitsi_ecs.stack import Stack
from jitsi_ecs.steady import Verdict, progress, wait_stable
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
    unstable = [v for v in wait_for_services(stack) if not v.stable]
    print_unstable(unstable)
    # The checks compare configuration, which a failing task does not change: still worth it.
    code = report(verify_stack(stack), False, None)
    if unstable:
        names = ", ".join(v.name for v in unstable)
        err.print(f"[red]error:[/] {len(unstable)} service(s) did not become stable: {names}")
        return EXIT_FAILED
    return code


def wait_for_services(stack: Stack, clock: Clock | None = None) -> list[Verdict]:
    """Wait (the target's stable_watch) for every service of the stack, with progress."""
    outputs = stack.attach()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[state]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        rows: dict[str, TaskID] = {}

        def on_poll(services: list[Any]) -> None:
            for s in services:
                name = str(s["serviceName"])
                if name not in rows:
                    rows[name] = bar.add_task(name, total=None, state="")
                bar.update(
                    rows[name],
                    total=max(1, int(s.get("desiredCount", 0))),
                    completed=int(s.get("runningCount", 0)),
                    state=escape(progress(s)),
                )

        return wait_stable(stack.aws, outputs, stack.target.stable_watch, clock, on_poll)


def print_unstable(unstable: list[Verdict]) -> None:
    """Each service that did not become stable: why, one line per distinct reason."""
    for v in unstable:
        err.print(f"[red]Service {escape(v.name)} did not become stable[/]: {escape(v.detail)}")
        for line in lines(v.reasons) or [
            "ECS lists no stopped task for it: see `jitsi-ecs status` for its events."
        ]:
            err.print(f"  {escape(line)}")


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
