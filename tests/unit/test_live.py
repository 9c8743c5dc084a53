"""live.snapshot against a deployment in moto: services and rollouts, alarms, budgets, Jitsi."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.live import _service, jitsi_now, shard_bridge, snapshot
from tests.unit.deployed import CONFIG, NAME, Deployed, alerting, ecs


def a_minute_ago() -> datetime:
    # moto truncates EndTime to the second: a point stamped in the same second is left out.
    return datetime.now(UTC) - timedelta(minutes=1)


@pytest.fixture
def d(deployed: Deployed) -> Deployed:
    return alerting(ecs(deployed))


def _snapshot(d: Deployed, config: Config | None = None, **outputs: Any) -> dict[str, Any]:
    ctx = d.context(config, **outputs)
    return snapshot(ctx.config, ctx.aws, ctx.outputs)


def test_services_alarms_and_budgets(d: Deployed) -> None:
    d.aws.cloudwatch.set_alarm_state(
        AlarmName=f"{NAME}-elb-5xx", StateValue="ALARM", StateReason="drill"
    )
    data = _snapshot(d)
    assert set(data) == {"services", "alarms", "budgets", "jitsi", "shard_bridge"}
    services = {s["name"]: s for s in data["services"]}
    assert set(services) == {"shard", "jvb", "api"}
    shard = services["shard"]
    assert (shard["running"], shard["desired"], shard["pending"]) == (1, 1, 0)
    assert shard["task_definition"] == d.outputs["task_definition_arns"]["shard"]
    assert [x["rollout_state"] for x in shard["deployments"]] == ["COMPLETED"]
    assert shard["deployments"][0]["task_definition"] == shard["task_definition"]
    assert (services["jvb"]["running"], services["jvb"]["desired"]) == (0, 0)  # none idle
    alarms = {a["name"]: a for a in data["alarms"]}
    assert set(alarms) == set(d.stack_outputs().alarm_names.values())
    assert f"{NAME}-api-target-5xx" in alarms  # an operator service's too
    assert alarms[f"{NAME}-elb-5xx"]["state"] == "ALARM"
    assert alarms[f"{NAME}-elb-5xx"]["reason"] == "drill"
    assert [(b["name"], b["limit"]) for b in data["budgets"]] == [
        (f"{NAME}-monthly-5usd", 5.0),
        (f"{NAME}-monthly-20usd", 20.0),
    ]
    assert all("missing" not in b for b in data["budgets"])
    assert data["jitsi"] is None  # telemetry on, but nothing published yet

    # A budget the outputs name that is gone is marked missing; rows are ordered by limit
    # as a number, not as text ("20" < "40" < "5").
    names = {"5": f"{NAME}-monthly-5usd", "40": f"{NAME}-monthly-40usd", "20": "gone-too"}
    budgets = _snapshot(d, budget_names=names)["budgets"]
    assert [(b["limit"], b.get("missing", False)) for b in budgets] == [
        (5.0, False),
        (20.0, True),
        (40.0, True),
    ]
    assert budgets[1] == {
        "name": "gone-too",
        "limit": 20.0,
        "actual": None,
        "forecast": None,
        "missing": True,
    }


def _publish(aws: AwsContext, namespace: str, **values: float) -> None:
    aws.cloudwatch.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": "Service", "Value": "jicofo"}],
                "Value": value,
                "Timestamp": a_minute_ago(),
            }
            for name, value in values.items()
        ],
    )


def test_jitsi_numbers_come_from_jicofo_s_telemetry(moto_aws: AwsContext) -> None:
    assert jitsi_now(CONFIG, moto_aws) is None
    _publish(moto_aws, "Jitsi", Conferences=2.0, Participants=7.0)
    _publish(moto_aws, "Other", OperationalBridges=1.0)
    jitsi = jitsi_now(CONFIG, moto_aws)
    assert jitsi is not None
    assert (jitsi["conferences"], jitsi["participants"]) == (2.0, 7.0)
    assert "operational_bridges" not in jitsi and jitsi["as_of"]
    other = Config.model_validate(
        {**CONFIG.model_dump(), "observability": {"metric_namespace": "Other"}}
    )
    numbers = jitsi_now(other, moto_aws)  # another namespace: only what was put there
    assert numbers is not None and set(numbers) == {"operational_bridges", "as_of"}


def test_no_jitsi_numbers_when_telemetry_is_off(moto_aws: AwsContext) -> None:
    _publish(moto_aws, "Jitsi", Conferences=2.0)
    outputs = (
        Deployed(moto_aws)
        .stack_outputs()
        .model_copy(update={"service_names": {}, "alarm_names": {}, "budget_names": {}})
    )
    off = Config.model_validate({**CONFIG.model_dump(), "telemetry": {"enabled": False}})
    assert snapshot(off, moto_aws, outputs)["jitsi"] is None
    assert snapshot(CONFIG, moto_aws, outputs)["jitsi"]["conferences"] == 2.0


def test_a_service_row_keeps_five_events_and_every_deployment() -> None:
    row = _service(
        {
            "serviceName": "web",
            "events": [{"message": f"event {i}"} for i in range(8)],
            "deployments": [
                {
                    "id": "ecs-svc/2",
                    "status": "PRIMARY",
                    "rolloutState": "FAILED",
                    "rolloutStateReason": "circuit breaker",
                    "taskDefinition": "td:2",
                    "failedTasks": 3,
                },
                {"id": "ecs-svc/1", "status": "ACTIVE", "rolloutState": "IN_PROGRESS"},
            ],
        }
    )
    assert row["events"] == [f"event {i}" for i in range(5)]
    assert (row["running"], row["desired"], row["pending"], row["task_definition"]) == (
        0,
        0,
        0,
        None,
    )
    assert row["deployments"][0] == {
        "id": "ecs-svc/2",
        "status": "PRIMARY",
        "rollout_state": "FAILED",
        "reason": "circuit breaker",
        "task_definition": "td:2",
        "running": 0,
        "failed_tasks": 3,
    }
    assert row["deployments"][1]["reason"] == "" and row["deployments"][1]["failed_tasks"] == 0


def test_the_shard_s_bridge_its_status_and_health(
    d: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shard keeps running without its bridge (not essential there): only the bridge
    container's own status and health say whether the shard has a working bridge."""
    aws, outputs = d.aws, d.stack_outputs()
    # The emulator runs the deployment's tasks (emulator/ecs_tasks.py): a healthy bridge.
    first = shard_bridge(aws, outputs)
    assert first is not None and first["service"] == "shard" and first["working"] is True
    assert [t["health"] for t in first["tasks"]] == ["HEALTHY"]
    asked: list[dict[str, Any]] = []

    def tasks(health: str, status: str = "RUNNING") -> None:
        def list_tasks(**kwargs: Any) -> dict[str, Any]:
            asked.append(kwargs)
            return {"taskArns": [f"arn:aws:ecs:us-west-2:1:task/{NAME}/t1"]}

        containers = [
            {"name": "web", "lastStatus": "RUNNING", "healthStatus": "HEALTHY"},
            {"name": "jvb", "lastStatus": status, "healthStatus": health},
        ]
        monkeypatch.setattr(aws.ecs, "list_tasks", list_tasks)
        monkeypatch.setattr(
            aws.ecs,
            "describe_tasks",
            lambda **_: {"tasks": [{"taskArn": "arn:task/t1", "containers": containers}]},
        )

    tasks("UNHEALTHY")
    got = shard_bridge(aws, outputs)
    assert got == {
        "service": "shard",
        "tasks": [{"task": "t1", "status": "RUNNING", "health": "UNHEALTHY"}],
        "working": False,
    }
    assert asked[-1] == {"cluster": NAME, "serviceName": "shard", "desiredStatus": "RUNNING"}
    tasks("HEALTHY", status="PENDING")  # restarting in place
    assert shard_bridge(aws, outputs)["working"] is False  # type: ignore[index]
    tasks("HEALTHY")
    assert shard_bridge(aws, outputs)["working"] is True  # type: ignore[index]
    # growth: no service runs jicofo beside a bridge.
    growth = outputs.model_copy(
        update={"service_containers": {"xmpp": ["prosody", "jicofo"], "jvb": ["jvb", "guard"]}}
    )
    assert shard_bridge(aws, growth) is None
