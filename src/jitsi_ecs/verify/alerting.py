"""Alarms and where they go: SNS topics, their policies and subscribers, and the budgets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from jitsi_ecs.config import Config
from jitsi_ecs.verify.result import Check, VerifyContext, compare, missing


def expected_alarms(config: Config) -> dict[str, dict[str, Any]]:
    """Alarm name -> what it must watch, from the config."""
    name, alarms = config.name, config.alarms
    alb = {
        "namespace": "AWS/ApplicationELB",
        "period": alarms.period,
        "comparison": "GreaterThanThreshold",
        "missing_data": "notBreaching",
    }
    wanted: dict[str, dict[str, Any]] = {
        f"{name}-target-5xx": {
            **alb,
            "metric": "HTTPCode_Target_5XX_Count",
            "statistic": "Sum",
            "threshold": float(alarms.target_5xx_threshold),
        },
        f"{name}-elb-5xx": {
            **alb,
            "metric": "HTTPCode_ELB_5XX_Count",
            "statistic": "Sum",
            "threshold": float(alarms.elb_5xx_threshold),
        },
        f"{name}-unhealthy-hosts": {
            **alb,
            "metric": "UnHealthyHostCount",
            "statistic": "Maximum",
            "threshold": 0.0,
        },
        f"{name}-p99-latency": {
            **alb,
            "metric": "TargetResponseTime",
            "statistic": "p99",
            "threshold": float(alarms.p99_latency_seconds),
        },
    }
    desired = ("web", "xmpp", "jvb")
    for service in desired:
        wanted[f"{name}-{service}-running-tasks"] = {
            "namespace": "ECS/ContainerInsights",
            "period": alarms.period,
            "comparison": "GreaterThanThreshold",
            "missing_data": "breaching",
            "metric": "desired - running (DesiredTaskCount, RunningTaskCount)",
            "statistic": None,
            "threshold": 0.0,
        }
    if config.telemetry.enabled:
        jitsi = {"namespace": config.observability.metric_namespace, "period": 60}
        wanted[f"{name}-bridge-stress"] = {
            **jitsi,
            "comparison": "GreaterThanThreshold",
            "missing_data": "notBreaching",
            "metric": "Stress",
            "statistic": "Maximum",
            "threshold": float(config.telemetry.stress_threshold),
        }
        wanted[f"{name}-no-bridge"] = {
            **jitsi,
            "comparison": "LessThanThreshold",
            "missing_data": "breaching",
            "metric": "OperationalBridges",
            "statistic": "Minimum",
            "threshold": 1.0,
        }
        wanted[f"{name}-jicofo-unhealthy"] = {
            **jitsi,
            "comparison": "LessThanThreshold",
            "missing_data": "breaching",
            "metric": "SourceUp",
            "statistic": "Minimum",
            "threshold": 1.0,
        }
    return wanted


def _observed_alarm(alarm: dict[str, Any]) -> dict[str, Any]:
    if alarm.get("Metrics"):  # metric math: describe the expression and what it reads
        queries = alarm["Metrics"]
        stats = [q["MetricStat"] for q in queries if "MetricStat" in q]
        expression = next((q.get("Expression") for q in queries if q.get("ReturnData")), None)
        names = sorted(s["Metric"]["MetricName"] for s in stats)
        return {
            "namespace": stats[0]["Metric"]["Namespace"] if stats else None,
            "period": stats[0]["Period"] if stats else None,
            "comparison": alarm.get("ComparisonOperator"),
            "missing_data": alarm.get("TreatMissingData"),
            "metric": f"{expression} ({', '.join(names)})",
            "statistic": None,
            "threshold": alarm.get("Threshold"),
        }
    return {
        "namespace": alarm.get("Namespace"),
        "period": alarm.get("Period"),
        "comparison": alarm.get("ComparisonOperator"),
        "missing_data": alarm.get("TreatMissingData"),
        "metric": alarm.get("MetricName"),
        "statistic": alarm.get("Statistic") or alarm.get("ExtendedStatistic"),
        "threshold": alarm.get("Threshold"),
    }


def checks(ctx: VerifyContext) -> Iterator[Check]:
    yield from _alarms(ctx)
    yield from _topic(
        ctx,
        "deployment_alerts_topic_arn",
        ctx.config.alarms.topic_name,
        "cloudwatch.amazonaws.com",
        ctx.config.alarms.emails,
    )
    yield from _topic(
        ctx, "budget_alerts_topic_arn", ctx.config.budgets.topic_name, "budgets.amazonaws.com", []
    )
    yield from _budgets(ctx)


def _alarms(ctx: VerifyContext) -> Iterator[Check]:
    wanted = expected_alarms(ctx.config)
    cloudwatch = ctx.aws.client("cloudwatch")
    found = {
        a["AlarmName"]: a
        for a in cloudwatch.describe_alarms(AlarmNames=list(wanted))["MetricAlarms"]
    }
    topic = ctx.outputs.get("deployment_alerts_topic_arn")
    for name, expected in wanted.items():
        check_id = f"alarm.{name.removeprefix(ctx.config.name + '-')}"
        expected = {**expected, "notifies": topic}
        alarm = found.get(name)
        if alarm is None:
            yield missing(check_id, expected, f"alarm {name}")
            continue
        observed = _observed_alarm(alarm)
        observed["notifies"] = (
            topic if topic in alarm.get("AlarmActions", []) else alarm.get("AlarmActions")
        )
        yield compare(check_id, expected, observed)


def allows(policy_text: str, principal: str) -> bool:
    policy = json.loads(policy_text or "{}")
    for statement in policy.get("Statement", []):
        principals = statement.get("Principal", {})
        services = principals.get("Service", []) if isinstance(principals, dict) else []
        services = [services] if isinstance(services, str) else services
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if (
            statement.get("Effect") == "Allow"
            and principal in services
            and any(a.lower() in ("sns:publish", "sns:*") for a in actions)
        ):
            return True
    return False


def _topic(
    ctx: VerifyContext, output: str, topic_name: str, publisher: str, emails: list[str]
) -> Iterator[Check]:
    sns = ctx.aws.client("sns")
    arn = ctx.outputs.get(output, "")
    check_id = f"sns.{topic_name}"
    try:
        attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    except Exception:
        yield missing(f"{check_id}.policy", {"publisher": publisher}, f"SNS topic {topic_name}")
        return
    yield compare(
        f"{check_id}.policy",
        {"name": topic_name, "publisher_allowed": publisher},
        {
            "name": arn.rsplit(":", 1)[-1],
            "publisher_allowed": publisher
            if allows(attributes.get("Policy", ""), publisher)
            else None,
        },
    )
    subs = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    yield compare(
        f"{check_id}.subscriptions",
        sorted(emails),
        sorted(s["Endpoint"] for s in subs if s.get("Protocol") == "email"),
    )


def budget_key(limit: float) -> str:
    """The key Terraform's tostring() gives a limit: 5 -> "5", 7.5 -> "7.5"."""
    return str(int(limit)) if float(limit).is_integer() else str(limit)


def budget_name(stack: str, limit: float) -> str:
    """The name infra/modules/budgets gives the budget of this limit."""
    return f"{stack}-monthly-{budget_key(limit)}usd"


def _budgets(ctx: VerifyContext) -> Iterator[Check]:
    budgets = ctx.aws.client("budgets")
    account = ctx.aws.account_id()
    topic = ctx.outputs.get("budget_alerts_topic_arn")
    emails = sorted(ctx.config.budgets.emails)
    for limit in ctx.config.budgets.limits:
        key = budget_key(limit)
        name = budget_name(ctx.config.name, limit)
        expected = {
            "limit": f"{limit:.2f}",
            "notifications": ["ACTUAL>100.0%", "FORECASTED>100.0%"],
            "sns": [topic, topic],
            "emails": [emails, emails],
        }
        try:
            budget = budgets.describe_budget(AccountId=account, BudgetName=name)["Budget"]
        except Exception:
            yield missing(f"budget.{key}", expected, f"budget {name}")
            continue
        notes = budgets.describe_notifications_for_budget(AccountId=account, BudgetName=name)
        labels, sns_targets, mail = [], [], []
        for note in sorted(notes["Notifications"], key=lambda n: str(n["NotificationType"])):
            labels.append(f"{note['NotificationType']}>{float(note['Threshold'])}%")
            subs = budgets.describe_subscribers_for_notification(
                AccountId=account, BudgetName=name, Notification=note
            )["Subscribers"]
            sns_targets.append(
                next((s["Address"] for s in subs if s["SubscriptionType"] == "SNS"), None)
            )
            mail.append(sorted(s["Address"] for s in subs if s["SubscriptionType"] == "EMAIL"))
        amount = float(budget["BudgetLimit"]["Amount"])
        yield compare(
            f"budget.{key}",
            expected,
            {"limit": f"{amount:.2f}", "notifications": labels, "sns": sns_targets, "emails": mail},
            "FORECASTED stays silent for ~5 weeks on a new account: ACTUAL is paired with it",
        )
