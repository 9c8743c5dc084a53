"""`jitsi-ecs status [--json]`: services and deployments, alarm states, budget spend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from rich.table import Table

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import deployed_outputs, deployment
from jitsi_ecs.config import Config
from jitsi_ecs.errors import EXIT_OK
from jitsi_ecs.ui import out, print_json
from jitsi_ecs.verify.alerting import budget_name


def collect(config: Config, aws: AwsContext, outputs: dict[str, Any]) -> dict[str, Any]:
    ecs = aws.client("ecs")
    names = list(outputs.get("service_names", {}).values())
    services = (
        ecs.describe_services(cluster=config.name, services=names)["services"] if names else []
    )
    alarm_names = list(outputs.get("alarm_names", {}).values())
    alarms = (
        aws.client("cloudwatch").describe_alarms(AlarmNames=alarm_names)["MetricAlarms"]
        if alarm_names
        else []
    )
    return {
        "services": [_service(s) for s in services],
        "alarms": [
            {"name": a["AlarmName"], "state": a["StateValue"], "reason": a.get("StateReason", "")}
            for a in alarms
        ],
        "budgets": _budgets(config, aws),
        "jitsi": _jitsi(config, aws) if config.telemetry.enabled else None,
    }


def _jitsi(config: Config, aws: AwsContext) -> dict[str, Any] | None:
    """Latest conferences, participants and operational bridges from the telemetry metrics."""
    end = datetime.now(UTC)
    values: dict[str, Any] = {}
    for metric, key in (
        ("Conferences", "conferences"),
        ("Participants", "participants"),
        ("OperationalBridges", "operational_bridges"),
    ):
        points = aws.client("cloudwatch").get_metric_statistics(
            Namespace=config.observability.metric_namespace,
            MetricName=metric,
            Dimensions=[{"Name": "Service", "Value": "jicofo"}],
            StartTime=end - timedelta(minutes=15),
            EndTime=end,
            Period=60,
            Statistics=["Maximum"],
        )["Datapoints"]
        if points:
            latest = max(points, key=lambda p: p["Timestamp"])
            values[key] = latest["Maximum"]
            values["as_of"] = str(latest["Timestamp"])
    return values or None


def _service(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": s["serviceName"],
        "running": s.get("runningCount", 0),
        "desired": s.get("desiredCount", 0),
        "pending": s.get("pendingCount", 0),
        "task_definition": s.get("taskDefinition"),
        "events": [str(e.get("message", "")) for e in s.get("events", [])[:5]],
        "deployments": [
            {
                "id": d.get("id"),
                "status": d.get("status"),
                "rollout_state": d.get("rolloutState"),
                "reason": d.get("rolloutStateReason", ""),
                "task_definition": d.get("taskDefinition"),
                "running": d.get("runningCount", 0),
                "failed_tasks": d.get("failedTasks", 0),
            }
            for d in s.get("deployments", [])
        ],
    }


def _budgets(config: Config, aws: AwsContext) -> list[dict[str, Any]]:
    budgets = aws.client("budgets")
    account = aws.account_id()
    rows = []
    for limit in config.budgets.limits:
        name = budget_name(config.name, limit)
        try:
            b = budgets.describe_budget(AccountId=account, BudgetName=name)["Budget"]
        except Exception:
            rows.append(
                {"name": name, "limit": limit, "actual": None, "forecast": None, "missing": True}
            )
            continue
        spend = b.get("CalculatedSpend", {})
        rows.append(
            {
                "name": name,
                "limit": float(b["BudgetLimit"]["Amount"]),
                "actual": float(spend.get("ActualSpend", {}).get("Amount", 0)),
                "forecast": float(spend.get("ForecastedSpend", {}).get("Amount", 0)),
            }
        )
    return rows


def print_status(data: dict[str, Any]) -> None:
    services = Table(title="Services")
    for col in ("service", "running/desired", "deployment", "rollout", "reason"):
        services.add_column(col, overflow="fold")
    for s in data["services"]:
        for i, d in enumerate(s["deployments"] or [{}]):
            services.add_row(
                s["name"] if i == 0 else "",
                f"{s['running']}/{s['desired']}" if i == 0 else "",
                f"{d.get('status', '')} {str(d.get('task_definition', '')).rsplit('/', 1)[-1]}",
                d.get("rollout_state") or "",
                d.get("reason") or "",
            )
    out.print(services)
    events = [(s["name"], e) for s in data["services"] for e in s["events"]]
    if events:
        recent = Table(title="Recent service events (drills and rollbacks show here)")
        recent.add_column("service")
        recent.add_column("event", overflow="fold")
        for name, event in events:
            recent.add_row(name, event)
        out.print(recent)
    alarms = Table(title="Alarms")
    alarms.add_column("alarm")
    alarms.add_column("state")
    style = {"OK": "green", "ALARM": "bold red", "INSUFFICIENT_DATA": "yellow"}
    for a in data["alarms"]:
        alarms.add_row(a["name"], f"[{style.get(a['state'], '')}]{a['state']}[/]")
    out.print(alarms)
    jitsi = data.get("jitsi")
    if jitsi:
        counts = {k: (f"{v:g}" if isinstance(v, float) else "?") for k, v in jitsi.items()}
        out.print(
            f"Jitsi now: {counts.get('conferences', '?')} conference(s), "
            f"{counts.get('participants', '?')} participant(s), "
            f"{counts.get('operational_bridges', '?')} operational bridge(s), "
            f"as of {jitsi.get('as_of')}"
        )
    else:
        out.print("Jitsi now: no telemetry data yet (the collector publishes every minute).")
    budgets = Table(title="Budgets (USD this month)")
    for col in ("budget", "limit", "actual", "forecast"):
        budgets.add_column(col)
    for b in data["budgets"]:
        budgets.add_row(b["name"], str(b["limit"]), str(b["actual"]), str(b["forecast"]))
    out.print(budgets)


def run(g: Globals, as_json: bool) -> int:
    config, dep = deployment(g, "status", start_emulator=False)
    data = collect(config, dep.aws, deployed_outputs(dep))
    if as_json:
        print_json(data)
    else:
        print_status(data)
    return EXIT_OK
