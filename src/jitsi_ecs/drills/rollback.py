"""`drill rollback`: deploy a revision whose health check cannot pass and watch ECS undo it.

The broken revision is the service's own task definition with every container health check
replaced by `exit 1`, so the failure takes the path real ones take (tasks start, fail their
health checks, the circuit breaker or a deployment alarm fails the deployment, ECS rolls back
to the last completed deployment). Whatever happens (success, failure, timeout, Ctrl-C, an
API error), the original revision is restored and the broken one deregistered.
"""

from __future__ import annotations

import copy
from typing import Any

from jitsi_ecs.aws import AwsContext, calling
from jitsi_ecs.drills import Clock, DrillResult
from jitsi_ecs.ecs_rules import circuit_breaker_threshold
from jitsi_ecs.errors import Interrupted, JitsiEcsError
from jitsi_ecs.targets import Watch

BROKEN_CHECK = ["CMD-SHELL", "exit 1"]
_REGISTER_KEYS = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "runtimePlatform",
    "ephemeralStorage",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
)


def broken_revision(task_def: dict[str, Any]) -> dict[str, Any]:
    """Register arguments for a copy of task_def whose health checks can never pass."""
    args = {k: copy.deepcopy(task_def[k]) for k in _REGISTER_KEYS if task_def.get(k)}
    for container in args["containerDefinitions"]:
        check = container.get("healthCheck") or {
            "interval": 30,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 0,
        }
        container["healthCheck"] = {**check, "command": BROKEN_CHECK}
    return args


def _service(aws: AwsContext, cluster: str, name: str) -> dict[str, Any]:
    service = aws.service(cluster, name)
    if service is None:
        raise JitsiEcsError(
            f"service {name} not found in cluster {cluster}", hint="Run `jitsi-ecs up` first."
        )
    return dict(service)


def run(
    aws: AwsContext,
    cluster: str,
    name: str,
    watch: Watch,
    result: DrillResult,
    clock: Clock | None = None,
) -> DrillResult:
    clock = clock or Clock()
    ecs = aws.ecs
    service = _service(aws, cluster, name)
    original = service["taskDefinition"]
    desired = int(service["desiredCount"])
    threshold = circuit_breaker_threshold(desired)
    deploy_config = service.get("deploymentConfiguration", {})
    breaker = deploy_config.get("deploymentCircuitBreaker", {})
    if aws.deploying(cluster, [name]):
        raise JitsiEcsError(
            f"service {name} is in the middle of a deployment",
            hint="Run the drill once it is steady.",
        )
    result.step(
        "baseline",
        True,
        f"{name} runs {original.rsplit('/', 1)[-1]} x{desired}; circuit breaker "
        f"enable={breaker.get('enable')} rollback={breaker.get('rollback')}; documented threshold "
        f"max(3, min(200, ceil({desired}/2))) = {threshold}",
    )

    task_def: Any = aws.task_definition(original)
    with calling("register the broken revision"):
        broken = ecs.register_task_definition(**broken_revision(task_def))["taskDefinition"][
            "taskDefinitionArn"
        ]
    result.step(
        "register broken revision",
        True,
        f"{broken.rsplit('/', 1)[-1]}: every health check is `exit 1`",
    )
    interrupted = False
    restore_failed: str | None = None
    try:
        with calling(f"deploy the broken revision to service {name}"):
            ecs.update_service(cluster=cluster, service=name, taskDefinition=broken)
        started = clock.now()
        result.step("deploy broken revision", True, "update_service sent")
        _watch(aws, cluster, name, original, broken, threshold, watch, result, clock, started)
    except KeyboardInterrupt:
        interrupted = True
        result.step("interrupted", False, "Ctrl-C during the drill")
    except Exception as exc:  # any failure is recorded, and the service is restored below
        detail = exc.message if isinstance(exc, JitsiEcsError) else f"{type(exc).__name__}: {exc}"
        result.step("error", False, detail)
    finally:
        restore_failed = _restore(aws, cluster, name, original, broken, result)
    if interrupted:
        if restore_failed:
            raise Interrupted(
                f"drill interrupted; restoring {name} failed: {restore_failed}",
                hint=f"Put it back by hand: `aws ecs update-service --cluster {cluster} "
                f"--service {name} --task-definition {original}`.",
            )
        raise Interrupted(f"drill interrupted; {name} restored to {original.rsplit('/', 1)[-1]}")
    return result


def _watch(
    aws: AwsContext,
    cluster: str,
    name: str,
    original: str,
    broken: str,
    threshold: int,
    watch: Watch,
    result: DrillResult,
    clock: Clock,
    started: float,
) -> None:
    timings: dict[str, float | None] = {
        "first_failed_task_s": None,
        "rollback_started_s": None,
        "steady_state_s": None,
    }
    result.timings = timings
    failures, reason = 0, ""
    while True:
        service = _service(aws, cluster, name)
        now = round(clock.now() - started, 2)
        deployments = service.get("deployments", [])
        bad = next((d for d in deployments if d.get("taskDefinition") == broken), None)
        if bad is not None:
            failures = max(failures, int(bad.get("failedTasks", 0)))
            if bad.get("rolloutState") == "FAILED":
                reason = str(bad.get("rolloutStateReason", ""))
        if failures and timings["first_failed_task_s"] is None:
            timings["first_failed_task_s"] = now
            result.step("first failed task", True, f"after {now:.1f} s")
        back = [
            d
            for d in deployments
            if d.get("taskDefinition") == original and d.get("status") == "PRIMARY"
        ]
        if back and timings["rollback_started_s"] is None:
            timings["rollback_started_s"] = now
            result.step(
                "rollback started",
                True,
                reason or "ECS started a deployment of the original revision",
            )
        steady = (
            len(deployments) == 1
            and back
            and back[0].get("rolloutState") == "COMPLETED"
            and service.get("runningCount") == service.get("desiredCount")
        )
        if steady:
            timings["steady_state_s"] = now
            via_alarm = "alarm" in reason.lower()
            counted_ok = via_alarm or failures >= threshold
            result.step(
                "steady state",
                True,
                f"{name} back on {original.rsplit('/', 1)[-1]} after {now:.1f} s",
            )
            result.step(
                "failures vs threshold",
                counted_ok,
                f"{failures} failed task(s) counted; threshold {threshold}"
                + (" (rolled back by a deployment alarm)" if via_alarm else ""),
            )
            result.passed = counted_ok
            return
        if failures >= 2 * threshold and timings["rollback_started_s"] is None:
            result.step(
                "no rollback",
                False,
                f"{failures} tasks failed, twice the threshold {threshold}, and "
                "ECS did not roll back: is the circuit breaker (with rollback) on?",
            )
            return
        if now >= watch.timeout_s:
            result.step("timeout", False, f"no rollback within {watch.timeout_s:.0f} s")
            return
        clock.sleep(watch.poll_s)


def _restore(
    aws: AwsContext, cluster: str, name: str, original: str, broken: str, result: DrillResult
) -> str | None:
    """Put the original revision back, then deregister the broken one whatever happened. Each
    is best effort: an AWS error is a failed step naming the call and the command that finishes
    the job by hand, never an exception. Returns what failed, or None."""
    ecs = aws.ecs
    failed: list[str] = []
    try:
        try:
            current = _service(aws, cluster, name)["taskDefinition"]
            if current != original:
                with calling(f"restore service {name} to {original.rsplit('/', 1)[-1]}"):
                    ecs.update_service(cluster=cluster, service=name, taskDefinition=original)
                result.step(
                    "restore",
                    True,
                    f"redeployed the original revision {original.rsplit('/', 1)[-1]}",
                )
            result.step(
                "final task definition",
                current == original,
                f"{name} ends on {current.rsplit('/', 1)[-1]} "
                f"(started on {original.rsplit('/', 1)[-1]})",
            )
            if current != original:
                result.passed = False
        except JitsiEcsError as exc:
            failed.append(exc.message)
            result.passed = False
            result.step(
                "restore",
                False,
                f"{exc.message}; restore it by hand: aws ecs update-service --cluster {cluster} "
                f"--service {name} --task-definition {original}",
            )
    finally:
        try:
            with calling(f"deregister the broken revision {broken.rsplit('/', 1)[-1]}"):
                ecs.deregister_task_definition(taskDefinition=broken)
            result.step("clean up", True, f"deregistered {broken.rsplit('/', 1)[-1]}")
        except JitsiEcsError as exc:
            failed.append(exc.message)
            result.passed = False
            result.step(
                "clean up",
                False,
                f"{exc.message}; deregister it by hand: aws ecs deregister-task-definition "
                f"--task-definition {broken}",
            )
    return "; ".join(failed) or None
