"""`jitsi-ecs drill rollback [--failure crash|http-500|wrong-password]|alarm [--json]`: prove
the safety nets on the live deployment."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import open_stack
from jitsi_ecs.drills import DrillResult
from jitsi_ecs.drills import alarm as alarm_drill
from jitsi_ecs.drills import rollback as rollback_drill
from jitsi_ecs.errors import EXIT_FAILED, EXIT_OK, UsageError
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.ui import err, out, print_json


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


def run_rollback(g: Globals, service: str, as_json: bool, failure: str = "crash") -> int:
    if failure not in rollback_drill.FAILURES:
        raise UsageError(
            f"unknown --failure {failure!r}",
            hint=f"Choose one of {', '.join(rollback_drill.FAILURES)}.",
        )
    stack = open_stack(g, "drill-rollback", start=False)
    outputs = stack.attach()
    if service not in outputs.service_names:
        raise UsageError(
            f"unknown service {service!r}",
            hint=f"Choose one of {', '.join(outputs.service_names)}.",
        )
    trip = None
    if failure != rollback_drill.CRASH:
        trip = rollback_drill.alarm_trip(
            stack.aws,
            failure,
            outputs.deployment_alarms(service),
            stand_in=not stack.target.serves_traffic,
            namespace=stack.config.observability.metric_namespace,
            bridges_up=_bridges_up(stack.aws, outputs, service),
        )
    stack.target.confirm_disruption(
        f"The rollback drill replaces the tasks of {service} twice: every meeting on them ends."
    )
    result = DrillResult("rollback", on_step=None if as_json else _live_step)
    rollback_drill.run(
        stack.aws,
        outputs.cluster_name,
        outputs.service_names[service],
        stack.target.rollback_watch,
        result,
        failure=failure,
        trip=trip,
    )
    return _report(result, as_json)


def _bridges_up(aws: AwsContext, outputs: StackOutputs, drilled: str) -> int:
    """The bridges the telemetry collector would reach during the drill: every task that
    runs a bridge, the drilled service's at least one (the drill starts one if it has none)."""
    keys = [k for k, c in outputs.service_containers.items() if "jvb" in c]
    names = {outputs.service_names[k]: k for k in keys}
    up = 0
    for s in aws.services(outputs.cluster_name, list(names)):
        count = int(s.get("desiredCount", 0))
        up += max(1, count) if names[str(s["serviceName"])] == drilled else count
    return up


def run_alarm(g: Globals, as_json: bool) -> int:
    stack = open_stack(g, "drill-alarm", start=False)
    outputs = stack.attach()
    busy = stack.aws.deploying(outputs.cluster_name, list(outputs.service_names.values()))
    if busy:
        raise UsageError(
            f"deployment in progress on {', '.join(busy)}: an alarm set to ALARM would roll it "
            "back",
            hint="Run the alarm drill once every service is steady (`jitsi-ecs status`).",
        )
    wiring = alarm_drill.BudgetWiring(
        outputs.budget_alerts_topic_arn, list(outputs.budget_names.values())
    )
    result = DrillResult("alarm", on_step=None if as_json else _live_step)
    alarm_drill.run(
        stack.aws, list(outputs.alarm_names.values()), wiring, stack.target.alarm_watch, result
    )
    return _report(result, as_json)
