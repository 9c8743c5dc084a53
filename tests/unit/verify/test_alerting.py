"""verify's alerting group against real alarms, SNS topics and budgets in moto."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.verify import alerting
from jitsi_ecs.verify.result import Check
from tests.unit.deployed import (
    ACCOUNT,
    CONFIG,
    GROWTH,
    NAME,
    TELEMETRY_ALARMS,
    Deployed,
    alarm,
    alarm_kinds,
    budget,
    by_id,
    edge,
    failed,
)
from tests.unit.deployed import alerting as build
from tests.unit.drills.denied import deny

ALARM_NAMES = {kind: f"{NAME}-{kind}" for kind in alarm_kinds(CONFIG)}
IDS = {f"alarm.{kind}" for kind in alarm_kinds(CONFIG)} | {
    "sns.deployment-alerts.policy",
    "sns.deployment-alerts.subscriptions",
    "sns.budget-alerts.policy",
    "sns.budget-alerts.subscriptions",
    "budget.5",
    "budget.20",
}


def _config(**changes: Any) -> Config:
    return Config.model_validate({**CONFIG.model_dump(), **changes})


@pytest.fixture
def d(deployed: Deployed) -> Deployed:
    # The edge too: an operator service's alarms watch its own target group.
    return build(edge(deployed))


def _checks(d: Deployed, config: Config | None = None, **outputs: Any) -> dict[str, Check]:
    return by_id(alerting.checks(d.context(config, **outputs)))


def test_the_deployed_alerting_passes(d: Deployed) -> None:
    checks = _checks(d)
    assert set(checks) == IDS
    assert failed(checks) == set()
    topic = d.outputs["deployment_alerts_topic_arn"]
    assert checks["alarm.p99-latency"].observed["statistic"] == "p99"
    # Availability from free metrics: the web target group has a healthy target. Every other
    # Jitsi service that must run reports CPU; compact's bridges alone may be none.
    assert checks["alarm.no-healthy-target"].observed == {
        "namespace": "AWS/ApplicationELB",
        "period": 60,
        "comparison": "LessThanThreshold",
        "missing_data": "breaching",
        "metric": "HealthyHostCount",
        "statistic": "Minimum",
        "threshold": 1.0,
        "notifies": topic,
        "target_group": d.outputs["web_target_group_arn"].split(":")[-1],
    }
    assert not [i for i in checks if i.endswith(("-not-running", "-running-tasks"))]
    # The operator service's alarms watch its target group alone.
    api_tg = d.outputs["service_target_group_arns"]["api"]
    assert checks["alarm.api-target-5xx"].observed["target_group"] == api_tg.split(":")[-1]
    assert (
        checks["alarm.api-target-5xx"].observed["target_group"].startswith("targetgroup/jitsi-api/")
    )
    assert checks["budget.20"].observed == {
        "limit": "20.00",
        "notifications": ["ACTUAL>100.0%", "FORECASTED>100.0%"],
        "sns": [d.outputs["budget_alerts_topic_arn"]] * 2,
        "emails": [[], []],
    }


def test_a_threshold_changed_in_aws_fails(d: Deployed) -> None:
    alarm(d, "target-5xx", Threshold=50.0)
    checks = _checks(d)
    assert failed(checks) == {"alarm.target-5xx"}
    assert checks["alarm.target-5xx"].expected["threshold"] == 5.0
    assert checks["alarm.target-5xx"].observed["threshold"] == 50.0


def test_a_threshold_changed_in_the_config_fails(d: Deployed) -> None:
    checks = _checks(d, _config(alarms={"p99_latency_seconds": 1.5}))
    assert failed(checks) == {"alarm.p99-latency", "alarm.api-p99-latency"}
    assert checks["alarm.p99-latency"].expected["threshold"] == 1.5


def test_an_alarm_without_its_sns_action_fails(d: Deployed) -> None:
    alarm(d, "elb-5xx", AlarmActions=[])
    checks = _checks(d)
    assert failed(checks) == {"alarm.elb-5xx"}
    assert checks["alarm.elb-5xx"].observed["notifies"] == []


def test_an_alarm_notifying_another_topic_fails(d: Deployed) -> None:
    other = d.aws.sns.create_topic(Name="elsewhere")["TopicArn"]
    alarm(d, "unhealthy-hosts", AlarmActions=[other])
    checks = _checks(d)
    assert failed(checks) == {"alarm.unhealthy-hosts"}
    assert checks["alarm.unhealthy-hosts"].observed["notifies"] == [other]


def test_another_percentile_fails(d: Deployed) -> None:
    alarm(d, "p99-latency", ExtendedStatistic="p90")
    checks = _checks(d)
    assert failed(checks) == {"alarm.p99-latency"}
    assert checks["alarm.p99-latency"].observed["statistic"] == "p90"


def test_an_availability_alarm_that_ignores_missing_data_fails(d: Deployed) -> None:
    # No healthy-host data means no web target: it must breach, not stay quiet.
    alarm(d, "no-healthy-target", TreatMissingData="notBreaching")
    checks = _checks(d)
    assert failed(checks) == {"alarm.no-healthy-target"}


def test_an_operator_alarm_on_another_target_group_fails(d: Deployed) -> None:
    # Dimensioned on the whole ALB, api's deployment alarm would roll it back for web's 5xx.
    web = [{"Name": "LoadBalancer", "Value": f"app/{NAME}/0123456789abcdef"}]
    alarm(d, "api-target-5xx", Dimensions=web)
    checks = _checks(d)
    assert failed(checks) == {"alarm.api-target-5xx"}
    assert checks["alarm.api-target-5xx"].observed["target_group"] is None


def test_a_web_alarm_on_the_whole_alb_fails(d: Deployed) -> None:
    # Web's deployment alarm on the whole ALB would roll web back for an operator service's 5xx.
    whole_alb = [{"Name": "LoadBalancer", "Value": f"app/{NAME}/0123456789abcdef"}]
    alarm(d, "target-5xx", Dimensions=whole_alb)
    checks = _checks(d)
    assert failed(checks) == {"alarm.target-5xx"}
    assert (
        checks["alarm.target-5xx"].expected["target_group"]
        == (d.outputs["web_target_group_arn"].split(":")[-1])
    )


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (GROWTH, {"xmpp-not-running", "jvb-not-running"}),  # web has no-healthy-target
        (CONFIG, set()),  # the shard serves web; no bridge alone needs to run
        (
            Config.model_validate(
                {**CONFIG.model_dump(), "jitsi": {"jvb": {"autoscaling": {"min_count": 2}}}}
            ),
            {"jvb-not-running"},
        ),
    ],
    ids=["growth", "compact", "compact-two-bridges"],
)
def test_each_service_that_must_run_has_its_not_running_alarm(
    deployed: Deployed, config: Config, expected: set[str]
) -> None:
    deployed.config = config
    d = build(edge(deployed))
    checks = _checks(d)
    assert {i.removeprefix("alarm.") for i in checks if i.endswith("-not-running")} == expected
    assert failed(checks) == set()
    if not expected:
        return
    kind = sorted(expected)[0]
    assert checks[f"alarm.{kind}"].observed["metric"] == "CPUUtilization"
    d.aws.cloudwatch.delete_alarms(AlarmNames=[f"{NAME}-{kind}"])
    assert failed(_checks(d)) == {f"alarm.{kind}"}


def test_with_container_insights_every_jitsi_service_has_a_running_tasks_alarm(
    deployed: Deployed,
) -> None:
    deployed.config = _config(observability={"container_insights": True})
    d = build(edge(deployed))
    checks = _checks(d)
    assert {i for i in checks if i.endswith("-running-tasks")} == {
        "alarm.shard-running-tasks",
        "alarm.jvb-running-tasks",
    }
    assert failed(checks) == set()
    assert checks["alarm.jvb-running-tasks"].observed == {
        "namespace": "ECS/ContainerInsights",
        "period": 60,
        "comparison": "GreaterThanThreshold",
        "missing_data": "breaching",
        "metric": "desired - running (DesiredTaskCount, RunningTaskCount)",
        "statistic": None,
        "threshold": 0.0,
        "notifies": d.outputs["deployment_alerts_topic_arn"],
    }
    # No data from Container Insights means no tasks: it must breach, not stay quiet.
    alarm(d, "jvb-running-tasks", TreatMissingData="notBreaching")
    assert failed(_checks(d)) == {"alarm.jvb-running-tasks"}


def test_a_deleted_alarm_fails(d: Deployed) -> None:
    d.aws.cloudwatch.delete_alarms(AlarmNames=[ALARM_NAMES["p99-latency"]])
    checks = _checks(d)
    assert failed(checks) == {"alarm.p99-latency"}
    assert checks["alarm.p99-latency"].detail == f"alarm {NAME}-p99-latency not found"


def test_an_alarm_kind_missing_from_the_outputs_fails(d: Deployed) -> None:
    names = {k: v for k, v in ALARM_NAMES.items() if k != "no-bridge"}
    checks = _checks(d, alarm_names=names)
    assert failed(checks) == {"alarm.no-bridge"}
    assert checks["alarm.no-bridge"].detail == "alarm no-bridge not found"


def test_without_telemetry_its_alarms_are_not_expected(d: Deployed) -> None:
    checks = _checks(d, _config(telemetry={"enabled": False}))
    assert set(checks) == IDS - {f"alarm.{kind}" for kind in TELEMETRY_ALARMS}
    assert "alarm.bridges-not-joined" in IDS
    assert "alarm.bridge-stress" in IDS
    assert failed(checks) == set()


def test_a_budget_topic_closed_to_budgets_fails(d: Deployed) -> None:
    arn = d.outputs["budget_alerts_topic_arn"]
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "SNS:Publish",
                "Resource": arn,
            }
        ]
    }
    d.aws.sns.set_topic_attributes(
        TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )
    checks = _checks(d)
    assert failed(checks) == {"sns.budget-alerts.policy"}
    assert checks["sns.budget-alerts.policy"].observed == {
        "name": "jitsi-budget-alerts",
        "publisher_allowed": None,
        "scoped": False,
    }


def test_a_topic_any_account_may_publish_to_fails(d: Deployed) -> None:
    """Budgets may publish, but with no aws:SourceAccount any account's budgets could."""
    arn = d.outputs["budget_alerts_topic_arn"]
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "budgets.amazonaws.com"},
                "Action": "SNS:Publish",
                "Resource": arn,
            }
        ]
    }
    d.aws.sns.set_topic_attributes(
        TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )
    checks = _checks(d)
    assert failed(checks) == {"sns.budget-alerts.policy"}
    assert checks["sns.budget-alerts.policy"].observed == {
        "name": "jitsi-budget-alerts",
        "publisher_allowed": "budgets.amazonaws.com",
        "scoped": False,
    }


def test_a_deleted_topic_fails_once(d: Deployed) -> None:
    topic = d.outputs["deployment_alerts_topic_arn"]
    d.aws.sns.delete_topic(TopicArn=topic)
    checks = _checks(d)
    assert "sns.deployment-alerts.policy" in failed(checks)
    assert checks["sns.deployment-alerts.policy"].detail == f"SNS topic {topic} not found"
    assert "sns.deployment-alerts.subscriptions" not in checks


def test_email_subscriptions_must_match_the_config(d: Deployed) -> None:
    config = _config(alarms={"emails": ["ops@example.com"]})
    checks = _checks(d, config)
    assert failed(checks) == {"sns.deployment-alerts.subscriptions"}
    assert checks["sns.deployment-alerts.subscriptions"].observed == []
    d.aws.sns.subscribe(
        TopicArn=d.outputs["deployment_alerts_topic_arn"],
        Protocol="email",
        Endpoint="ops@example.com",
    )
    assert failed(_checks(d, config)) == set()


@pytest.mark.parametrize(
    ("statement", "allowed"),
    [
        ({"Effect": "Allow", "Principal": {"Service": "budgets.amazonaws.com"}}, True),
        ({"Effect": "Allow", "Principal": {"Service": ["x", "budgets.amazonaws.com"]}}, True),
        ({"Effect": "Deny", "Principal": {"Service": "budgets.amazonaws.com"}}, False),
        ({"Effect": "Allow", "Principal": "*"}, False),
        ({"Effect": "Allow", "Principal": {"AWS": "budgets.amazonaws.com"}}, False),
    ],
)
def test_allows_reads_service_principals_of_allow_statements(
    statement: dict[str, Any], allowed: bool
) -> None:
    policy = {"Statement": [{**statement, "Action": ["sns:Publish"]}]}
    assert alerting.allows(json.dumps(policy), "budgets.amazonaws.com") is allowed


@pytest.mark.parametrize(("action", "allowed"), [("SNS:*", True), ("sns:Subscribe", False)])
def test_allows_needs_publish(action: str, allowed: bool) -> None:
    statement = {"Effect": "Allow", "Principal": {"Service": "budgets.amazonaws.com"}}
    policy = {"Statement": [{**statement, "Action": action}]}
    assert alerting.allows(json.dumps(policy), "budgets.amazonaws.com") is allowed
    assert alerting.allows("", "budgets.amazonaws.com") is False


def test_a_budget_with_a_missing_notification_fails(d: Deployed) -> None:
    d.aws.budgets.delete_budget(AccountId=ACCOUNT, BudgetName=f"{NAME}-monthly-5usd")
    budget(d, 5, kinds=("FORECASTED",))  # FORECASTED alone is silent for weeks
    checks = _checks(d)
    assert failed(checks) == {"budget.5"}
    assert checks["budget.5"].observed["notifications"] == ["FORECASTED>100.0%"]


def test_a_budget_with_another_limit_fails(d: Deployed) -> None:
    d.aws.budgets.delete_budget(AccountId=ACCOUNT, BudgetName=f"{NAME}-monthly-20usd")
    budget(d, 20, amount="25.00")
    checks = _checks(d)
    assert failed(checks) == {"budget.20"}
    assert checks["budget.20"].observed["limit"] == "25.00"


def test_a_budget_notifying_another_topic_fails(d: Deployed) -> None:
    other = d.aws.sns.create_topic(Name="elsewhere")["TopicArn"]
    d.aws.budgets.delete_budget(AccountId=ACCOUNT, BudgetName=f"{NAME}-monthly-5usd")
    d.outputs["budget_alerts_topic_arn"], real = other, d.outputs["budget_alerts_topic_arn"]
    budget(d, 5)
    d.outputs["budget_alerts_topic_arn"] = real
    checks = _checks(d)
    assert failed(checks) == {"budget.5"}
    assert checks["budget.5"].observed["sns"] == [other, other]


def test_a_deleted_budget_fails(d: Deployed) -> None:
    d.aws.budgets.delete_budget(AccountId=ACCOUNT, BudgetName=f"{NAME}-monthly-20usd")
    checks = _checks(d)
    assert failed(checks) == {"budget.20"}
    assert checks["budget.20"].detail == "budget for $20 not found"


def test_a_configured_limit_without_a_budget_fails(d: Deployed) -> None:
    checks = _checks(d, _config(budgets={"limits": [5, 20, 40]}))
    assert failed(checks) == {"budget.40"}
    assert checks["budget.40"].detail == "budget for $40 not found"


def test_budget_emails_must_match_the_config(d: Deployed) -> None:
    checks = _checks(d, _config(budgets={"limits": [5, 20], "emails": ["cfo@example.com"]}))
    assert failed(checks) == {"budget.5", "budget.20"}
    assert checks["budget.5"].expected["emails"] == [["cfo@example.com"], ["cfo@example.com"]]
    assert checks["budget.5"].observed["emails"] == [[], []]


def test_denied_budget_subscribers_fail_each_budget_and_nothing_else(d: Deployed) -> None:
    allow_again = deny(d.aws.budgets, "DescribeSubscribersForNotification")
    try:
        checks = _checks(d)
    finally:
        allow_again()
    assert set(checks) == IDS  # no crash, no group-wide alerting.api failure
    assert failed(checks) == {"budget.5", "budget.20"}
    assert checks["budget.5"].observed is None
    detail = checks["budget.5"].detail
    assert detail.startswith("describe the subscribers of the ")  # the first notification's
    assert detail.endswith(
        f"notification of budget {NAME}-monthly-5usd: AWS refused "
        "DescribeSubscribersForNotification (AccessDeniedException): "
        "not allowed to DescribeSubscribersForNotification"
    )
    assert failed(_checks(d)) == set()  # allowed again: the same budgets pass
