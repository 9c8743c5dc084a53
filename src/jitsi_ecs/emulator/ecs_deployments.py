"""ECS rolling deployments for the emulator, as the ECS developer guide describes them.

moto runs no tasks and never moves a deployment. Here a deployment progresses on an emulated
clock (JITSI_ECS_EMULATOR_SPEED emulated seconds per real second, default 30), evaluated
whenever a service is described:

- A task of a revision becomes healthy after startPeriod + interval. A container cannot run
  here, so its health check is judged statically: a command that can never succeed
  (`exit N` with N > 0, `false`) makes every task of the revision fail after
  startPeriod + interval x retries; any other command passes.
- Failed tasks are counted per deployment. With the circuit breaker on, the deployment fails
  once they reach max(3, min(200, ceil(desired / 2))); with rollback on, a new deployment of
  the last COMPLETED task definition starts.
- A deployment alarm in ALARM during a deployment fails it the same way.
- With the breaker off, a failing deployment stays IN_PROGRESS and keeps failing tasks.
- UpdateService keeps the deployment settings the request leaves out, as ECS does.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.ecs.models import EC2ContainerServiceBackend
from moto.moto_api._internal import mock_random

from jitsi_ecs.ecs_rules import circuit_breaker_threshold

SPEED_ENV = "JITSI_ECS_EMULATOR_SPEED"
_NEVER_PASSES = re.compile(r"^\s*(exit\s+[1-9][0-9]*|false|/bin/false)\s*;?\s*$")


def _speed() -> float:
    try:
        return max(1.0, float(os.environ.get(SPEED_ENV, "30")))
    except ValueError:
        return 30.0


def _checks(task_def: Any) -> tuple[bool, float, float]:
    """(can pass, seconds to healthy, seconds to declared unhealthy) for a revision."""
    can_pass, healthy, unhealthy = True, 0.0, 0.0
    for container in task_def.container_definitions:
        check = container.get("healthCheck")
        if not check or container.get("essential", True) is False:
            continue
        command = " ".join(check.get("command", [])[1:])
        start, interval = float(check.get("startPeriod", 0)), float(check.get("interval", 30))
        retries = float(check.get("retries", 3))
        can_pass = can_pass and not _NEVER_PASSES.match(command)
        healthy = max(healthy, start + interval)
        unhealthy = max(unhealthy, start + interval * retries)
    return can_pass, healthy or 1.0, unhealthy or 1.0


def _event(service: Any, message: str) -> None:
    service.events.insert(
        0,
        {
            "id": str(mock_random.uuid4()),
            "createdAt": time.time(),
            "message": f"(service {service.name}) {message}",
        },
    )


def start_deployment(backend: Any, service: Any, task_def_arn: str, reason: str = "") -> None:
    now = time.time()
    for deployment in service.deployments:
        if deployment["status"] == "PRIMARY":
            deployment["status"] = "ACTIVE"
    deployment_id = f"ecs-svc/{mock_random.randint(0, 32**12)}"
    service.deployments.insert(
        0,
        {
            "id": deployment_id,
            "status": "PRIMARY",
            "taskDefinition": task_def_arn,
            "desiredCount": service.desired_count,
            "pendingCount": service.desired_count,
            "runningCount": 0,
            "failedTasks": 0,
            "createdAt": now,
            "updatedAt": now,
            "launchType": service.launch_type,
            "rolloutState": "IN_PROGRESS",
            "rolloutStateReason": reason or f"ECS deployment {deployment_id} in progress.",
        },
    )
    service.task_definition = task_def_arn
    service.jitsi_ecs_started = {**getattr(service, "jitsi_ecs_started", {}), deployment_id: now}
    _event(service, f"has started {service.desired_count} tasks: deployment {deployment_id}.")


def _complete(service: Any, deployment: dict[str, Any]) -> None:
    deployment.update(
        rolloutState="COMPLETED",
        runningCount=deployment["desiredCount"],
        pendingCount=0,
        updatedAt=time.time(),
        rolloutStateReason=f"ECS deployment {deployment['id']} completed.",
    )
    service.deployments[:] = [deployment]
    service.running_count, service.pending_count = deployment["desiredCount"], 0
    service.task_definition = deployment["taskDefinition"]
    service.jitsi_ecs_last_completed = deployment["taskDefinition"]
    _event(service, "has reached a steady state.")


def _fail(
    backend: Any, service: Any, deployment: dict[str, Any], reason: str, rollback: bool
) -> None:
    deployment.update(rolloutState="FAILED", rolloutStateReason=reason, updatedAt=time.time())
    _event(service, f"deployment {deployment['id']} failed: {reason}")
    target = getattr(service, "jitsi_ecs_last_completed", None)
    if rollback and target and target != deployment["taskDefinition"]:
        start_deployment(
            backend, service, target, f"ECS deployment circuit breaker: rolling back to {target}."
        )


def _alarm_in_alarm(backend: Any, service: Any) -> str | None:
    alarms = (getattr(service, "deployment_configuration", None) or {}).get("alarms") or {}
    if not alarms.get("enable"):
        return None
    watched = cloudwatch_backends[backend.account_id][backend.region_name].alarms
    for name in alarms.get("alarmNames", []):
        if name in watched and watched[name].state_value == "ALARM":
            return str(name)
    return None


def advance(backend: Any, service: Any, now: float | None = None) -> None:
    """Move the service's in-progress deployment along the emulated clock."""
    primary = next((d for d in service.deployments if d["status"] == "PRIMARY"), None)
    if primary is None or primary["rolloutState"] != "IN_PROGRESS":
        return
    started = getattr(service, "jitsi_ecs_started", {}).get(primary["id"])
    if started is None:
        return
    elapsed = ((now or time.time()) - started) * _speed()
    config = getattr(service, "deployment_configuration", None) or {}
    alarm = _alarm_in_alarm(backend, service)
    if alarm:
        rollback = bool((config.get("alarms") or {}).get("rollback"))
        _fail(backend, service, primary, f"Deployment alarm {alarm} is in ALARM state.", rollback)
        return
    can_pass, healthy_after, unhealthy_after = _checks(
        backend.describe_task_definition(primary["taskDefinition"])
    )
    if can_pass:
        if elapsed >= healthy_after:
            _complete(service, primary)
        return
    desired = max(1, int(primary["desiredCount"]))
    failed = int(elapsed // unhealthy_after) * desired
    if failed > primary["failedTasks"]:
        primary.update(failedTasks=failed, updatedAt=time.time())
        _event(
            service, f"{failed} tasks failed container health checks (deployment {primary['id']})."
        )
    breaker = config.get("deploymentCircuitBreaker") or {}
    if breaker.get("enable") and failed >= circuit_breaker_threshold(desired):
        _fail(
            backend,
            service,
            primary,
            "ECS deployment circuit breaker: tasks failed to start.",
            bool(breaker.get("rollback")),
        )


def install() -> None:
    original_update = EC2ContainerServiceBackend.update_service
    original_describe = EC2ContainerServiceBackend.describe_services

    def update_service(self: Any, props: dict[str, Any]) -> Any:
        wanted = props.get("task_definition")
        force = bool(props.get("force_new_deployment"))
        cluster = props.get("cluster", "default")
        service = self._get_service(cluster, str(props["service"]).split("/")[-1])
        before = service.task_definition
        # ECS keeps the deployment settings a request leaves out (the AWS provider sends only
        # what changed); moto replaced the whole object, losing the min/max percentages.
        if props.get("deployment_configuration"):
            current = getattr(service, "deployment_configuration", None) or {}
            props["deployment_configuration"] = {**current, **props["deployment_configuration"]}
        result = original_update(self, props)
        arn = self.describe_task_definition(wanted).arn if wanted else before
        if arn != before or force:
            start_deployment(self, result, arn)
        else:
            result.task_definition = before
        return result

    def describe_services(self: Any, cluster_str: str, names: list[str]) -> Any:
        result = original_describe(self, cluster_str, names)
        for service in result[0]:
            advance(self, service)
        return result

    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign,assignment]
    EC2ContainerServiceBackend.describe_services = describe_services  # type: ignore[method-assign,assignment]
