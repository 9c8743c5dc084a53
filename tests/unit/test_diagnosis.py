"""diagnosis: each known cause of a stopped task named from DescribeTasks dicts, with advice."""

from __future__ import annotations

from typing import Any

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.diagnosis import (
    DIAGNOSIS_ACTIONS,
    JITSI_SERVICES,
    TURN_KEY,
    Reason,
    ServiceFacts,
    classify,
    is_expected,
    lines,
    memory_key,
    summarise,
)

TD = "arn:aws:ecs:us-west-2:1:task-definition/jitsi-shard:3"
TG = "arn:aws:elasticloadbalancing:us-west-2:1:targetgroup/jitsi-api/0123456789abcdef"
LOGS = {
    "logDriver": "awslogs",
    "options": {
        "awslogs-group": "/jitsi/ecs",
        "awslogs-region": "us-west-2",
        "awslogs-stream-prefix": "prosody",
    },
}
DEFINITION = {
    "containerDefinitions": [
        {
            "name": "web",
            "image": "ghcr.io/jitsi/web:stable-11146-2",
            "healthCheck": {"command": ["CMD-SHELL", "curl -fsS http://127.0.0.1:8000/ || exit 1"]},
        },
        {
            "name": "prosody",
            "image": "ghcr.io/jitsi/prosody:stable-11146-2",
            "logConfiguration": LOGS,
        },
        {"name": "init", "image": "busybox:1.36", "essential": False},
    ]
}
SHARD = ServiceFacts("shard", {TD: DEFINITION}, {TG: "/api/v1/health"})


def _task(
    reason: str, *containers: dict[str, Any], code: str = "", at: str = "1"
) -> dict[str, Any]:
    task: dict[str, Any] = {
        "taskArn": "arn:aws:ecs:us-west-2:1:task/jitsi/abc123",
        "taskDefinitionArn": TD,
        "stoppedReason": reason,
        "stoppedAt": at,
        "containers": list(containers),
    }
    if code:
        task["stopCode"] = code
    return task


def _finding(task: dict[str, Any], facts: ServiceFacts = SHARD) -> Any:
    finding = classify(task, facts)
    assert finding is not None
    return finding


def test_image_pull_names_the_image_and_the_documented_fallback() -> None:
    pull = "CannotPullContainerError: failed to resolve ref ghcr.io/jitsi/web:stable-11146-2"
    task = _task(pull, {"name": "web", "reason": pull, "image": "ghcr.io/jitsi/web:stable-11146-2"})
    finding = _finding(task)
    assert finding.cause == "image-pull" and finding.reason == pull
    assert "image ghcr.io/jitsi/web:stable-11146-2 of container web" in finding.advice
    assert 'jitsi.image.tag = "stable-11031"' in finding.advice and "ghcr.io" in finding.advice
    # The image comes from the task definition when the container record lacks it.
    bare = _finding(_task(pull, {"name": "web", "reason": pull}))
    assert "image ghcr.io/jitsi/web:stable-11146-2" in bare.advice
    api = _finding(task, ServiceFacts("api"))
    assert "services.api.image" in api.advice and "stable-11031" not in api.advice
    assert "jitsi.turn.image" in _finding(task, ServiceFacts(TURN_KEY)).advice


def test_a_refused_tmpfs_option_gives_the_facts_fallback() -> None:
    refused = "CannotStartContainerError: invalid tmpfs mount option uid=1000"
    finding = _finding(
        _task("Essential container in task exited", {"name": "prosody", "reason": refused})
    )
    assert finding.cause == "tmpfs-refused" and finding.reason == refused
    assert "container prosody" in finding.advice
    assert "init container" in finding.advice and "chowns it to 1000:1000" in finding.advice
    assert "dependsOn" in finding.advice and 'jitsi.image.tag = "stable-11031"' in finding.advice
    # Said only in the task's reason: still recognised.
    assert (
        _finding(_task("Fargate does not accept tmpfs mountOptions mode")).cause == "tmpfs-refused"
    )


def test_out_of_memory_names_the_memory_key_of_the_service() -> None:
    oom = "OutOfMemoryError: Container killed due to memory usage"
    task = _task(
        "Essential container in task exited",
        {"name": "prosody", "reason": oom, "exitCode": 137},
        code="EssentialContainerExited",
    )
    finding = _finding(task)
    assert finding.cause == "out-of-memory" and finding.reason == oom
    assert "Container prosody ran out of memory (exit code 137)" in finding.advice
    assert "raise jitsi.shard.memory" in finding.advice
    assert "services.api.memory" in _finding(task, ServiceFacts("api")).advice
    # Exit 137 alone is a kill (a stop timeout, say), not a memory verdict.
    killed = _task(
        "Essential container in task exited",
        {"name": "prosody", "exitCode": 137},
        code="EssentialContainerExited",
    )
    assert _finding(killed).cause == "essential-exit"


@pytest.mark.parametrize("key", [*JITSI_SERVICES, TURN_KEY, "api"])
def test_every_memory_key_is_a_config_key(key: str) -> None:
    config = Config.model_validate(
        {
            "services": {
                "api": {
                    "image": "nginx:1.27.3",
                    "port": 8004,
                    "path_patterns": ["/a/*"],
                    "priority": 40,
                }
            }
        }
    )
    node: Any = config
    for part in memory_key(key).split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    assert isinstance(node, int) and node >= 512


def test_an_essential_exit_names_container_code_and_log_stream() -> None:
    task = _task(
        "Essential container in task exited",
        {"name": "web", "exitCode": 0},
        {"name": "prosody", "exitCode": 1},
        {"name": "init", "exitCode": 0},
        code="EssentialContainerExited",
    )
    finding = _finding(task)
    assert finding.cause == "essential-exit"
    assert finding.reason == "Essential container prosody exited with code 1"
    assert "log group /jitsi/ecs, stream prosody/prosody/abc123" in finding.advice
    # A non-essential container's exit does not hide the essential one's.
    task["containers"].append({"name": "init", "exitCode": 2})
    assert _finding(task).reason == "Essential container prosody exited with code 1"
    # Without awslogs the advice says so.
    web = _task("Essential container in task exited", {"name": "web", "exitCode": 3})
    assert "container web sends no logs to CloudWatch" in _finding(web).advice


def test_a_container_health_check_that_never_passed() -> None:
    task = _task(
        "Task failed container health checks",
        {"name": "web", "healthStatus": "UNHEALTHY"},
        {"name": "prosody", "healthStatus": "HEALTHY"},
        code="ServiceSchedulerInitiated",
    )
    finding = _finding(task)
    assert finding.cause == "container-health-check"
    assert finding.reason == "Task failed container health checks"
    assert "container web's check `curl -fsS http://127.0.0.1:8000/ || exit 1`" in finding.advice
    assert "prosody" not in finding.advice and "health_check.container" in finding.advice
    # No container flagged: those with a check are named.
    quiet = _task("Task failed container health checks", {"name": "web"}, {"name": "prosody"})
    assert "container web's check" in _finding(quiet).advice


def test_an_elb_health_check_names_target_group_and_path() -> None:
    reason = f"Task failed ELB health checks in (target-group {TG})"
    finding = _finding(
        _task(reason, code="ServiceSchedulerInitiated"),
        ServiceFacts("api", {}, {TG: "/api/v1/health"}),
    )
    assert finding.cause == "elb-health-check" and finding.reason == reason
    assert "on /api/v1/health (target group jitsi-api)" in finding.advice
    assert "services.api.health_path" in finding.advice
    web = _finding(_task(reason), ServiceFacts("web"))
    assert "health_check.target_group.path" in web.advice and " on " not in web.advice.split("(")[0]


def test_resource_initialization() -> None:
    reason = "ResourceInitializationError: unable to pull secrets or registry auth: timeout"
    finding = _finding(_task(reason, code="TaskFailedToStart"))
    assert finding.cause == "resource-initialization" and finding.reason == reason
    assert "SSM" in finding.advice and "execution role" in finding.advice


def test_unknown_reasons_are_shown_as_ecs_wrote_them() -> None:
    task = _task(
        "Timeout waiting for network interface provisioning to complete.",
        {"name": "web", "reason": "something odd"},
        {"name": "prosody", "exitCode": 2},
    )
    finding = _finding(task)
    assert finding.cause == "unknown" and finding.advice == ""
    assert finding.reason == (
        "Timeout waiting for network interface provisioning to complete.; web: something odd; "
        "prosody exit code 2"
    )
    assert _finding(_task("")).reason == "stopped (no reason given)"


def test_expected_stops_are_no_failure() -> None:
    scaling = _task(
        "Scaling activity initiated by (deployment ecs-svc/123)", code="ServiceSchedulerInitiated"
    )
    user = _task("Task stopped by user", code="UserInitiated")
    assert is_expected(scaling) and is_expected(user)
    assert classify(scaling, SHARD) is None and classify(user, SHARD) is None
    assert not is_expected(_task("Essential container in task exited"))


def test_summarise_counts_each_distinct_reason() -> None:
    pull = "CannotPullContainerError: not found"
    tasks = [
        _task(pull, {"name": "web", "reason": pull}, at="3"),
        _task("Essential container in task exited", {"name": "prosody", "exitCode": 1}, at="5"),
        _task(pull, {"name": "web", "reason": pull}, at="1"),
        _task("Scaling activity initiated by (deployment ecs-svc/1)", at="9"),
        _task(pull, {"name": "web", "reason": pull}, at="2"),
    ]
    tasks[1]["taskArn"] = "arn:aws:ecs:us-west-2:1:task/jitsi/newest"
    reasons = summarise(tasks, SHARD)
    assert [(r.cause, r.count) for r in reasons] == [("image-pull", 3), ("essential-exit", 1)]
    assert "stream prosody/prosody/newest" in reasons[1].advice
    assert reasons[0].as_json() == {
        "reason": pull,
        "cause": "image-pull",
        "advice": reasons[0].advice,
        "count": 3,
    }
    assert lines(reasons)[0] == f"3 task(s): {pull}"
    assert lines(reasons)[1].startswith("  -> ECS could not pull")
    assert lines([Reason("odd", "unknown", "", 2)]) == ["2 task(s): odd"]
    assert summarise([], SHARD) == []


def test_the_actions_it_needs() -> None:
    assert set(DIAGNOSIS_ACTIONS) >= {"ecs:ListTasks", "ecs:DescribeTasks", "ecs:DescribeServices"}
    assert all(a.count(":") == 1 for a in DIAGNOSIS_ACTIONS)
