"""The rollback drill on the in-process emulator: the threshold path, a broken safety net,
and restore on interrupt, driven by a fake clock (no real waiting)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.drills import Clock, DrillResult
from jitsi_ecs.drills.rollback import (
    BROKEN_CHECK,
    alarm_trip,
    broken_revision,
    copied_revision,
    run,
)
from jitsi_ecs.emulator.extensions import install
from jitsi_ecs.errors import EXIT_INTERRUPTED, Interrupted, JitsiEcsError, UsageError
from jitsi_ecs.targets import Watch
from tests.unit.drills.denied import deny

CHECK = {
    "command": ["CMD-SHELL", "curl -f http://127.0.0.1/ || exit 1"],
    "interval": 30,
    "timeout": 5,
    "retries": 3,
    "startPeriod": 60,
}


class FakeClock(Clock):
    """Each sleep moves a shared offset that the emulator's clock also reads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import time as real_time

        self.offset = 0.0
        base = real_time.time
        monkeypatch.setattr(
            "jitsi_ecs.emulator.ecs_deployments.time.time", lambda: base() + self.offset
        )
        super().__init__(now=lambda: base() + self.offset, sleep=self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsContext]:
    install()
    monkeypatch.setenv("JITSI_ECS_EMULATOR_SPEED", "1")
    with mock_aws():
        ctx = AwsContext(region="us-west-2")
        ctx._session = None
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
        yield ctx


def _service(aws: AwsContext, breaker: bool) -> str:
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="jitsi")
    arn = ecs.register_task_definition(
        family="jitsi-web",
        containerDefinitions=[
            {"name": "web", "image": "jitsi/web", "memory": 512, "healthCheck": CHECK}
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster="jitsi",
        serviceName="web",
        taskDefinition="jitsi-web",
        desiredCount=3,
        deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": breaker, "rollback": breaker},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
    )
    return str(arn)


def _active_revisions(aws: AwsContext) -> list[str]:
    return list(
        aws.client("ecs").list_task_definitions(familyPrefix="jitsi-web", status="ACTIVE")[
            "taskDefinitionArns"
        ]
    )


def test_broken_revision_only_changes_health_checks() -> None:
    task = {
        "family": "f",
        "containerDefinitions": [{"name": "a", "image": "i", "healthCheck": CHECK}],
        "cpu": "256",
        "taskDefinitionArn": "x",
        "revision": 1,
    }
    args = broken_revision(task)
    assert args["containerDefinitions"][0]["healthCheck"]["command"] == BROKEN_CHECK
    assert args["containerDefinitions"][0]["healthCheck"]["interval"] == 30
    assert (
        "taskDefinitionArn" not in args and task["containerDefinitions"][0]["healthCheck"] is CHECK
    )


def test_breaker_rolls_back_after_threshold_failures(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _service(aws, breaker=True)
    clock = FakeClock(monkeypatch)
    result = run(
        aws, "jitsi", "web", Watch(timeout_s=3600, poll_s=10), DrillResult("rollback"), clock
    )
    assert result.passed
    # 60 s start + 3 x 30 s checks = 150 s until the first batch of 3 fails: threshold 3
    assert result.timings["first_failed_task_s"] == pytest.approx(150, abs=10)
    assert result.timings["rollback_started_s"] == result.timings["first_failed_task_s"]
    assert result.timings["steady_state_s"] == pytest.approx(150 + 90, abs=20)
    steps = {s["step"]: s for s in result.steps}
    assert "3 failed task(s) counted; threshold 3" in steps["failures vs threshold"]["detail"]
    assert (
        aws.client("ecs").describe_services(cluster="jitsi", services=["web"])["services"][0][
            "taskDefinition"
        ]
        == original
    )
    assert _active_revisions(aws) == [original]


def test_breaker_off_is_reported_as_a_failure(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _service(aws, breaker=False)
    result = run(
        aws,
        "jitsi",
        "web",
        Watch(timeout_s=3600, poll_s=10),
        DrillResult("rollback"),
        FakeClock(monkeypatch),
    )
    assert not result.passed
    steps = {s["step"]: s for s in result.steps}
    assert steps["no rollback"]["status"] == "fail"
    assert "circuit breaker" in steps["no rollback"]["detail"]
    assert steps["restore"]["status"] == "ok"
    assert (
        aws.client("ecs").describe_services(cluster="jitsi", services=["web"])["services"][0][
            "taskDefinition"
        ]
        == original
    )
    assert _active_revisions(aws) == [original]


def test_interrupt_restores_the_original_revision(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _service(aws, breaker=True)
    clock = FakeClock(monkeypatch)

    def ctrl_c(_: float) -> None:
        raise KeyboardInterrupt

    clock.sleep = ctrl_c
    result = DrillResult("rollback")
    with pytest.raises(Interrupted, match="restored to jitsi-web:1") as info:
        run(aws, "jitsi", "web", Watch(timeout_s=3600, poll_s=10), result, clock)
    assert info.value.exit_code == EXIT_INTERRUPTED
    names = [s["step"] for s in result.steps]
    assert names[-4:] == ["interrupted", "restore", "final task definition", "clean up"]
    assert (
        aws.client("ecs").describe_services(cluster="jitsi", services=["web"])["services"][0][
            "taskDefinition"
        ]
        == original
    )
    assert _active_revisions(aws) == [original]


def test_timeout_restores_too(aws: AwsContext, monkeypatch: pytest.MonkeyPatch) -> None:
    original = _service(aws, breaker=True)
    result = run(
        aws,
        "jitsi",
        "web",
        Watch(timeout_s=20, poll_s=10),
        DrillResult("rollback"),
        FakeClock(monkeypatch),
    )
    assert not result.passed
    assert any(s["step"] == "timeout" for s in result.steps)
    assert (
        aws.client("ecs").describe_services(cluster="jitsi", services=["web"])["services"][0][
            "taskDefinition"
        ]
        == original
    )


def test_a_service_mid_deployment_is_refused(aws: AwsContext) -> None:
    original = _service(aws, breaker=True)
    aws.redeploy("jitsi", "web")  # a rollout in progress (the emulator runs in real time here)
    with pytest.raises(JitsiEcsError, match="web is in the middle of a deployment"):
        run(aws, "jitsi", "web", Watch(timeout_s=1, poll_s=0.1), DrillResult("rollback"))
    assert _active_revisions(aws) == [original]  # refused before registering anything


def test_a_denied_deployment_is_a_failed_step_and_the_revision_goes(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _service(aws, breaker=True)
    deny(aws.ecs, "UpdateService")
    result = run(
        aws,
        "jitsi",
        "web",
        Watch(timeout_s=3600, poll_s=10),
        DrillResult("rollback"),
        FakeClock(monkeypatch),
    )
    assert not result.passed
    steps = {s["step"]: s for s in result.steps}
    assert steps["error"]["detail"] == (
        "deploy the broken revision to service web: AWS refused UpdateService "
        "(AccessDeniedException): not allowed to UpdateService"
    )
    assert "restore" not in steps  # still on the original: nothing to restore
    assert steps["final task definition"]["status"] == "ok"
    assert steps["clean up"]["status"] == "ok"
    assert _active_revisions(aws) == [original]


def test_a_denied_restore_is_reported_and_the_clean_up_still_runs(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _service(aws, breaker=True)
    deny(aws.ecs, "UpdateService", after=1)  # the broken revision deploys; the restore is denied
    clock = FakeClock(monkeypatch)

    def ctrl_c(_: float) -> None:
        raise KeyboardInterrupt

    clock.sleep = ctrl_c
    result = DrillResult("rollback")
    with pytest.raises(Interrupted) as info:
        run(aws, "jitsi", "web", Watch(timeout_s=3600, poll_s=10), result, clock)
    assert info.value.message == (
        "drill interrupted; restoring web failed: restore service web to jitsi-web:1: "
        "AWS refused UpdateService (AccessDeniedException): not allowed to UpdateService"
    )
    assert info.value.hint is not None and f"--task-definition {original}" in info.value.hint
    steps = {s["step"]: s for s in result.steps}
    assert [s["step"] for s in result.steps][-3:] == ["interrupted", "restore", "clean up"]
    assert steps["restore"]["status"] == "fail"
    assert "restore it by hand: aws ecs update-service" in steps["restore"]["detail"]
    assert steps["clean up"]["status"] == "ok"  # the broken revision was deregistered anyway
    assert _active_revisions(aws) == [original]


def test_a_denied_deregistration_fails_the_drill_without_raising(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _service(aws, breaker=True)
    deny(aws.ecs, "DeregisterTaskDefinition")
    result = run(
        aws,
        "jitsi",
        "web",
        Watch(timeout_s=3600, poll_s=10),
        DrillResult("rollback"),
        FakeClock(monkeypatch),
    )
    assert not result.passed  # ECS rolled back, but the broken revision is left behind
    steps = {s["step"]: s for s in result.steps}
    assert steps["failures vs threshold"]["status"] == "ok"
    assert steps["clean up"]["status"] == "fail"
    assert steps["clean up"]["detail"].startswith(
        "deregister the broken revision jitsi-web:2: AWS refused DeregisterTaskDefinition "
        "(AccessDeniedException)"
    )
    assert "aws ecs deregister-task-definition --task-definition" in steps["clean up"]["detail"]
    assert len(_active_revisions(aws)) == 2 and original in _active_revisions(aws)


# ---------------------------------------------------------------- the alarm failures

TARGET_5XX, NOT_JOINED = "jitsi-shard-target-5xx", "jitsi-bridges-not-joined"


def _alarmed_service(
    aws: AwsContext, name: str, alarm: str, desired: int, alarms_on: bool = True
) -> str:
    """A service whose deployment alarm is `alarm` (created as the stack creates it)."""
    cw = aws.client("cloudwatch")
    if alarm == TARGET_5XX:
        cw.put_metric_alarm(
            AlarmName=alarm,
            Namespace="AWS/ApplicationELB",
            MetricName="HTTPCode_Target_5XX_Count",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=5,
            ComparisonOperator="GreaterThanThreshold",
        )
    else:
        cw.put_metric_alarm(
            AlarmName=alarm,
            EvaluationPeriods=3,
            Threshold=0,
            ComparisonOperator="GreaterThanThreshold",
            Metrics=[
                {"Id": "missing", "Expression": "up - operational", "ReturnData": True},
                *(
                    {
                        "Id": qid,
                        "MetricStat": {
                            "Metric": {
                                "Namespace": "Jitsi",
                                "MetricName": metric,
                                "Dimensions": [{"Name": "Service", "Value": dim}],
                            },
                            "Period": 60,
                            "Stat": stat,
                        },
                        "ReturnData": False,
                    }
                    for qid, metric, dim, stat in (
                        ("up", "BridgesUp", "summary", "Minimum"),
                        ("operational", "OperationalBridges", "jicofo", "Maximum"),
                    )
                ),
            ],
        )
    cw.set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="quiet")
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="jitsi")
    arn = ecs.register_task_definition(
        family=f"jitsi-{name}",
        containerDefinitions=[
            {
                "name": "jvb",
                "image": "jitsi/jvb",
                "memory": 512,
                "healthCheck": CHECK,
                "secrets": [
                    {"name": "JVB_AUTH_PASSWORD", "valueFrom": "arn:aws:ssm:::parameter/p"}
                ],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster="jitsi",
        serviceName=name,
        taskDefinition=f"jitsi-{name}",
        desiredCount=desired,
        deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "alarms": {"alarmNames": [alarm], "enable": alarms_on, "rollback": alarms_on},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
    )
    return str(arn)


def _state(aws: AwsContext, alarm: str) -> str:
    return str(aws.alarms([alarm])[alarm]["StateValue"])


def test_copied_revision_passes_its_checks_and_only_the_bridge_password_is_wrong() -> None:
    task = {
        "family": "f",
        "containerDefinitions": [
            {
                "name": "jvb",
                "image": "i",
                "healthCheck": CHECK,
                "environment": [{"name": "A", "value": "1"}],
                "secrets": [
                    {"name": "JVB_AUTH_PASSWORD", "valueFrom": "p"},
                    {"name": "OTHER", "valueFrom": "q"},
                ],
            },
            {"name": "guard", "image": "i", "secrets": [{"name": "X", "valueFrom": "x"}]},
        ],
    }
    http = copied_revision(task, "http-500")
    assert http["containerDefinitions"][0]["healthCheck"] == CHECK
    assert http["containerDefinitions"][0]["secrets"] == task["containerDefinitions"][0]["secrets"]
    assert http["containerDefinitions"][0]["dockerLabels"] == {"jitsi-ecs.drill": "http-500"}
    jvb, guard = copied_revision(task, "wrong-password")["containerDefinitions"]
    assert jvb["secrets"] == [{"name": "OTHER", "valueFrom": "q"}]
    (password,) = [e for e in jvb["environment"] if e["name"] == "JVB_AUTH_PASSWORD"]
    assert password["value"].startswith("wrong-") and len(password["value"]) > 20
    assert guard["secrets"] == [{"name": "X", "valueFrom": "x"}] and "environment" not in guard
    assert copied_revision(task, "wrong-password") != copied_revision(task, "wrong-password")


def test_a_release_answering_500_rolls_back_by_its_alarm(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _alarmed_service(aws, "shard", TARGET_5XX, desired=1)
    trip = alarm_trip(aws, "http-500", [TARGET_5XX], stand_in=True, namespace="Jitsi", bridges_up=1)
    assert trip.by_hand and trip.telemetry is None  # no target can publish AWS/ metrics
    clock = FakeClock(monkeypatch)
    result = run(
        aws,
        "jitsi",
        "shard",
        Watch(timeout_s=3600, poll_s=10),
        DrillResult("rollback"),
        clock,
        failure="http-500",
        trip=trip,
    )
    assert result.passed, result.steps
    steps = {s["step"]: s for s in result.steps}
    assert f"Deployment alarm {TARGET_5XX} is in ALARM state" in steps["rollback started"]["detail"]
    assert steps["rolled back by the alarm"]["status"] == "ok"
    assert result.timings["first_failed_task_s"] is None  # no task failed: the alarm decided
    assert result.timings["alarm_s"] == 0 and result.timings["steady_state_s"] is not None
    assert _state(aws, TARGET_5XX) == "OK"
    service = aws.client("ecs").describe_services(cluster="jitsi", services=["shard"])
    assert service["services"][0]["taskDefinition"] == original
    assert aws.client("ecs").list_task_definitions(familyPrefix="jitsi-shard", status="ACTIVE")[
        "taskDefinitionArns"
    ] == [original]


def test_without_its_deployment_alarm_the_500s_are_never_rolled_back(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _alarmed_service(aws, "shard", TARGET_5XX, desired=1, alarms_on=False)
    trip = alarm_trip(aws, "http-500", [TARGET_5XX], stand_in=True, namespace="Jitsi", bridges_up=1)
    result = run(
        aws,
        "jitsi",
        "shard",
        Watch(timeout_s=600, poll_s=10),
        DrillResult("rollback"),
        FakeClock(monkeypatch),
        failure="http-500",
        trip=trip,
    )
    assert not result.passed
    assert any(s["step"] == "timeout" and s["status"] == "fail" for s in result.steps)
    assert _state(aws, TARGET_5XX) == "OK"  # put back anyway
    service = aws.client("ecs").describe_services(cluster="jitsi", services=["shard"])
    assert service["services"][0]["taskDefinition"] == original


def test_bridges_that_cannot_join_roll_back_by_the_bridges_alarm(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _alarmed_service(aws, "jvb", NOT_JOINED, desired=0)
    trip = alarm_trip(
        aws, "wrong-password", [NOT_JOINED], stand_in=True, namespace="Jitsi", bridges_up=2
    )
    result = run(
        aws,
        "jitsi",
        "jvb",
        Watch(timeout_s=3600, poll_s=10),
        DrillResult("rollback"),
        FakeClock(monkeypatch),
        failure="wrong-password",
        trip=trip,
    )
    assert result.passed, result.steps
    steps = {s["step"]: s for s in result.steps}
    assert "ran no task: started one" in steps["scale up"]["detail"]
    assert "the target runs no telemetry" in steps["alarm"]["detail"]
    assert steps["scale back"]["status"] == "ok"
    assert f"Deployment alarm {NOT_JOINED}" in steps["rollback started"]["detail"]
    service = aws.client("ecs").describe_services(cluster="jitsi", services=["jvb"])["services"][0]
    assert (service["taskDefinition"], service["desiredCount"]) == (original, 0)
    assert _state(aws, NOT_JOINED) == "OK"
    # What the collector would have published: a bridge up that jicofo cannot use, then none.
    cw = aws.client("cloudwatch")
    published = {m["MetricName"] for m in cw.list_metrics(Namespace="Jitsi")["Metrics"]}
    assert published == {"BridgesUp", "OperationalBridges"}


def test_on_aws_the_bridges_alarm_is_left_to_telemetry_and_cloudwatch(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _alarmed_service(aws, "jvb", NOT_JOINED, desired=1)
    trip = alarm_trip(
        aws, "wrong-password", [NOT_JOINED], stand_in=False, namespace="Jitsi", bridges_up=2
    )
    assert not trip.by_hand and trip.telemetry is None
    result = run(
        aws,
        "jitsi",
        "jvb",
        Watch(timeout_s=600, poll_s=10),
        DrillResult("rollback"),
        FakeClock(monkeypatch),
        failure="wrong-password",
        trip=trip,
    )
    # Nothing runs here to trip it: the drill waits for the real alarm and times out.
    assert not result.passed and result.timings["alarm_s"] is None
    assert aws.client("cloudwatch").list_metrics(Namespace="Jitsi")["Metrics"] == []


def test_a_service_without_the_failures_alarm_is_refused(aws: AwsContext) -> None:
    _alarmed_service(aws, "jvb", NOT_JOINED, desired=1)
    with pytest.raises(UsageError, match="no deployment alarm on HTTPCode_Target_5XX_Count"):
        alarm_trip(aws, "http-500", [NOT_JOINED], stand_in=True, namespace="J", bridges_up=1)
