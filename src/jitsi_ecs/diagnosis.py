"""Why a service's tasks stopped, in the words of ECS, and what to do about it.

ECS records each stopped task (`ecs:ListTasks(desiredStatus=STOPPED)` + `DescribeTasks`, kept
for at least an hour): `stoppedReason`, `stopCode`, and per container `reason`, `exitCode` and
`healthStatus`. `classify` names the known causes of a failed start or a crash, each with what
to do, from those dicts alone (pure, so every cause is unit-tested without AWS):

- `image-pull`: CannotPullContainerError (registry unreachable, tag missing); for the Jitsi
  images the documented fallback is the last Docker Hub line, `jitsi.image.tag = "stable-11031"`.
- `tmpfs-refused`: Fargate refusing a `linuxParameters.tmpfs` mount or option (FACTS.md: the
  fallback is a bind-mount volume prepared by an init container; stable-11031 needs no tmpfs).
- `resource-initialization`: ResourceInitializationError (secrets, registry auth, log group:
  the task could not reach an AWS API before starting).
- `out-of-memory`: OutOfMemoryError: the config key of the service's task memory.
- `container-health-check`: "Task failed container health checks": the container and its command.
- `elb-health-check`: "Task failed ELB health checks": the target group and its path.
- `essential-exit`: an essential container exited: its name, exit code and log stream.
- `unknown`: shown as ECS wrote it.

Stops that are no failure (a deployment replacing tasks, someone stopping one) are left out.
`stopped_reasons` reads a service's stopped tasks through `AwsContext` and groups them: one
`Reason` per distinct reason, with a count. `DIAGNOSIS_ACTIONS` are the IAM actions it needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jitsi_ecs.aws import AwsContext

# What `up`'s wait and `status` call (the lead's iam-policy command includes them).
DIAGNOSIS_ACTIONS = (
    "ecs:DescribeServices",
    "ecs:ListTasks",
    "ecs:DescribeTasks",
    "ecs:DescribeTaskDefinition",
    "elasticloadbalancing:DescribeTargetGroups",
)

# The Jitsi services (keys of the outputs' service_names) that run the Jitsi image line; every
# other key is an operator service ([services.<key>]) or coturn (TURN_KEY).
JITSI_SERVICES = ("shard", "web", "xmpp", "jvb")
TURN_KEY = "turn"
_TARGET_GROUP = re.compile(r"\(target-group (arn:[^)\s]+)\)")


@dataclass(frozen=True)
class ServiceFacts:
    """What the advice needs about one service: its key in Terraform's outputs, its task
    definitions by ARN (DescribeTaskDefinition) and its target groups' health check paths."""

    key: str
    task_definitions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    health_check_paths: Mapping[str, str] = field(default_factory=dict)

    def container(self, task: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        """The container definition of `name` in the task's revision ({} when unknown)."""
        definition = self.task_definitions.get(str(task.get("taskDefinitionArn", "")), {})
        for container in definition.get("containerDefinitions", []):
            if container.get("name") == name:
                return dict(container)
        return {}


@dataclass(frozen=True)
class Finding:
    """Why one task stopped: a cause id, the reason in ECS's words, and what to do."""

    cause: str
    reason: str
    advice: str


@dataclass(frozen=True)
class Reason:
    """One distinct reason among a service's stopped tasks, with how many stopped so."""

    reason: str
    cause: str
    advice: str
    count: int

    def as_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "cause": self.cause,
            "advice": self.advice,
            "count": self.count,
        }


# ---------------------------------------------------------------- config keys


def memory_key(key: str) -> str:
    """The config key of a service's task memory (MiB)."""
    if key in JITSI_SERVICES or key == TURN_KEY:
        return f"jitsi.{key}.memory"
    return f"services.{key}.memory"


def image_advice(key: str, image: str) -> str:
    """Where the image of a service's container is chosen, and the documented fallback."""
    if key == TURN_KEY:
        return "coturn's image is jitsi.turn.image."
    if key in JITSI_SERVICES and "jitsi/" in image:
        return (
            "The Jitsi images come from ghcr.io from stable-11146 on (the rootless line, "
            "jitsi.image.tag); the documented fallback is the last Docker Hub line: set "
            'jitsi.image.tag = "stable-11031" (jitsi.image.registry names a mirror).'
        )
    if key in JITSI_SERVICES:
        return "It is chosen by jitsi.image (tag, registry, digests)."
    return f"The image is services.{key}.image."


# ---------------------------------------------------------------- classification


def _one_line(text: Any) -> str:
    return " ".join(str(text or "").split())


def _containers(task: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(task.get("containers", []))


def _task_id(task: Mapping[str, Any]) -> str:
    return str(task.get("taskArn", "")).rsplit("/", 1)[-1]


def is_expected(task: Mapping[str, Any]) -> bool:
    """A stop that is no failure: a deployment or scale-in replacing the task, or a person."""
    reason = str(task.get("stoppedReason", ""))
    return task.get("stopCode") == "UserInitiated" or reason.startswith(
        "Scaling activity initiated by"
    )


def log_location(container: Mapping[str, Any], name: str, task_id: str) -> str:
    """Where a container's output went: the awslogs group and this task's stream."""
    config = container.get("logConfiguration") or {}
    options = config.get("options") or {}
    group = options.get("awslogs-group")
    if config.get("logDriver") != "awslogs" or not group:
        return f"container {name} sends no logs to CloudWatch (no awslogs configuration)"
    prefix = options.get("awslogs-stream-prefix")
    stream = f"{prefix}/{name}/{task_id}" if prefix else f"(stream of task {task_id})"
    return f"log group {group}, stream {stream}"


def _health_command(container: Mapping[str, Any]) -> str:
    command = list((container.get("healthCheck") or {}).get("command") or [])
    if command and command[0] in ("CMD-SHELL", "CMD"):
        command = command[1:]
    return " ".join(str(c) for c in command)


def classify(task: Mapping[str, Any], facts: ServiceFacts) -> Finding | None:
    """The cause of one stopped task (DescribeTasks dict); None for a stop that is expected."""
    if is_expected(task):
        return None
    stopped = _one_line(task.get("stoppedReason"))
    containers = _containers(task)
    task_id = _task_id(task)

    def with_reason(*needles: str) -> Mapping[str, Any] | None:
        return next(
            (c for c in containers if any(n in str(c.get("reason", "")) for n in needles)), None
        )

    texts = [stopped, *(_one_line(c.get("reason")) for c in containers)]
    if any("tmpfs" in t.lower() for t in texts):
        culprit = next((c for c in containers if "tmpfs" in str(c.get("reason", "")).lower()), None)
        reason = _one_line(culprit.get("reason")) if culprit else stopped
        where = f"container {culprit.get('name')}" if culprit else "the task"
        return Finding(
            "tmpfs-refused",
            reason,
            f"Fargate refused a tmpfs mount (linuxParameters.tmpfs) of {where}. The documented "
            'fallback (FACTS.md; docs/deploy.md, "First real deploy"): a task volume per '
            'writable path plus a non-essential init container with user "0" that chowns it to '
            "1000:1000 and "
            "exits 0, the main containers dependsOn it (SUCCESS). Until the modules do that, "
            'jitsi.image.tag = "stable-11031" runs the root line, which needs no tmpfs.',
        )
    if any("CannotPullContainerError" in t for t in texts):
        culprit = with_reason("CannotPullContainerError")
        name = str(culprit.get("name")) if culprit else ""
        image = str((culprit or {}).get("image") or facts.container(task, name).get("image", ""))
        reason = _one_line(culprit.get("reason")) if culprit else stopped
        what = f"image {image} of container {name}" if culprit else "an image"
        return Finding(
            "image-pull",
            reason,
            f"ECS could not pull the {what}: the registry is unreachable from the task's "
            "subnets (they need a public IP or a NAT gateway, and egress on 443) or the tag "
            f"does not exist there. {image_advice(facts.key, image)}",
        )
    if any("ResourceInitializationError" in t for t in texts):
        return Finding(
            "resource-initialization",
            stopped,
            "ECS could not prepare the task before starting it (its secrets from SSM, registry "
            "authentication or the log group): the task's subnets need a route to those AWS "
            "APIs (a public IP or VPC endpoints) and the execution role their permissions.",
        )
    oom = with_reason("OutOfMemoryError") or (
        next((c for c in containers if c.get("exitCode") == 137), None)
        if "OutOfMemory" in stopped
        else None
    )
    if oom is not None or "OutOfMemoryError" in stopped:
        name = str((oom or {}).get("name", "?"))
        code = (oom or {}).get("exitCode")
        return Finding(
            "out-of-memory",
            _one_line((oom or {}).get("reason")) or stopped,
            f"Container {name} ran out of memory"
            + (f" (exit code {code})" if code is not None else "")
            + f": raise {memory_key(facts.key)} (MiB, a size Fargate accepts for the cpu).",
        )
    if "failed container health checks" in stopped:
        sick = [c for c in containers if c.get("healthStatus") == "UNHEALTHY"] or [
            c for c in containers if facts.container(task, str(c.get("name"))).get("healthCheck")
        ]
        parts = []
        for c in sick or containers:
            name = str(c.get("name"))
            definition = facts.container(task, name)
            command = _health_command(definition)
            parts.append(
                f"container {name}'s check `{command}`" if command else f"container {name}"
            )
        return Finding(
            "container-health-check",
            stopped,
            f"The health check never passed: {', '.join(parts) or 'a container'} "
            "(health_check.container sets its start period, interval and retries). Its log "
            "says why: "
            + "; ".join(
                log_location(facts.container(task, str(c.get("name"))), str(c.get("name")), task_id)
                for c in (sick or containers)[:1]
            )
            + ".",
        )
    if "ELB health checks" in stopped:
        match = _TARGET_GROUP.search(stopped)
        arn = match.group(1) if match else ""
        path = facts.health_check_paths.get(arn)
        group = arn.split(":targetgroup/")[-1].split("/")[0] if arn else "its target group"
        key = (
            f"services.{facts.key}.health_path"
            if facts.key not in JITSI_SERVICES
            else "health_check.target_group.path"
        )
        on = f"on {path} " if path else ""
        return Finding(
            "elb-health-check",
            stopped,
            f"The load balancer's health check {on}(target group {group}) never passed: the "
            f"container must answer it with a success code within the grace period ({key}, "
            "health_check.grace_period).",
        )
    essential_exit = task.get("stopCode") == "EssentialContainerExited" or (
        "Essential container in task exited" in stopped
    )
    if essential_exit:
        exited = [
            c
            for c in containers
            if c.get("exitCode") not in (None, 0)
            and facts.container(task, str(c.get("name"))).get("essential", True) is not False
        ] or [c for c in containers if c.get("exitCode") not in (None, 0)]
        if exited:
            c = exited[0]
            name, code = str(c.get("name")), c.get("exitCode")
            return Finding(
                "essential-exit",
                f"Essential container {name} exited with code {code}",
                f"Container {name} stopped (exit code {code}), so ECS stopped the task: its "
                f"{log_location(facts.container(task, name), name, task_id)} says why.",
            )
    details = [
        f"{c.get('name')}: {_one_line(c.get('reason'))}" for c in containers if c.get("reason")
    ]
    exit_codes = [
        f"{c.get('name')} exit code {c.get('exitCode')}"
        for c in containers
        if c.get("exitCode") not in (None, 0)
    ]
    reason = "; ".join([stopped or "stopped (no reason given)", *details, *exit_codes])
    return Finding("unknown", reason, "")


def summarise(tasks: Iterable[Mapping[str, Any]], facts: ServiceFacts) -> list[Reason]:
    """One Reason per distinct (cause, reason), most frequent first; the advice is the one of
    the most recently stopped task of that reason (its log stream)."""
    ordered = sorted(tasks, key=lambda t: str(t.get("stoppedAt") or ""), reverse=True)
    grouped: dict[tuple[str, str], tuple[Finding, int]] = {}
    for task in ordered:
        finding = classify(task, facts)
        if finding is None:
            continue
        key = (finding.cause, finding.reason)
        first, count = grouped.get(key, (finding, 0))
        grouped[key] = (first, count + 1)
    rows = [Reason(f.reason, f.cause, f.advice, n) for f, n in grouped.values()]
    return sorted(rows, key=lambda r: -r.count)


def lines(reasons: Iterable[Reason]) -> list[str]:
    """Each reason as one line with its count, then its advice (for the terminal)."""
    out = []
    for r in reasons:
        out.append(f"{r.count} task(s): {r.reason}")
        if r.advice:
            out.append(f"  -> {r.advice}")
    return out


# ---------------------------------------------------------------- reading AWS


def stopped_reasons(
    aws: AwsContext,
    cluster: str,
    key: str,
    service: Mapping[str, Any],
    task_definition: str | None = None,
) -> list[Reason]:
    """The reasons of the service's stopped tasks (only those of `task_definition` when given
    and any stopped so; else all that ECS still lists)."""
    tasks = aws.stopped_tasks(cluster, str(service.get("serviceName")))
    if task_definition is not None:
        own = [t for t in tasks if t.get("taskDefinitionArn") == task_definition]
        tasks = own or tasks
    failing = [t for t in tasks if not is_expected(t)]
    if not failing:
        return []
    arns = sorted({str(t.get("taskDefinitionArn")) for t in failing if t.get("taskDefinitionArn")})
    definitions = {arn: dict(aws.task_definition(arn)) for arn in arns}
    groups = [
        str(lb["targetGroupArn"])
        for lb in service.get("loadBalancers", [])
        if lb.get("targetGroupArn")
    ]
    paths = aws.health_check_paths(groups) if groups else {}
    return summarise(failing, ServiceFacts(key, definitions, paths))
