"""What the live deployment looks like now: services and their rollouts (and why their tasks
stopped lately), alarm states, budget spend, and Jitsi's own numbers from the telemetry metrics.
Read-only; names from the outputs."""

from __future__ import annotations

from typing import Any

from jitsi_ecs.aws import AwsContext, calling
from jitsi_ecs.config import Config
from jitsi_ecs.diagnosis import stopped_reasons
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.steady import service_keys


def snapshot(config: Config, aws: AwsContext, outputs: StackOutputs) -> dict[str, Any]:
    services = aws.services(outputs.cluster_name, list(outputs.service_names.values()))
    alarms = aws.alarms(list(outputs.alarm_names.values()))
    keys = service_keys(outputs)
    return {
        "services": [
            {
                **_service(s),
                "stopped": [
                    r.as_json()
                    for r in stopped_reasons(
                        aws, outputs.cluster_name, keys.get(s["serviceName"], ""), s
                    )
                ],
            }
            for s in services
        ],
        "alarms": [
            {"name": a["AlarmName"], "state": a["StateValue"], "reason": a.get("StateReason", "")}
            for a in alarms.values()
        ],
        "budgets": _budgets(aws, outputs),
        "jitsi": jitsi_now(config, aws) if config.telemetry.enabled else None,
        "shard_bridge": shard_bridge(aws, outputs),
    }


def shard_bridge(aws: AwsContext, outputs: StackOutputs) -> dict[str, Any] | None:
    """The bridge container of each running task of the service that runs jicofo beside a
    bridge (the compact shard). It is not essential there: ECS restarts it in place and the
    task stays up without it, so only its own status and health say the shard has no working
    bridge. None when no service runs both (growth)."""
    shard = next(
        (k for k, c in outputs.service_containers.items() if "jicofo" in c and "jvb" in c), None
    )
    if shard is None or shard not in outputs.service_names:
        return None
    name, cluster = outputs.service_names[shard], outputs.cluster_name
    with calling(f"list the running tasks of service {name} in cluster {cluster}"):
        arns = aws.ecs.list_tasks(cluster=cluster, serviceName=name, desiredStatus="RUNNING")[
            "taskArns"
        ]
        tasks = aws.ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []
    rows = []
    for task in tasks:
        jvb: Any = next((c for c in task.get("containers", []) if c.get("name") == "jvb"), {})
        rows.append(
            {
                "task": str(task.get("taskArn", "")).rsplit("/", 1)[-1],
                "status": jvb.get("lastStatus", "MISSING"),
                "health": jvb.get("healthStatus", "UNKNOWN"),
            }
        )
    working = any(r["status"] == "RUNNING" and r["health"] == "HEALTHY" for r in rows)
    return {"service": name, "tasks": rows, "working": working}


def jitsi_now(config: Config, aws: AwsContext) -> dict[str, Any] | None:
    """Latest conferences, participants and operational bridges (jicofo's telemetry)."""
    values: dict[str, Any] = {}
    for metric, key in (
        ("Conferences", "conferences"),
        ("Participants", "participants"),
        ("OperationalBridges", "operational_bridges"),
    ):
        latest = aws.latest(config.observability.metric_namespace, metric, {"Service": "jicofo"})
        if latest is not None:
            values[key], as_of = latest
            values["as_of"] = str(as_of)
    return values or None


def _service(s: Any) -> dict[str, Any]:
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


def _budgets(aws: AwsContext, outputs: StackOutputs) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for limit, name in outputs.budget_names.items():
        budget = aws.budget(name)
        if budget is None:
            rows.append(
                {
                    "name": name,
                    "limit": float(limit),
                    "actual": None,
                    "forecast": None,
                    "missing": True,
                }
            )
            continue
        spend: Any = budget.get("CalculatedSpend", {})
        rows.append(
            {
                "name": name,
                "limit": float(budget["BudgetLimit"]["Amount"]),
                "actual": float(spend.get("ActualSpend", {}).get("Amount", 0)),
                "forecast": float(spend.get("ForecastedSpend", {}).get("Amount", 0)),
            }
        )
    return sorted(rows, key=lambda r: float(r["limit"]))
