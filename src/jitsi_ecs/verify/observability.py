"""Log group retention and the dashboard."""

from __future__ import annotations

import json
from collections.abc import Iterator

from jitsi_ecs.aws import or_none
from jitsi_ecs.verify.result import Check, VerifyContext, compare, missing

DASHBOARD_METRICS = (
    "RequestCount",
    "HTTPCode_Target_5XX_Count",
    "HTTPCode_ELB_5XX_Count",
    "TargetResponseTime",
    "HealthyHostCount",
    "UnHealthyHostCount",
    "CPUUtilization",
    "MemoryUtilization",
)
INSIGHTS_METRICS = ("RunningTaskCount",)


# Jitsi's own numbers, from the telemetry collector.
JITSI_METRICS = (
    "Conferences",
    "Participants",
    "Stress",
    "OperationalBridges",
    "BitrateUploadKbps",
    "TotalUploadKbps",
)


def checks(ctx: VerifyContext) -> Iterator[Check]:
    obs, name = ctx.config.observability, ctx.outputs.log_group_name
    groups = ctx.aws.logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    group = next((g for g in groups if g["logGroupName"] == name), None)
    expected = {"name": obs.log_group_name, "retention_days": obs.log_retention_days}
    if group is None:
        yield missing("logs.group", expected, f"log group {name}")
    else:
        yield compare(
            "logs.group",
            expected,
            {"name": group["logGroupName"], "retention_days": group.get("retentionInDays")},
        )

    wanted = [
        *DASHBOARD_METRICS,
        *(INSIGHTS_METRICS if ctx.config.observability.container_insights else ()),
        *(JITSI_METRICS if ctx.config.telemetry.enabled else ()),
    ]
    dashboard = ctx.outputs.dashboard_name
    cloudwatch = ctx.aws.cloudwatch
    body = or_none(lambda: cloudwatch.get_dashboard(DashboardName=dashboard)["DashboardBody"])
    if body is None:
        yield missing("dashboard", wanted, f"dashboard {dashboard}")
        return
    metrics = {
        part
        for widget in json.loads(body).get("widgets", [])
        for line in widget.get("properties", {}).get("metrics", [])
        for part in line
        if isinstance(part, str)
    }
    yield compare("dashboard", wanted, [m for m in wanted if m in metrics])
