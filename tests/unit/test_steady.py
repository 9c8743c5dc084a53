"""`up`'s wait for stable services and `status`'s stopped tasks, against the emulator: each
diagnosis cause is produced by the emulator (a service made to stop its tasks that way, through
its control endpoint) and named by the wait and by status. No Terraform: a cluster, a task
definition and a service made with boto3, and the outputs that name them."""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.commands.status import print_status
from jitsi_ecs.commands.up import print_unstable, wait_for_services
from jitsi_ecs.config import Config
from jitsi_ecs.drills import Clock
from jitsi_ecs.emulator.ecs_tasks import STOP_TASKS_PATH
from jitsi_ecs.emulator.extensions import install
from jitsi_ecs.live import snapshot
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.steady import judge, wait_stable
from jitsi_ecs.targets import Watch

REGION = "us-west-2"
FAST = Watch(timeout_s=30, poll_s=0.05)
CHECK = {
    "command": ["CMD-SHELL", "curl -fsS http://127.0.0.1:8000/ || exit 1"],
    "interval": 30,
    "retries": 3,
    "startPeriod": 60,
}
LOGS = {
    "logDriver": "awslogs",
    "options": {
        "awslogs-group": "/jitsi/ecs",
        "awslogs-region": REGION,
        "awslogs-stream-prefix": "prosody",
    },
}
PULL = "CannotPullContainerError: failed to resolve ref ghcr.io/jitsi/web:stable-11146-2: not found"
TMPFS = "CannotStartContainerError: Error response from daemon: invalid tmpfs option uid=1000"
OOM = "OutOfMemoryError: Container killed due to memory usage"
_clusters = count()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    install()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> AwsContext:
    # An emulated hour passes in a second: every rollout below ends within a poll or two.
    monkeypatch.setenv("JITSI_ECS_EMULATOR_SPEED", "3600")
    return AwsContext(region=REGION, endpoint_url=endpoint)


class Stack:
    """One emulated service of a fresh cluster, and the outputs that name it."""

    def __init__(self, aws: AwsContext, key: str = "shard", check: dict[str, Any] = CHECK) -> None:
        self.aws, self.key = aws, key
        self.cluster, self.name = f"jitsi-{next(_clusters)}", f"jitsi-{key}"
        self.ecs = aws.ecs
        self.ecs.create_cluster(clusterName=self.cluster)
        self.containers = [
            {"name": "web", "image": "ghcr.io/jitsi/web:stable-11146-2", "healthCheck": check},
            {
                "name": "prosody",
                "image": "ghcr.io/jitsi/prosody:stable-11146-2",
                "logConfiguration": LOGS,
            },
        ]
        self.revision = self.register()
        self.load_balancers: list[dict[str, Any]] = []

    def register(self, memory: str = "3072") -> str:
        return str(
            self.ecs.register_task_definition(
                family=f"{self.cluster}-{self.key}",
                containerDefinitions=self.containers,  # type: ignore[arg-type]
                cpu="512",
                memory=memory,
            )["taskDefinition"]["taskDefinitionArn"]
        )

    def target_group(self, path: str) -> str:
        vpc = self.aws.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        arn = self.aws.elbv2.create_target_group(
            Name=f"{self.cluster}-tg",
            Protocol="HTTP",
            Port=8000,
            VpcId=vpc,
            TargetType="ip",
            HealthCheckPath=path,
        )["TargetGroups"][0]["TargetGroupArn"]
        self.load_balancers = [
            {"targetGroupArn": arn, "containerName": "web", "containerPort": 8000}
        ]
        return str(arn)

    def fail(self, reason: str | None, **spec: Any) -> None:
        body = {"region": REGION, "cluster": self.cluster, "service": self.name}
        request = urllib.request.Request(
            self.aws.endpoint_url + STOP_TASKS_PATH,  # type: ignore[operator]
            data=json.dumps({**body, "stoppedReason": reason, **spec}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200

    def create(self, breaker: bool = True) -> None:
        self.ecs.create_service(
            cluster=self.cluster,
            serviceName=self.name,
            taskDefinition=self.revision,
            desiredCount=1,
            loadBalancers=self.load_balancers,  # type: ignore[arg-type]
            deploymentConfiguration={
                "deploymentCircuitBreaker": {"enable": breaker, "rollback": breaker},
                "maximumPercent": 200,
                "minimumHealthyPercent": 100,
            },
        )

    def outputs(self) -> StackOutputs:
        return StackOutputs.model_construct(
            cluster_name=self.cluster,
            service_names={self.key: self.name},
            task_definition_arns={self.key: self.revision},
            turn_service_name=None,
            service_containers={self.key: ["app"]},
            alarm_names={},
            budget_names={},
        )


def _status(stack: Stack) -> dict[str, Any]:
    config = Config.model_validate({"telemetry": {"enabled": False}})
    data = snapshot(config, stack.aws, stack.outputs())
    (service,) = data["services"]
    return dict(service)


def _expect(stack: Stack, cause: str, *phrases: str) -> None:
    """The wait ends with the service failed and `cause` named (with phrases in its advice),
    and status names the same cause for the service."""
    (verdict,) = wait_stable(stack.aws, stack.outputs(), FAST)
    assert verdict.state == "failed", verdict
    assert "FAILED" in verdict.detail and "circuit breaker" in verdict.detail
    assert verdict.reasons, verdict
    top = verdict.reasons[0]
    assert (top.cause, top.count >= 3) == (cause, True), verdict.reasons
    for phrase in phrases:
        assert phrase in top.advice + top.reason, top
    stopped = _status(stack)["stopped"]
    assert stopped[0]["cause"] == cause and stopped[0]["count"] == top.count
    assert set(stopped[0]) == {"reason", "cause", "advice", "count"}


def test_a_pull_error(aws: AwsContext) -> None:
    stack = Stack(aws)
    stack.fail(PULL, containers=[{"name": "web", "reason": PULL}], stopCode="TaskFailedToStart")
    stack.create()
    _expect(stack, "image-pull", PULL, "ghcr.io/jitsi/web:stable-11146-2", "stable-11031")


def test_a_refused_tmpfs_option(aws: AwsContext) -> None:
    stack = Stack(aws)
    stack.fail(
        "Essential container in task exited",
        containers=[{"name": "prosody", "reason": TMPFS, "exitCode": 128}],
    )
    stack.create()
    _expect(stack, "tmpfs-refused", TMPFS, "init container", "stable-11031")


def test_out_of_memory(aws: AwsContext) -> None:
    stack = Stack(aws)
    stack.fail(
        "Essential container in task exited",
        containers=[{"name": "prosody", "reason": OOM, "exitCode": 137}],
    )
    stack.create()
    _expect(stack, "out-of-memory", "Container prosody ran out of memory", "jitsi.shard.memory")


def test_an_essential_container_exits(aws: AwsContext) -> None:
    stack = Stack(aws)
    stack.fail(
        "Essential container in task exited", containers=[{"name": "prosody", "exitCode": 1}]
    )
    stack.create()
    _expect(stack, "essential-exit", "prosody exited with code 1", "stream prosody/prosody/")
    # The stream is the one of a task that stopped so: prefix/container/task id.
    (verdict,) = wait_stable(aws, stack.outputs(), FAST)
    stream = verdict.reasons[0].advice.split("stream prosody/prosody/")[1].split()[0]
    stopped = aws.stopped_tasks(stack.cluster, stack.name)
    assert stream in {t["taskArn"].rsplit("/", 1)[-1] for t in stopped}


def test_a_container_health_check_that_cannot_pass(aws: AwsContext) -> None:
    stack = Stack(aws, check={**CHECK, "command": ["CMD-SHELL", "exit 1"]})  # no endpoint needed
    stack.create()
    _expect(stack, "container-health-check", "container web's check `exit 1`")


def test_an_elb_health_check(aws: AwsContext) -> None:
    stack = Stack(aws, key="api")
    group = stack.target_group("/api/v1/health")
    stack.fail(f"Task failed ELB health checks in (target-group {group})")
    stack.create()
    _expect(stack, "elb-health-check", "on /api/v1/health", "services.api.health_path")


def test_an_unknown_reason_as_ecs_wrote_it(aws: AwsContext) -> None:
    stack = Stack(aws)
    stack.fail("Timeout waiting for network interface provisioning to complete.")
    stack.create()
    _expect(stack, "unknown", "Timeout waiting for network interface provisioning")


def test_a_rolled_back_apply_names_the_new_revision_s_reasons(aws: AwsContext) -> None:
    stack = Stack(aws)
    stack.create()
    assert wait_stable(aws, stack.outputs(), FAST)[0].stable
    stack.revision = stack.register(memory="4096")  # what this "apply" deploys
    stack.fail(
        "Essential container in task exited",
        containers=[{"name": "prosody", "reason": OOM, "exitCode": 137}],
        taskDefinition=stack.revision,  # the rollback to the old revision succeeds
    )
    aws.ecs.update_service(cluster=stack.cluster, service=stack.name, taskDefinition=stack.revision)
    (verdict,) = wait_stable(aws, stack.outputs(), FAST)
    assert verdict.state == "failed" and verdict.failing_task_definition == stack.revision
    assert "FAILED" in verdict.detail
    assert [r.cause for r in verdict.reasons] == ["out-of-memory"]
    # Once the rollback completed, the wait still says the apply did not stick.
    for _ in range(100):
        service = aws.service(stack.cluster, stack.name)
        assert service is not None
        if len(service["deployments"]) == 1:
            break
        Clock().sleep(0.05)
    (after,) = wait_stable(aws, stack.outputs(), FAST)
    assert after.state == "failed" and "ECS rolled back" in after.detail, after.detail
    assert [r.cause for r in after.reasons] == ["out-of-memory"]


def test_without_a_breaker_the_wait_times_out_with_the_reasons(aws: AwsContext) -> None:
    stack = Stack(aws)
    stack.fail(PULL, containers=[{"name": "web", "reason": PULL}])
    stack.create(breaker=False)
    (verdict,) = wait_stable(aws, stack.outputs(), Watch(timeout_s=0.3, poll_s=0.05))
    assert verdict.state == "timeout"
    assert verdict.detail.startswith("not stable after 0.3 s: 0/1 running, deployment IN_PROGRESS")
    assert verdict.reasons[0].cause == "image-pull"


def test_stable_services_end_the_wait_at_once(aws: AwsContext) -> None:
    first, second = Stack(aws), Stack(aws, key="jvb")
    first.create()
    second.ecs.create_service(
        cluster=first.cluster,
        serviceName=second.name,
        taskDefinition=second.revision,
        desiredCount=0,
    )
    outputs = first.outputs().model_copy(
        update={
            "service_names": {"shard": first.name, "jvb": second.name},
            "task_definition_arns": {},
        }
    )

    def no_sleep(seconds: float) -> None:
        raise AssertionError("waited although every service was stable")

    verdicts = wait_stable(aws, outputs, Watch(timeout_s=3600, poll_s=10), Clock(sleep=no_sleep))
    assert [(v.key, v.state, v.reasons) for v in verdicts] == [
        ("shard", "stable", []),
        ("jvb", "stable", []),
    ]
    assert _status(first)["stopped"] == []


def test_up_shows_progress_and_the_reasons(
    aws: AwsContext, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = Stack(aws)
    stack.fail(PULL, containers=[{"name": "web", "reason": PULL}])
    stack.create()

    class Target:
        stable_watch = FAST

    class FakeStack:
        target, aws = Target(), stack.aws

        def attach(self) -> StackOutputs:
            return stack.outputs()

    verdicts = wait_for_services(FakeStack())  # type: ignore[arg-type]
    print_unstable([v for v in verdicts if not v.stable])
    text = " ".join(capsys.readouterr().err.split())
    assert stack.name in text and "FAILED" in text
    assert "did not become stable: deployment" in text
    assert re.search(r"\d+ task\(s\): CannotPullContainerError", text), text
    assert 'jitsi.image.tag = "stable-11031"' in text
    print_status({**{"services": [_status(stack)]}, "alarms": [], "budgets": [], "jitsi": None})
    table = " ".join(capsys.readouterr().out.split())
    assert "Stopped tasks" in table and "CannotPullContainerError" in table


def _described(*deployments: dict[str, Any], running: int = 1) -> dict[str, Any]:
    return {
        "serviceName": "jitsi-shard",
        "desiredCount": 1,
        "runningCount": running,
        "deployments": list(deployments),
    }


def test_judge_counts_only_a_failed_deployment_of_this_apply() -> None:
    new, old = "td/jitsi-shard:5", "td/jitsi-shard:4"
    retry = {"id": "2", "status": "PRIMARY", "rolloutState": "IN_PROGRESS", "taskDefinition": new}
    earlier = {"id": "1", "status": "ACTIVE", "rolloutState": "FAILED", "taskDefinition": old}
    assert judge(_described(retry, earlier, running=0), new) is None  # the old try drains
    verdict = judge(_described(retry, earlier, running=0))  # revision unknown: any failure
    assert verdict is not None and verdict.state == "failed"
    rollback = {
        "id": "3",
        "status": "PRIMARY",
        "rolloutState": "IN_PROGRESS",
        "taskDefinition": old,
    }
    this = {**earlier, "taskDefinition": new, "rolloutStateReason": "circuit breaker"}
    verdict = judge(_described(rollback, this), new)
    assert verdict is not None and verdict.failing_task_definition == new
    assert verdict.detail == "deployment 1 of jitsi-shard:5 FAILED: circuit breaker"
    done = {"id": "2", "status": "PRIMARY", "rolloutState": "COMPLETED", "taskDefinition": new}
    stable = judge(_described(done), new)
    assert stable is not None and stable.stable
    assert judge(_described(done, running=0), new) is None  # COMPLETED, not yet all running
    legacy = {"id": "9", "status": "PRIMARY", "taskDefinition": new}  # no rolloutState
    assert judge(_described(legacy), None) is not None
