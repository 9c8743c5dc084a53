"""Alarms and where they go: SNS topics, their policies and subscribers, and the budgets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jitsi_ecs import iam_policy as policy
from jitsi_ecs.aws import or_none
from jitsi_ecs.config import Config
from jitsi_ecs.errors import JitsiEcsError
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.verify.result import Check, VerifyContext, compare, missing


def expected_alarms(config: Config, outputs: StackOutputs) -> dict[str, dict[str, Any]]:
    """Alarm kind (the key of the alarm_names output) -> what it must watch, from the config."""
    alarms = config.alarms
    alb = {
        "namespace": "AWS/ApplicationELB",
        "period": alarms.period,
        "comparison": "GreaterThanThreshold",
        "missing_data": "notBreaching",
    }
    down = {"period": 60, "comparison": "LessThanThreshold", "missing_data": "breaching"}
    # What every target group has (modules/target-group-alarms): its 5xx, p99 latency,
    # failed health checks and no healthy target, dimensioned on that target group alone.
    target_group: dict[str, dict[str, Any]] = {
        "target-5xx": {
            **alb,
            "metric": "HTTPCode_Target_5XX_Count",
            "statistic": "Sum",
            "threshold": float(alarms.target_5xx_threshold),
        },
        "unhealthy-hosts": {
            **alb,
            "metric": "UnHealthyHostCount",
            "statistic": "Maximum",
            "threshold": 0.0,
        },
        "p99-latency": {
            **alb,
            "metric": "TargetResponseTime",
            "statistic": "p99",
            "threshold": float(alarms.p99_latency_seconds),
        },
        "no-healthy-target": {
            **down,
            "namespace": "AWS/ApplicationELB",
            "metric": "HealthyHostCount",
            "statistic": "Minimum",
            "threshold": 1.0,
        },
    }
    wanted: dict[str, dict[str, Any]] = {
        # The ALB's own 5xx exist per load balancer only.
        "elb-5xx": {
            **alb,
            "metric": "HTTPCode_ELB_5XX_Count",
            "statistic": "Sum",
            "threshold": float(alarms.elb_5xx_threshold),
        },
    }
    # Web's target group (kinds unprefixed), then each operator service's (<service>-<kind>).
    watched = {"": outputs.web_target_group_arn} | {
        f"{name}-": arn for name, arn in outputs.service_target_group_arns.items()
    }
    for prefix, arn in watched.items():
        dimension = {"target_group": arn.rsplit(":", 1)[-1] or None}
        for kind, shape in target_group.items():
            wanted[f"{prefix}{kind}"] = {**shape, **dimension}
    for service, counts in outputs.task_counts.items():
        if service in outputs.service_target_group_arns:
            continue  # an operator service: its own target group's alarms above
        serves_web = "web" in outputs.service_containers.get(service, [])
        if counts.get("min", 0) > 0 and not serves_web:
            wanted[f"{service}-not-running"] = {
                **down,
                "namespace": "AWS/ECS",
                "metric": "CPUUtilization",
                "statistic": "SampleCount",
                "threshold": 1.0,
            }
        if config.observability.container_insights:
            wanted[f"{service}-running-tasks"] = {
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
        wanted["bridge-stress"] = {
            **jitsi,
            "comparison": "GreaterThanThreshold",
            "missing_data": "notBreaching",
            "metric": "Stress",
            "statistic": "Maximum",
            "threshold": float(config.telemetry.stress_threshold),
        }
        wanted["no-bridge"] = {
            **jitsi,
            "comparison": "LessThanThreshold",
            "missing_data": "breaching",
            "metric": "OperationalBridges",
            "statistic": "Minimum",
            "threshold": 1.0,
        }
        # The bridges' deployment alarm: a running bridge jicofo cannot use.
        wanted["bridges-not-joined"] = {
            **jitsi,
            "comparison": "GreaterThanThreshold",
            "missing_data": "notBreaching",
            "metric": "up - operational (BridgesUp, OperationalBridges)",
            "statistic": None,
            "threshold": 0.0,
        }
        wanted["jicofo-unhealthy"] = {
            **jitsi,
            "comparison": "LessThanThreshold",
            "missing_data": "breaching",
            "metric": "SourceUp",
            "statistic": "Minimum",
            "threshold": 1.0,
        }
    if config.auth.enabled:
        wanted["auth-errors"] = {
            "namespace": "AWS/Lambda",
            "period": 300,
            "comparison": "GreaterThanThreshold",
            "missing_data": "notBreaching",
            "metric": "Errors",
            "statistic": "Sum",
            "threshold": 0.0,
        }
    return wanted


def _observed_alarm(alarm: Any) -> dict[str, Any]:
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
        ctx.outputs.deployment_alerts_topic_arn,
        ctx.config.alarms.topic_name,
        "cloudwatch.amazonaws.com",
        ctx.config.alarms.emails,
    )
    yield from _topic(
        ctx,
        ctx.outputs.budget_alerts_topic_arn,
        ctx.config.budgets.topic_name,
        "budgets.amazonaws.com",
        [],
    )
    yield from _budgets(ctx)


def _alarms(ctx: VerifyContext) -> Iterator[Check]:
    wanted = expected_alarms(ctx.config, ctx.outputs)
    names = ctx.outputs.alarm_names
    found = ctx.aws.alarms([names[kind] for kind in wanted if kind in names])
    topic = ctx.outputs.deployment_alerts_topic_arn
    for kind, expected in wanted.items():
        check_id = f"alarm.{kind}"
        expected = {**expected, "notifies": topic}
        alarm = found.get(names.get(kind, ""))
        if alarm is None:
            yield missing(check_id, expected, f"alarm {names.get(kind, kind)}")
            continue
        observed = _observed_alarm(alarm)
        actions = alarm.get("AlarmActions", [])
        observed["notifies"] = topic if topic in actions else actions
        if "target_group" in expected:
            dims = {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}
            observed["target_group"] = dims.get("TargetGroup")
        yield compare(check_id, expected, observed)


def publish_statements(policy_text: str, principal: str) -> list[dict[str, Any]]:
    """The statements of a topic policy that let this service principal publish."""
    return [
        statement
        for statement in policy.allowing(policy.document(policy_text))
        if principal in policy.service_principals(statement)
        and any(
            a.lower() in ("sns:publish", "sns:*")
            for a in policy.listed(statement.get("Action", []))
        )
    ]


def allows(policy_text: str, principal: str) -> bool:
    return bool(publish_statements(policy_text, principal))


def scoped(statement: dict[str, Any]) -> bool:
    """Whether a statement for an AWS service names the account or resource it acts for
    (aws:SourceAccount / aws:SourceArn): without, any account's alarms could publish here."""
    keys = {k.lower() for test in statement.get("Condition", {}).values() for k in test}
    return bool(keys & {"aws:sourceaccount", "aws:sourcearn"})


def _topic(
    ctx: VerifyContext, arn: str, topic_name: str, publisher: str, emails: list[str]
) -> Iterator[Check]:
    sns = ctx.aws.sns
    check_id = f"sns.{topic_name}"
    attributes = or_none(lambda: sns.get_topic_attributes(TopicArn=arn)["Attributes"])
    if attributes is None:
        yield missing(f"{check_id}.policy", {"publisher": publisher}, f"SNS topic {arn}")
        return
    statements = publish_statements(attributes.get("Policy", ""), publisher)
    yield compare(
        f"{check_id}.policy",
        # The stack's name comes first, so two stacks in one account never share a topic.
        {"name": f"{ctx.config.name}-{topic_name}", "publisher_allowed": publisher, "scoped": True},
        {
            "name": arn.rsplit(":", 1)[-1],
            "publisher_allowed": publisher if statements else None,
            "scoped": bool(statements) and all(scoped(s) for s in statements),
        },
    )
    subs = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    yield compare(
        f"{check_id}.subscriptions",
        sorted(emails),
        sorted(s["Endpoint"] for s in subs if s.get("Protocol") == "email"),
    )


def _budgets(ctx: VerifyContext) -> Iterator[Check]:
    """Every configured limit has its budget (found through the budget_names output, whose
    keys are the limits), with FORECASTED and ACTUAL notifications to the topic. A budget AWS
    will not describe fails its own check, naming the call; the other budgets go on."""
    topic = ctx.outputs.budget_alerts_topic_arn
    emails = sorted(ctx.config.budgets.emails)
    by_limit = {float(key): (key, name) for key, name in ctx.outputs.budget_names.items()}
    for limit in ctx.config.budgets.limits:
        key, name = by_limit.get(float(limit), (f"{limit:g}", None))
        expected = {
            "limit": f"{limit:.2f}",
            "notifications": ["ACTUAL>100.0%", "FORECASTED>100.0%"],
            "sns": [topic, topic],
            "emails": [emails, emails],
        }
        try:
            budget = ctx.aws.budget(name) if name else None
            notes = ctx.aws.budget_notifications(name) if budget and name else []
        except JitsiEcsError as exc:
            yield Check(f"budget.{key}", "fail", expected, None, exc.message)
            continue
        if budget is None:
            yield missing(f"budget.{key}", expected, f"budget for ${limit:g}")
            continue
        labels, sns_targets, mail = [], [], []
        for note, subs in sorted(notes, key=lambda n: str(n[0]["NotificationType"])):
            labels.append(f"{note['NotificationType']}>{float(note['Threshold'])}%")
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
