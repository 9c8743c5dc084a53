"""The emulator's ECS tasks: RUNNING tasks per deployment, STOPPED ones with their reason, and
the control endpoint that makes a service's tasks stop with a chosen reason."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.ecs.models import ecs_backends
from moto.server import ThreadedMotoServer

from jitsi_ecs.emulator import ecs_tasks
from jitsi_ecs.emulator.extensions import install

ACCOUNT, REGION = "123456789012", "us-west-2"
CHECK = {
    "command": ["CMD-SHELL", "curl -f http://127.0.0.1/ || exit 1"],
    "interval": 30,
    "retries": 3,
    "startPeriod": 60,
}
PULL = "CannotPullContainerError: pull image manifest has been retried 5 time(s): not found"


class Clock:
    """The emulator's clock, moved by the test (speed 1: emulated seconds are seconds)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import time as real_time

        self.offset, base = 0.0, real_time.time
        monkeypatch.setenv("JITSI_ECS_EMULATOR_SPEED", "1")
        for module in ("ecs_deployments", "ecs_tasks"):
            monkeypatch.setattr(
                f"jitsi_ecs.emulator.{module}.time.time", lambda: base() + self.offset
            )

    def pass_(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def ecs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    install()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        yield boto3.client("ecs", region_name=REGION)


def _service(ecs: Any, command: str | None = None, desired: int = 2) -> str:
    ecs.create_cluster(clusterName="jitsi")
    check = {**CHECK, "command": ["CMD-SHELL", command]} if command else CHECK
    arn = ecs.register_task_definition(
        family="jitsi-web",
        containerDefinitions=[
            {"name": "web", "image": "ghcr.io/jitsi/web:stable-11146-2", "healthCheck": check},
            {"name": "sidecar", "image": "busybox:1.36", "essential": False},
        ],
        cpu="256",
        memory="512",
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster="jitsi",
        serviceName="web",
        taskDefinition="jitsi-web",
        desiredCount=desired,
        deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
    )
    return str(arn)


def _tasks(ecs: Any, status: str) -> list[dict[str, Any]]:
    arns = ecs.list_tasks(cluster="jitsi", serviceName="web", desiredStatus=status)["taskArns"]
    return ecs.describe_tasks(cluster="jitsi", tasks=arns)["tasks"] if arns else []


def _deployments(ecs: Any) -> list[dict[str, Any]]:
    return list(
        ecs.describe_services(cluster="jitsi", services=["web"])["services"][0]["deployments"]
    )


def test_a_steady_service_lists_its_running_tasks(ecs: Any) -> None:
    arn = _service(ecs)
    running = _tasks(ecs, "RUNNING")
    deployment = _deployments(ecs)[0]
    assert len(running) == 2 and _tasks(ecs, "STOPPED") == []
    task = running[0]
    assert (task["lastStatus"], task["desiredStatus"]) == ("RUNNING", "RUNNING")
    assert task["taskDefinitionArn"] == arn and task["group"] == "service:web"
    assert task["startedBy"] == deployment["id"]
    assert [c["name"] for c in task["containers"]] == ["web", "sidecar"]
    assert task["containers"][0]["healthStatus"] == "HEALTHY"
    assert task["taskArn"].startswith(f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/jitsi/")
    # The same tasks on every call; scaling in stops one as ECS's scheduler does.
    assert {t["taskArn"] for t in _tasks(ecs, "RUNNING")} == {t["taskArn"] for t in running}
    ecs.update_service(cluster="jitsi", service="web", desiredCount=1)
    assert len(_tasks(ecs, "RUNNING")) == 1
    (stopped,) = _tasks(ecs, "STOPPED")
    assert stopped["stoppedReason"].startswith("Scaling activity initiated by (deployment")
    assert stopped["stopCode"] == "ServiceSchedulerInitiated"
    assert ecs.list_tasks(cluster="jitsi")["taskArns"]  # the cluster's too, without a service


def test_a_new_deployment_replaces_the_tasks(ecs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    _service(ecs)
    before = {t["taskArn"] for t in _tasks(ecs, "RUNNING")}
    ecs.update_service(cluster="jitsi", service="web", forceNewDeployment=True)
    assert {t["taskArn"] for t in _tasks(ecs, "RUNNING")} == before  # old ones serve meanwhile
    clock.pass_(100)
    after = _tasks(ecs, "RUNNING")
    assert len(after) == 2 and not before & {t["taskArn"] for t in after}
    assert {t["startedBy"] for t in after} == {_deployments(ecs)[0]["id"]}
    assert {t["taskArn"] for t in _tasks(ecs, "STOPPED")} == before


def test_scaled_to_zero_then_started_again_no_old_task_comes_back(
    ecs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rotate-secrets' order: a service scaled to 0, then a new deployment with a count.
    clock = Clock(monkeypatch)
    _service(ecs)
    before = {t["taskArn"] for t in _tasks(ecs, "RUNNING")}
    ecs.update_service(cluster="jitsi", service="web", desiredCount=0)
    assert _tasks(ecs, "RUNNING") == []
    service = ecs.describe_services(cluster="jitsi", services=["web"])["services"][0]
    assert (service["runningCount"], service["deployments"][0]["runningCount"]) == (0, 0)
    ecs.update_service(cluster="jitsi", service="web", desiredCount=2, forceNewDeployment=True)
    assert _tasks(ecs, "RUNNING") == []  # the stopped ones stay stopped while it rolls out
    clock.pass_(100)
    after = _tasks(ecs, "RUNNING")
    assert len(after) == 2 and {t["startedBy"] for t in after} == {_deployments(ecs)[0]["id"]}
    assert {t["taskArn"] for t in _tasks(ecs, "STOPPED")} == before


def test_tasks_that_fail_their_health_check_stop_with_that_reason(
    ecs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch)
    _service(ecs, command="exit 1")  # its first deployment cannot become steady
    first = _deployments(ecs)
    assert [d["rolloutState"] for d in first] == ["IN_PROGRESS"]
    assert _tasks(ecs, "STOPPED") == []
    clock.pass_(60 + 30 * 3)
    stopped = _tasks(ecs, "STOPPED")
    assert len(stopped) == 2 and _tasks(ecs, "RUNNING") == []
    task = stopped[0]
    assert task["stoppedReason"] == "Task failed container health checks"
    assert task["stopCode"] == "ServiceSchedulerInitiated"
    health = {c["name"]: c["healthStatus"] for c in task["containers"]}
    assert health == {"web": "UNHEALTHY", "sidecar": "UNKNOWN"}
    clock.pass_(150)  # 4 failed: past the threshold of 3, and nothing to roll back to
    (deployment,) = _deployments(ecs)
    assert deployment["rolloutState"] == "FAILED" and deployment["failedTasks"] == 4
    assert len(_tasks(ecs, "STOPPED")) == 4


def test_a_registered_failure_stops_the_next_tasks_its_way(
    ecs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch)
    original = _service(ecs)
    backend = ecs_backends[ACCOUNT][REGION]
    ecs_tasks.fail_tasks(
        backend,
        "jitsi",
        "web",
        {
            "stoppedReason": "Essential container in task exited",
            "containers": [{"name": "web", "exitCode": 137, "reason": "OutOfMemoryError: x"}],
        },
    )
    clock.pass_(600)
    assert _tasks(ecs, "STOPPED") == []  # the running tasks are not touched
    task_def = ecs.describe_task_definition(taskDefinition=original)["taskDefinition"]
    ecs.register_task_definition(
        family="jitsi-web", containerDefinitions=task_def["containerDefinitions"], memory="1024"
    )
    ecs.update_service(cluster="jitsi", service="web", taskDefinition="jitsi-web")
    clock.pass_(ecs_tasks.TASK_FAILS_AFTER_S)
    stopped = _tasks(ecs, "STOPPED")
    assert len(stopped) == 2
    assert stopped[0]["stoppedReason"] == "Essential container in task exited"
    assert stopped[0]["stopCode"] == "EssentialContainerExited"
    web = stopped[0]["containers"][0]
    assert (web["name"], web["exitCode"], web["reason"]) == ("web", 137, "OutOfMemoryError: x")
    assert "exitCode" not in stopped[0]["containers"][1]
    clock.pass_(ecs_tasks.TASK_FAILS_AFTER_S)  # 4 failed: the breaker rolls back
    deployments = _deployments(ecs)
    assert deployments[0]["rolloutState"] == "IN_PROGRESS"
    assert "rolling back" in deployments[0]["rolloutStateReason"]
    # The rollback's tasks fail too while the failure is registered; cleared, they start.
    ecs_tasks.fail_tasks(backend, "jitsi", "web", None)
    clock.pass_(100)
    (back,) = _deployments(ecs)
    assert back["rolloutState"] == "COMPLETED" and back["taskDefinition"] == original
    assert len(_tasks(ecs, "RUNNING")) == 2


def test_a_failure_registered_before_the_service_exists(
    ecs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch)
    ecs_tasks.fail_tasks(ecs_backends[ACCOUNT][REGION], "jitsi", "web", {"stoppedReason": PULL})
    _service(ecs, desired=1)
    assert _deployments(ecs)[0]["rolloutState"] == "IN_PROGRESS"
    assert (
        ecs.describe_services(cluster="jitsi", services=["web"])["services"][0]["runningCount"] == 0
    )
    clock.pass_(3 * ecs_tasks.TASK_FAILS_AFTER_S)
    (deployment,) = _deployments(ecs)
    assert deployment["rolloutState"] == "FAILED"
    stopped = _tasks(ecs, "STOPPED")
    assert len(stopped) == 3
    assert {(t["stoppedReason"], t["stopCode"]) for t in stopped} == {(PULL, "TaskFailedToStart")}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    install()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    threaded = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    threaded.start()
    host, port = threaded.get_host_and_port()
    yield f"http://{host}:{port}"
    threaded.stop()


def _post(endpoint: str, body: Any) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        endpoint + ecs_tasks.STOP_TASKS_PATH, data=json.dumps(body).encode(), method="POST"
    )
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_control_endpoint_registers_and_clears(server: str) -> None:
    body = {"region": REGION, "cluster": "c", "service": "s", "stoppedReason": PULL}
    assert _post(server, body) == (200, {"registered": True})
    backend = ecs_backends[ACCOUNT][REGION]
    assert backend.jitsi_ecs_failures[("c", "s")]["stoppedReason"] == PULL
    assert _post(server, {**body, "stoppedReason": None}) == (200, {"registered": False})
    assert ("c", "s") not in backend.jitsi_ecs_failures
    code, answer = _post(server, {"cluster": "c"})
    assert code == 400 and "region, cluster, service" in answer["message"]
