"""Log group retention and the dashboard."""

from __future__ import annotations

import json
from collections.abc import Iterator

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
    "RunningTaskCount",
)


# Jitsi's own numbers, from the telemetry collector.
JITSI_METRICS = (
    "Conferences",
    "Participants",
    "Stress",
    "OperationalBridges",
    "BitrateDownloadKbps",
)


def checks(ctx: VerifyContext) -> Iterator[Check]:
    obs = ctx.config.observability
    logs = ctx.aws.client("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix=obs.log_group_name)["logGroups"]
    group = next((g for g in groups if g["logGroupName"] == obs.log_group_name), None)
    expected = {"name": obs.log_group_name, "retention_days": obs.log_retention_days}
    if group is None:
        yield missing("logs.group", expected, f"log group {obs.log_group_name}")
    else:
        yield compare(
            "logs.group",
            expected,
            {"name": group["logGroupName"], "retention_days": group.get("retentionInDays")},
        )

    wanted = list(DASHBOARD_METRICS) + (list(JITSI_METRICS) if ctx.config.telemetry.enabled else [])
    name = ctx.outputs.get("dashboard_name", ctx.config.name)
    try:
        body = ctx.aws.client("cloudwatch").get_dashboard(DashboardName=name)["DashboardBody"]
    except Exception:
        yield missing("dashboard", wanted, f"dashboard {name}")
        return
    metrics = {
        part
        for widget in json.loads(body).get("widgets", [])
        for line in widget.get("properties", {}).get("metrics", [])
        for part in line
        if isinstance(part, str)
    }
    yield compare("dashboard", wanted, [m for m in wanted if m in metrics])
