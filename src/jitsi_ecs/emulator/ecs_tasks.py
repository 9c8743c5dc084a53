"""ECS tasks of the emulated deployments (ecs_deployments.py): ListTasks and DescribeTasks
answer for services, and tests can make a service's tasks stop with a reason of their choice.

moto runs no tasks and lists only those started with RunTask. Here each service's tasks are
records in DescribeTasks' shape, kept on the service:

- RUNNING: as many tasks of each deployment as it runs (a COMPLETED primary: the desired
  count), `startedBy` the deployment's id, `group` `service:<name>`, as ECS writes them. Tasks
  a deployment no longer needs stop with "Scaling activity initiated by (deployment ...)".
- STOPPED: one per task a failing deployment loses (ecs_deployments counts them). A revision
  whose health check can never pass stops its tasks with "Task failed container health
  checks" (the container UNHEALTHY); a registered failure (below) stops them its way.

A failure is registered per service (it may not exist yet) and applies to every task the
service starts from then on: the deployment in progress, a new one (an UpdateService with
another revision or forceNewDeployment), or the first one (CreateService then starts its
deployment IN_PROGRESS instead of steady). Such a task stops 60 emulated seconds after it
started. Register with `POST /moto-api/jitsi-ecs/ecs/stop-tasks` and a JSON body:

    {"region": "us-west-2", "cluster": "jitsi", "service": "jitsi-shard",
     "stoppedReason": "CannotPullContainerError: ...", "stopCode": "TaskFailedToStart",
     "containers": [{"name": "web", "reason": "CannotPullContainerError: ...",
                     "exitCode": 137, "healthStatus": "UNHEALTHY"}]}

(`account` defaults to moto's; `stopCode` to EssentialContainerExited when a container has an
exit code, else TaskFailedToStart; `"taskDefinition": ARN` limits the failure to the tasks of
that revision, so that a rollback can succeed; `"stoppedReason": null` clears the failure).
In-process tests call `fail_tasks` directly. A reset of moto (`/moto-api/reset`) forgets both,
as it forgets the services.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ecs.models import EC2ContainerServiceBackend, ecs_backends
from moto.moto_api._internal import mock_random

STOP_TASKS_PATH = "/moto-api/jitsi-ecs/ecs/stop-tasks"
# How long (emulated) a task with a registered failure lives: a failed pull or start takes
# ECS about a minute of retries.
TASK_FAILS_AFTER_S = 60.0
# Stopped tasks kept per service (ECS keeps them about an hour; ListTasks pages by 100).
KEEP_STOPPED = 100


class TaskRecord(dict[str, Any]):
    """A task in DescribeTasks' shape; `task_arn` and `desired_status` for moto's ListTasks."""

    @property
    def task_arn(self) -> str:
        return str(self["taskArn"])

    @property
    def desired_status(self) -> str:
        return str(self["desiredStatus"])


def _failures(backend: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """The registered failures by (cluster name, service name), kept on the moto backend."""
    store: dict[tuple[str, str], dict[str, Any]] | None = getattr(
        backend, "jitsi_ecs_failures", None
    )
    if store is None:
        store = {}
        backend.jitsi_ecs_failures = store
    return store


def fail_tasks(backend: Any, cluster: str, service: str, spec: Mapping[str, Any] | None) -> None:
    """Make every task `service` starts from now on stop as `spec` says (None: start normally)."""
    cluster_name = cluster.rsplit("/", 1)[-1]
    service_name = service.rsplit("/", 1)[-1]
    if spec is None or not spec.get("stoppedReason"):
        _failures(backend).pop((cluster_name, service_name), None)
        return
    _failures(backend)[(cluster_name, service_name)] = dict(spec)


def failure(backend: Any, service: Any, task_def_arn: str) -> dict[str, Any] | None:
    """The failure registered for the service's tasks of this revision, if any."""
    spec = _failures(backend).get((service.cluster_name, service.name))
    if spec is None or spec.get("taskDefinition") not in (None, task_def_arn):
        return None
    return spec


def tasks(service: Any) -> list[TaskRecord]:
    found: list[TaskRecord] | None = getattr(service, "jitsi_ecs_tasks", None)
    if found is None:
        found = []
        service.jitsi_ecs_tasks = found
    return found


def _record(backend: Any, service: Any, task_def_arn: str, deployment_id: str) -> TaskRecord:
    task_def = backend.describe_task_definition(task_def_arn)
    task_id = mock_random.get_random_hex(32)
    account, region = backend.account_id, backend.region_name
    arn = f"arn:aws:ecs:{region}:{account}:task/{service.cluster_name}/{task_id}"
    now = time.time()
    return TaskRecord(
        taskArn=arn,
        clusterArn=service.cluster_arn,
        taskDefinitionArn=task_def_arn,
        group=f"service:{service.name}",
        startedBy=deployment_id,
        launchType=service.launch_type or "FARGATE",
        cpu=str(task_def.cpu or ""),
        memory=str(task_def.memory or ""),
        createdAt=now,
        startedAt=now,
        lastStatus="RUNNING",
        desiredStatus="RUNNING",
        healthStatus="HEALTHY",
        containers=[
            {
                "containerArn": f"{arn.replace(':task/', ':container/')}/{c.get('name')}",
                "taskArn": arn,
                "name": c.get("name"),
                "image": c.get("image"),
                "lastStatus": "RUNNING",
                "healthStatus": "HEALTHY" if c.get("healthCheck") else "UNKNOWN",
            }
            for c in task_def.container_definitions
        ],
    )


def _stop(task: TaskRecord, reason: str, code: str) -> None:
    now = time.time()
    task.update(
        lastStatus="STOPPED",
        desiredStatus="STOPPED",
        stoppingAt=now,
        stoppedAt=now,
        executionStoppedAt=now,
        stoppedReason=reason,
        stopCode=code,
    )
    for container in task["containers"]:
        container["lastStatus"] = "STOPPED"


def _keep_recent(service: Any) -> None:
    records = tasks(service)
    stopped = [t for t in records if t["desiredStatus"] == "STOPPED"]
    for old in stopped[:-KEEP_STOPPED]:
        records.remove(old)


def failed(
    backend: Any,
    service: Any,
    deployment: Mapping[str, Any],
    count: int,
    unhealthy: list[str] | None = None,
) -> None:
    """Record `count` tasks of the deployment as stopped: the registered failure's way, or
    (unhealthy: the containers whose check never passes) failed container health checks."""
    spec = failure(backend, service, deployment["taskDefinition"])
    for _ in range(min(count, KEEP_STOPPED)):
        task = _record(backend, service, deployment["taskDefinition"], deployment["id"])
        tasks(service).append(task)
        if spec is None:
            for container in task["containers"]:
                if container["name"] in (unhealthy or []):
                    container["healthStatus"] = "UNHEALTHY"
            task["healthStatus"] = "UNHEALTHY"
            _stop(task, "Task failed container health checks", "ServiceSchedulerInitiated")
            continue
        overrides = {c.get("name"): c for c in spec.get("containers") or []}
        for container in task["containers"]:
            for key in ("reason", "exitCode", "healthStatus"):
                if key in overrides.get(container["name"], {}):
                    container[key] = overrides[container["name"]][key]
        exited = any("exitCode" in c for c in overrides.values())
        task["healthStatus"] = spec.get("healthStatus", "UNKNOWN")
        _stop(
            task,
            str(spec["stoppedReason"]),
            str(
                spec.get("stopCode")
                or ("EssentialContainerExited" if exited else "TaskFailedToStart")
            ),
        )
    _keep_recent(service)


def sync_running(backend: Any, service: Any) -> None:
    """RUNNING records match what each deployment runs; the rest stop as ECS's scale-in."""
    primary = next((d for d in service.deployments if d["status"] == "PRIMARY"), None)
    wanted: dict[str, tuple[str, int]] = {}
    for d in service.deployments:
        steady = d["status"] == "PRIMARY" and d.get("rolloutState") == "COMPLETED"
        count = int(service.desired_count if steady else d.get("runningCount", 0))
        wanted[d["id"]] = (d["taskDefinition"], count)
    by_deployment: dict[str, list[TaskRecord]] = {}
    for task in tasks(service):
        if task["desiredStatus"] == "RUNNING":
            by_deployment.setdefault(task["startedBy"], []).append(task)
    scaling = f"Scaling activity initiated by (deployment {primary['id'] if primary else '?'})"
    for deployment_id, running in by_deployment.items():
        keep = wanted.get(deployment_id, ("", 0))[1]
        for task in running[keep:]:
            _stop(task, scaling, "ServiceSchedulerInitiated")
    for deployment_id, (task_def_arn, count) in wanted.items():
        missing = count - len(by_deployment.get(deployment_id, []))
        for _ in range(max(0, min(missing, KEEP_STOPPED))):
            tasks(service).append(_record(backend, service, task_def_arn, deployment_id))
    _keep_recent(service)


def _services(backend: Any, cluster: str | None, name: str | None = None) -> list[Any]:
    cluster_name = (cluster or "default").rsplit("/", 1)[-1]
    return [
        s
        for s in backend.services.values()
        if s.cluster_name == cluster_name
        and (name is None or name.rsplit("/", 1)[-1] == s.name)
        and s.status == "ACTIVE"
    ]


# ---------------------------------------------------------------- the control endpoint


def stop_tasks_endpoint(
    request: Any, full_url: str, headers: Any
) -> tuple[int, dict[str, str], str]:
    """POST /moto-api/jitsi-ecs/ecs/stop-tasks (see the module docstring)."""
    raw = request.body if hasattr(request, "body") else request.get_data()
    try:
        body = json.loads(raw or b"{}")
        backend = ecs_backends[str(body.get("account") or DEFAULT_ACCOUNT_ID)][str(body["region"])]
        cluster, service = str(body["cluster"]), str(body["service"])
    except (ValueError, KeyError, TypeError) as exc:
        message = f"expected JSON with region, cluster, service and stoppedReason: {exc}"
        return 400, {"Content-Type": "application/json"}, json.dumps({"message": message})
    fail_tasks(backend, cluster, service, body)
    return (
        200,
        {"Content-Type": "application/json"},
        json.dumps({"registered": bool(body.get("stoppedReason"))}),
    )


def install(advance: Any) -> None:
    """ListTasks and DescribeTasks answer with the records (after `advance(backend, service)`
    moves each service's deployment along), and the control endpoint is served."""
    from moto.moto_api._internal import urls

    urls.url_paths["{0}" + STOP_TASKS_PATH] = stop_tasks_endpoint
    original_list = EC2ContainerServiceBackend.list_tasks
    original_describe = EC2ContainerServiceBackend.describe_tasks

    def list_tasks(
        self: Any,
        cluster_str: str | None = None,
        container_instance: str | None = None,
        family: str | None = None,
        started_by: str | None = None,
        service_name: str | None = None,
        desiredStatus: str | None = None,  # moto's name
    ) -> list[Any]:
        if cluster_str:
            self._get_cluster(cluster_str)  # ClusterNotFoundException, as ECS answers
        found: list[Any] = (
            []
            if service_name
            else list(
                original_list(
                    self, cluster_str, container_instance, family, started_by, None, desiredStatus
                )
            )
        )
        if container_instance:
            return found  # Fargate tasks run on no container instance
        for service in _services(self, cluster_str, service_name):
            advance(self, service)
            sync_running(self, service)
            for task in tasks(service):
                if desiredStatus and task["desiredStatus"] != desiredStatus:
                    continue
                if started_by and task["startedBy"] != started_by:
                    continue
                if family and f":task-definition/{family}:" not in task["taskDefinitionArn"]:
                    continue
                found.append(task)
        return found

    def describe_tasks(self: Any, cluster_str: str, task_ids: list[str]) -> list[Any]:
        self._get_cluster(cluster_str)  # moto's ClusterNotFoundException, as ECS answers
        ours = [
            task
            for service in _services(self, cluster_str)
            for task in tasks(service)
            if task.task_arn in task_ids or task.task_arn.rsplit("/", 1)[-1] in task_ids
        ]
        known = {t.task_arn for t in ours} | {t.task_arn.rsplit("/", 1)[-1] for t in ours}
        rest = [t for t in task_ids if t not in known]
        return ours + (list(original_describe(self, cluster_str, rest)) if rest else [])

    EC2ContainerServiceBackend.list_tasks = list_tasks  # type: ignore[method-assign]
    EC2ContainerServiceBackend.describe_tasks = describe_tasks  # type: ignore[method-assign,assignment]
