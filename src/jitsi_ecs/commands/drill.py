"""`jitsi-ecs drill rollback|alarm [--json]`: prove the safety nets on the live deployment."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import deployed_outputs, deployment
from jitsi_ecs.drills import DrillResult
from jitsi_ecs.drills import alarm as alarm_drill
from jitsi_ecs.drills import rollback as rollback_drill
from jitsi_ecs.errors import EXIT_FAILED, EXIT_OK, JitsiEcsError
from jitsi_ecs.ui import err, out, print_json

# The emulator's clock runs fast; a real rollback takes minutes (start period, checks, drain).
ROLLBACK_WATCH = {
    "local": rollback_drill.Watch(timeout_s=120, poll_s=0.5),
    "aws": rollback_drill.Watch(timeout_s=1800, poll_s=10),
}
ALARM_WATCH = {
    "local": alarm_drill.AlarmWatch(timeout_s=15, poll_s=0.2),
    "aws": alarm_drill.AlarmWatch(timeout_s=120, poll_s=1),
}


def _live_step(entry: dict[str, Any]) -> None:
    mark = "[green]ok[/]" if entry["status"] == "ok" else "[bold red]fail[/]"
    err.print(f"{entry['at_s']:>7.1f}s  {mark}  {entry['step']}: {entry['detail']}")


def _report(result: DrillResult, as_json: bool) -> int:
    if as_json:
        print_json(result.as_json())
    else:
        table = Table(title=f"drill {result.drill}: {'PASSED' if result.passed else 'FAILED'}")
        for col in ("t (s)", "step", "status", "detail"):
            table.add_column(col, overflow="fold")
        for s in result.steps:
            table.add_row(f"{s['at_s']:.1f}", s["step"], s["status"], s["detail"])
        out.print(table)
        for key, value in result.timings.items():
            out.print(f"  {key}: {'-' if value is None else f'{value:.2f}'}")
    return EXIT_OK if result.passed else EXIT_FAILED


def run_rollback(g: Globals, service: str, as_json: bool) -> int:
    config, dep = deployment(g, "drill-rollback", start_emulator=False)
    outputs = deployed_outputs(dep)
    if service not in outputs.get("service_names", {}):
        raise JitsiEcsError(
            f"unknown service {service!r}",
            hint=f"Choose one of {', '.join(outputs['service_names'])}.",
        )
    result = DrillResult("rollback", on_step=None if as_json else _live_step)
    rollback_drill.run(
        dep.aws, config.name, outputs["service_names"][service], ROLLBACK_WATCH[g.target], result
    )
    return _report(result, as_json)


def run_alarm(g: Globals, as_json: bool) -> int:
    config, dep = deployment(g, "drill-alarm", start_emulator=False)
    outputs = deployed_outputs(dep)
    services = dep.aws.client("ecs").describe_services(
        cluster=config.name, services=list(outputs["service_names"].values())
    )["services"]
    busy = [
        s["serviceName"]
        for s in services
        if any(d.get("rolloutState") == "IN_PROGRESS" for d in s.get("deployments", []))
    ]
    if busy:
        raise JitsiEcsError(
            f"deployment in progress on {', '.join(busy)}: "
            "an alarm set to ALARM would roll it back",
            hint="Run the alarm drill once every service is steady (`jitsi-ecs status`).",
        )
    wiring = alarm_drill.BudgetWiring(
        outputs["budget_alerts_topic_arn"], list(outputs["budget_names"].values())
    )
    result = DrillResult("alarm", on_step=None if as_json else _live_step)
    alarm_drill.run(
        dep.aws, list(outputs["alarm_names"].values()), wiring, ALARM_WATCH[g.target], result
    )
    return _report(result, as_json)
