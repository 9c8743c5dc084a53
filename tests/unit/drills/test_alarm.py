"""The alarm drill on the in-process emulator: notifications arrive, nothing is left behind."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from moto import mock_aws

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.drills import DrillResult
from jitsi_ecs.drills.alarm import BudgetWiring, run
from jitsi_ecs.emulator.extensions import install
from jitsi_ecs.targets import Watch

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
