"""`jitsi-ecs status [--json]`: services and deployments, why their tasks stopped lately, alarm
states, budget spend."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import open_stack
from jitsi_ecs.errors import EXIT_OK
from jitsi_ecs.live import snapshot
from jitsi_ecs.ui import out, print_json


def print_status(data: dict[str, Any]) -> None:
    services = Table(title="Services")
    for col in ("service", "running/desired", "deployment", "rollout", "reason"):
        services.add_column(col, overflow="fold")
    for s in data["services"]:
        for i, d in enumerate(s["deployments"] or [{}]):
            services.add_row(
                s["name"] if i == 0 else "",
                f"{s['running']}/{s['desired']}" if i == 0 else "",
                f"{d.get('status', '')} {str(d.get('task_definition', '')).rsplit('/', 1)[-1]}",
                d.get("rollout_state") or "",
                d.get("reason") or "",
            )
    out.print(services)
    events = [(s["name"], e) for s in data["services"] for e in s["events"]]
    if events:
        recent = Table(title="Recent service events (drills and rollbacks show here)")
        recent.add_column("service")
        recent.add_column("event", overflow="fold")
        for name, event in events:
            recent.add_row(name, event)
        out.print(recent)
    stopped = [(s["name"], r) for s in data["services"] for r in s.get("stopped", [])]
    if stopped:
        why = Table(title="Stopped tasks (the reasons ECS gave, and what to do)")
        for col in ("service", "tasks", "reason", "what to do"):
            why.add_column(col, overflow="fold")
        for name, r in stopped:
            advice = escape(r["advice"]) if r["advice"] else "(not a known cause)"
            why.add_row(name, str(r["count"]), escape(r["reason"]), advice)
        out.print(why)
    alarms = Table(title="Alarms")
    alarms.add_column("alarm")
    alarms.add_column("state")
    style = {"OK": "green", "ALARM": "bold red", "INSUFFICIENT_DATA": "yellow"}
    for a in data["alarms"]:
        alarms.add_row(a["name"], f"[{style.get(a['state'], '')}]{a['state']}[/]")
    out.print(alarms)
    jitsi = data.get("jitsi")
    if jitsi:
        counts = {k: (f"{v:g}" if isinstance(v, float) else "?") for k, v in jitsi.items()}
        out.print(
            f"Jitsi now: {counts.get('conferences', '?')} conference(s), "
            f"{counts.get('participants', '?')} participant(s), "
            f"{counts.get('operational_bridges', '?')} operational bridge(s), "
            f"as of {jitsi.get('as_of')}"
        )
    else:
        out.print("Jitsi now: no telemetry data yet (the collector publishes every minute).")
    bridge = data.get("shard_bridge")
    if bridge and bridge["tasks"]:
        states = ", ".join(f"{r['status']} {r['health']}" for r in bridge["tasks"])
        if bridge["working"]:
            out.print(f"Shard's bridge: {states}.")
        else:
            out.print(
                f"[bold red]The shard has no working bridge[/] ({states}): ECS restarts it in "
                "place (its guard shuts down a bridge that stays unhealthy); web and signaling "
                "stay up, meetings need another bridge meanwhile."
            )
    budgets = Table(title="Budgets (USD this month)")
    for col in ("budget", "limit", "actual", "forecast"):
        budgets.add_column(col)
    for b in data["budgets"]:
        budgets.add_row(b["name"], str(b["limit"]), str(b["actual"]), str(b["forecast"]))
    out.print(budgets)


def run(g: Globals, as_json: bool) -> int:
    stack = open_stack(g, "status", start=False)
    data = snapshot(stack.config, stack.aws, stack.attach())
    print_json(data) if as_json else print_status(data)
    return EXIT_OK
