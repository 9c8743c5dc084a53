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
- UpdateService keeps the deployment settings the request leaves out, as ECS does. A new
  desired count moves a COMPLETED primary deployment's counts with it (moto moved only the
  service's): scaled to 0 and deployed again, the old tasks do not come back.
- Tasks (ecs_tasks.py): ListTasks and DescribeTasks answer with each deployment's RUNNING
  tasks and a STOPPED task, with its reason, for every task a failing deployment loses. A test
  can make a service's tasks stop with a reason of its choice (`POST
  /moto-api/jitsi-ecs/ecs/stop-tasks`): they then fail TASK_FAILS_AFTER_S emulated seconds
  after they start, and count against the circuit breaker like failed health checks.
- CreateService reaches a steady state at once (extensions.py), unless its revision cannot
  pass its health check or its tasks are made to fail: then its first deployment rolls out
  (and fails) as above.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.moto_api._internal import mock_random

from jitsi_ecs.ecs_rules import circuit_breaker_threshold
from jitsi_ecs.emulator import ecs_tasks

SPEED_ENV = "JITSI_ECS_EMULATOR_SPEED"
_NEVER_PASSES = re.compile(r"^\s*(exit\s+[1-9][0-9]*|false|/bin/false)\s*;?\s*$")


def _speed() -> float:
    try:
        return max(1.0, float(os.environ.get(SPEED_ENV, "30")))
    except ValueError:
        return 30.0


def _checks(task_def: Any) -> tuple[list[str], float, float]:
    """(containers whose check can never pass, seconds to healthy, seconds to declared
    unhealthy) for a revision."""
    never: list[str] = []
    healthy, unhealthy = 0.0, 0.0
    for container in task_def.container_definitions:
        check = container.get("healthCheck")
        if not check or container.get("essential", True) is False:
            continue
        command = " ".join(check.get("command", [])[1:])
        start, interval = float(check.get("startPeriod", 0)), float(check.get("interval", 30))
        retries = float(check.get("retries", 3))
        if _NEVER_PASSES.match(command):
            never.append(str(container.get("name")))
        healthy = max(healthy, start + interval)
        unhealthy = max(unhealthy, start + interval * retries)
    return never, healthy or 1.0, unhealthy or 1.0


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
    never, healthy_after, unhealthy_after = _checks(
        backend.describe_task_definition(primary["taskDefinition"])
    )
    made_to_fail = ecs_tasks.failure(backend, service, primary["taskDefinition"])
    if not never and made_to_fail is None:
        if elapsed >= healthy_after:
            _complete(service, primary)
        return
    desired = max(1, int(primary["desiredCount"]))
    period = ecs_tasks.TASK_FAILS_AFTER_S if made_to_fail else unhealthy_after
    failed = int(elapsed // period) * desired
    if failed > primary["failedTasks"]:
        ecs_tasks.failed(backend, service, primary, failed - primary["failedTasks"], never)
        primary.update(failedTasks=failed, updatedAt=time.time())
        what = (
            f"stopped: {made_to_fail['stoppedReason']}"
            if made_to_fail
            else "failed container health checks"
        )
        _event(service, f"{failed} tasks {what} (deployment {primary['id']}).")
    breaker = config.get("deploymentCircuitBreaker") or {}
    if breaker.get("enable") and failed >= circuit_breaker_threshold(desired):
        _fail(
            backend,
            service,
            primary,
            "ECS deployment circuit breaker: tasks failed to start.",
            bool(breaker.get("rollback")),
        )


def _first_deployment(backend: Any, service: Any) -> None:
    """A new service whose tasks cannot become healthy rolls its first deployment out."""
    never, _, _ = _checks(backend.describe_task_definition(service.task_definition))
    if never or ecs_tasks.failure(backend, service, service.task_definition) is not None:
        service.jitsi_ecs_last_completed = None
        service.running_count = 0
        start_deployment(backend, service, service.task_definition)
        service.deployments[:] = service.deployments[:1]


def install() -> None:
    original_update = EC2ContainerServiceBackend.update_service
    original_describe = EC2ContainerServiceBackend.describe_services
    original_create = EC2ContainerServiceResponse.create_service

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
        kept = [(d, d["id"], d.get("createdAt")) for d in service.deployments]
        result = original_update(self, props)
        # moto renames the current deployment on forceNewDeployment; ECS starts a new one
        # beside it (below), and the running tasks keep the id that started them.
        for deployment, deployment_id, created in kept:
            deployment.update(id=deployment_id, createdAt=created)
        arn = self.describe_task_definition(wanted).arn if wanted else before
        if arn != before or force:
            start_deployment(self, result, arn)  # the old ones keep what they run
        else:
            result.task_definition = before
            if props.get("desired_count") is not None:
                count = int(props["desired_count"])
                for deployment in service.deployments:
                    if (
                        deployment["status"] == "PRIMARY"
                        and deployment["rolloutState"] == "COMPLETED"
                    ):
                        deployment.update(desiredCount=count, runningCount=count, pendingCount=0)
        return result

    def describe_services(self: Any, cluster_str: str, names: list[str]) -> Any:
        result = original_describe(self, cluster_str, names)
        for service in result[0]:
            advance(self, service)
        return result

    def create_service(self: EC2ContainerServiceResponse) -> Any:
        result = original_create(self)  # steady at once (extensions.py)
        backend = self.ecs_backend
        _first_deployment(
            backend,
            backend._get_service(
                self._get_param("cluster", "default"), self._get_param("serviceName")
            ),
        )
        return result

    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign,assignment]
    EC2ContainerServiceBackend.describe_services = describe_services  # type: ignore[method-assign,assignment]
    EC2ContainerServiceResponse.create_service = create_service  # type: ignore[method-assign]
    ecs_tasks.install(advance)
