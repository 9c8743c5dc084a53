"""The rollback drill's alarm failures on a live compact deployment (issue 20), for the CLI
flow: a shard release answering 500 rolls back by its target-5xx alarm, a bridge release that
cannot join the brewery by the bridges' not-joined alarm. Each takes a few seconds on the
emulator and leaves the deployment as it found it (revision, count, alarm state)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from jitsi_ecs.aws import AwsContext

Invoke = Callable[[list[str]], Any]  # the flow's `lambda args: runner.invoke(app, args)`


def _drill(invoke: Invoke, service: str, failure: str) -> dict[str, Any]:
    result = invoke(["drill", "rollback", "--service", service, "--failure", failure, "--json"])
    assert result.exit_code == 0, result.output[-3000:]
    report: dict[str, Any] = json.loads(result.stdout[result.stdout.index("{") :])
    assert report["drill"] == "rollback" and report["passed"] is True, report["steps"]
    timings = report["timings"]
    assert set(timings) == {
        "first_failed_task_s",
        "rollback_started_s",
        "steady_state_s",
        "alarm_s",
    }
    # No task failed: the alarm, not the circuit breaker, rolled the release back.
    assert timings["first_failed_task_s"] is None
    assert all(timings[k] is not None for k in ("alarm_s", "rollback_started_s", "steady_state_s"))
    steps = {s["step"]: s for s in report["steps"]}
    assert steps["rolled back by the alarm"]["status"] == "ok"
    assert all(s["status"] == "ok" for s in report["steps"]), report["steps"]
    return report


def _unchanged(aws: AwsContext, service: str, family: str, before: dict[str, Any]) -> None:
    ecs = aws.client("ecs")
    after = ecs.describe_services(cluster="jitsi", services=[service])["services"][0]
    assert (after["taskDefinition"], after["desiredCount"]) == (
        before["taskDefinition"],
        before["desiredCount"],
    )
    active = ecs.list_task_definitions(familyPrefix=family, status="ACTIVE")["taskDefinitionArns"]
    assert active == [before["taskDefinition"]]  # the drill's revision is deregistered


def _alarm(report: dict[str, Any]) -> str:
    """The alarm the drill tripped (its "alarm" step: "<name> in ALARM after ...")."""
    detail = next(s for s in report["steps"] if s["step"] == "alarm")["detail"]
    return str(detail.split(" in ALARM", 1)[0])


def _alarm_state(aws: AwsContext, alarm: str) -> str:
    found = aws.client("cloudwatch").describe_alarms(AlarmNames=[alarm])["MetricAlarms"]
    return str(found[0]["StateValue"])


def shard_http_500(invoke: Invoke, aws: AwsContext) -> dict[str, Any]:
    """`drill rollback --service shard --failure http-500`: passes, by the shard's
    target-5xx deployment alarm; the shard ends on its revision, the alarm back to OK."""
    before = aws.client("ecs").describe_services(cluster="jitsi", services=["shard"])
    report = _drill(invoke, "shard", "http-500")
    detail = next(s for s in report["steps"] if s["step"] == "rollback started")["detail"]
    assert "target-5xx" in detail and "ALARM" in detail, detail
    _unchanged(aws, "shard", "jitsi-shard", before["services"][0])
    assert _alarm_state(aws, _alarm(report)) == "OK"
    return report


def bridges_wrong_password(invoke: Invoke, aws: AwsContext) -> dict[str, Any]:
    """`drill rollback --service jvb --failure wrong-password`: passes, by the bridges'
    not-joined deployment alarm (the emulator's telemetry played by the drill, and said);
    jvb ends on its revision and count (0 in the default: the drill started one), the alarm
    back to OK."""
    before = aws.client("ecs").describe_services(cluster="jitsi", services=["jvb"])
    report = _drill(invoke, "jvb", "wrong-password")
    steps = {s["step"]: s["detail"] for s in report["steps"]}
    assert "bridges-not-joined" in steps["rollback started"], steps
    assert "the target runs no telemetry" in steps["alarm"], steps  # said honestly
    if before["services"][0]["desiredCount"] == 0:
        assert "scale up" in steps and "scale back" in steps
    _unchanged(aws, "jvb", "jitsi-jvb", before["services"][0])
    assert _alarm_state(aws, _alarm(report)) == "OK"
    return report
