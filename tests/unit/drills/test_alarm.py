"""The alarm drill on the in-process emulator: notifications arrive, nothing is left behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from moto import mock_aws
from typer.testing import CliRunner

from jitsi_ecs.aws import _HINTS, AwsContext
from jitsi_ecs.cli import app
from jitsi_ecs.drills import DrillResult
from jitsi_ecs.drills.alarm import BudgetWiring, run
from jitsi_ecs.emulator.extensions import install
from jitsi_ecs.errors import UsageError
from jitsi_ecs.targets import Watch
from tests.unit.drills.denied import deny

ACCOUNT = "123456789012"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsContext]:
    install()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        yield AwsContext(region="us-west-2")


def _stack(aws: AwsContext, budget_principal: str = "budgets.amazonaws.com") -> BudgetWiring:
    sns, cw, budgets = aws.client("sns"), aws.client("cloudwatch"), aws.client("budgets")
    alerts = sns.create_topic(Name="deployment-alerts")["TopicArn"]
    money = sns.create_topic(Name="budget-alerts")["TopicArn"]
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": budget_principal},
                "Action": "SNS:Publish",
                "Resource": money,
            }
        ]
    }
    sns.set_topic_attributes(
        TopicArn=money, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )
    for name in ("jitsi-target-5xx", "jitsi-elb-5xx"):
        cw.put_metric_alarm(
            AlarmName=name,
            Namespace="AWS/ApplicationELB",
            MetricName="X",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=5,
            ComparisonOperator="GreaterThanThreshold",
            AlarmActions=[alerts],
            OKActions=[alerts],
        )
    notes = [
        {
            "Notification": {
                "NotificationType": t,
                "ComparisonOperator": "GREATER_THAN",
                "Threshold": 100.0,
                "ThresholdType": "PERCENTAGE",
            },
            "Subscribers": [{"SubscriptionType": "SNS", "Address": money}],
        }
        for t in ("ACTUAL", "FORECASTED")
    ]
    budgets.create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": "jitsi-monthly-5usd",
            "BudgetType": "COST",
            "TimeUnit": "MONTHLY",
            "BudgetLimit": {"Amount": "5.00", "Unit": "USD"},
        },
        NotificationsWithSubscribers=notes,
    )
    return BudgetWiring(money, ["jitsi-monthly-5usd"])


def test_every_alarm_reaches_its_topic_and_nothing_is_left(aws: AwsContext) -> None:
    wiring = _stack(aws)
    result = run(
        aws,
        ["jitsi-target-5xx", "jitsi-elb-5xx"],
        wiring,
        Watch(5, 0.05),
        DrillResult("alarm"),
    )
    assert result.passed, result.steps
    assert set(result.timings) == {"jitsi-target-5xx_s", "jitsi-elb-5xx_s"}
    assert all(v is not None and v >= 0 for v in result.timings.values())
    assert aws.client("sqs").list_queues().get("QueueUrls", []) == []
    assert [s["Protocol"] for s in aws.client("sns").list_subscriptions()["Subscriptions"]] == []
    states = aws.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert {a["StateValue"] for a in states} == {"OK"}  # reset after the drill


def test_missing_alarm_and_closed_budget_topic_fail(aws: AwsContext) -> None:
    wiring = _stack(aws, budget_principal="cloudwatch.amazonaws.com")
    result = run(
        aws, ["jitsi-target-5xx", "jitsi-gone"], wiring, Watch(5, 0.05), DrillResult("alarm")
    )
    assert not result.passed
    failed = {s["step"] for s in result.steps if s["status"] == "fail"}
    assert failed == {"alarm jitsi-gone", "budget topic policy"}
    assert aws.client("sqs").list_queues().get("QueueUrls", []) == []


def test_a_denied_queue_exits_through_the_error_type(aws: AwsContext) -> None:
    wiring = _stack(aws)
    deny(aws.sqs, "CreateQueue")
    result = DrillResult("alarm")
    with pytest.raises(UsageError) as caught:  # a refused action: exit 2
        run(aws, ["jitsi-target-5xx"], wiring, Watch(5, 0.05), result)
    assert caught.value.message.startswith("create the temporary queue jitsi-ecs-drill-")
    assert caught.value.message.endswith(
        "AWS refused CreateQueue (AccessDeniedException): not allowed to CreateQueue"
    )
    assert caught.value.hint == _HINTS["AccessDeniedException"]
    assert [s["step"] for s in result.steps] == ["clean up"]  # nothing was made: nothing left
    states = aws.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert {a["StateValue"] for a in states} == {"OK"}


def test_the_cli_reports_a_denied_call_without_a_traceback(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    wiring = _stack(aws)
    deny(aws.sqs, "CreateQueue")
    outputs = SimpleNamespace(
        cluster_name="jitsi",
        service_names={},
        alarm_names={"target-5xx": "jitsi-target-5xx"},
        budget_alerts_topic_arn=wiring.topic_arn,
        budget_names={"5": "jitsi-monthly-5usd"},
    )
    stack = SimpleNamespace(
        aws=aws, attach=lambda: outputs, target=SimpleNamespace(alarm_watch=Watch(5, 0.05))
    )
    monkeypatch.setattr("jitsi_ecs.commands.drill.open_stack", lambda *a, **k: stack)
    result = CliRunner().invoke(app, ["drill", "alarm"])
    assert result.exit_code == 2  # a refused action: the principal's permissions
    assert isinstance(result.exception, SystemExit)  # not the error escaping
    assert "error: create the temporary queue jitsi-ecs-drill-" in result.output
    assert "AccessDeniedException" in result.output and "hint:" in result.output
    assert "Traceback" not in result.output


def test_denied_budget_notifications_fail_that_budget(aws: AwsContext) -> None:
    wiring = _stack(aws)
    deny(aws.budgets, "DescribeNotificationsForBudget")
    result = run(aws, [], wiring, Watch(5, 0.05), DrillResult("alarm"))
    assert not result.passed
    steps = {s["step"]: s for s in result.steps}
    assert steps["budget topic policy"]["status"] == "ok"
    budget = steps["budget jitsi-monthly-5usd"]
    assert budget["status"] == "fail"
    assert budget["detail"] == (
        "describe the notifications of budget jitsi-monthly-5usd: AWS refused "
        "DescribeNotificationsForBudget (AccessDeniedException): "
        "not allowed to DescribeNotificationsForBudget"
    )


def test_a_denied_clean_up_is_a_failed_step_and_the_queue_still_goes(aws: AwsContext) -> None:
    wiring = _stack(aws)
    deny(aws.sns, "Unsubscribe")
    result = run(aws, ["jitsi-target-5xx"], wiring, Watch(5, 0.05), DrillResult("alarm"))
    assert not result.passed
    steps = {s["step"]: s for s in result.steps}
    assert steps["alarm jitsi-target-5xx"]["status"] == "ok"
    assert steps["clean up"]["status"] == "fail"
    assert steps["clean up"]["detail"].startswith("left behind, remove by hand: unsubscribe arn:")
    assert "AccessDeniedException" in steps["clean up"]["detail"]
    assert aws.client("sqs").list_queues().get("QueueUrls", []) == []  # removed all the same
