"""After an apply, wait until every ECS service of the stack is stable, or say why it is not.

Terraform does not wait for the services (`wait_for_steady_state = false`: a failing task
would hold the apply for its whole timeout and say nothing). `wait_stable` watches each service
of the stack (names from Terraform's outputs) until its primary deployment is COMPLETED with
running = desired, a deployment FAILED (the circuit breaker or a deployment alarm), or the
target's `stable_watch` runs out. A service whose apply ECS rolled back (it runs another
revision than the one Terraform registered) did not become stable either. For each service that
did not, `diagnosis.stopped_reasons` says why its tasks stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jitsi_ecs.diagnosis import TURN_KEY, Reason, stopped_reasons
from jitsi_ecs.drills import Clock

if TYPE_CHECKING:
    from jitsi_ecs.aws import AwsContext
    from jitsi_ecs.outputs import StackOutputs
    from jitsi_ecs.targets import Watch


@dataclass
class Verdict:
    """How one service ended the wait: stable, failed (a deployment failed or was rolled
    back) or timeout; detail in words, and the reasons its tasks stopped."""

    key: str
    name: str
    state: str
    detail: str = ""
    failing_task_definition: str | None = None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def stable(self) -> bool:
        return self.state == "stable"


def service_keys(outputs: StackOutputs) -> dict[str, str]:
    """Every ECS service of the stack: its name -> its key (service_names, and coturn)."""
    keys = {name: key for key, name in outputs.service_names.items()}
    if outputs.turn_service_name:
        keys[outputs.turn_service_name] = TURN_KEY
    return keys


def _revision(arn: Any) -> str:
    return str(arn or "?").rsplit("/", 1)[-1]


def judge(service: Mapping[str, Any], wanted: str | None = None) -> Verdict | None:
    """The verdict on a described service, or None while it is still rolling out. `wanted`:
    the task definition the apply registered (None: any)."""
    name = str(service.get("serviceName"))
    deployments = list(service.get("deployments", []))
    # A FAILED deployment counts if it is the primary one or deployed the apply's revision (a
    # rollback may be under way); an older one of another revision drains behind a new try.
    failed = next(
        (
            d
            for d in deployments
            if d.get("rolloutState") == "FAILED"
            and (d.get("status") == "PRIMARY" or not wanted or d.get("taskDefinition") == wanted)
        ),
        None,
    )
    if failed is not None:
        return Verdict(
            "",
            name,
            "failed",
            f"deployment {failed.get('id')} of {_revision(failed.get('taskDefinition'))} "
            f"FAILED: {failed.get('rolloutStateReason') or 'no reason given'}",
            str(failed.get("taskDefinition")),
        )
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    if primary is None:
        return None
    state = primary.get("rolloutState")
    done = state == "COMPLETED" or (state is None and len(deployments) == 1)
    desired = int(service.get("desiredCount", 0))
    if not done or int(service.get("runningCount", 0)) != desired:
        return None
    running = str(primary.get("taskDefinition"))
    if wanted and running != wanted:
        return Verdict(
            "",
            name,
            "failed",
            f"ECS rolled back: it runs {_revision(running)}, not {_revision(wanted)} that the "
            f"apply deployed ({primary.get('rolloutStateReason') or 'no reason given'})",
            wanted,
        )
    return Verdict("", name, "stable")


def progress(service: Mapping[str, Any]) -> str:
    """A service's rollout in a few words, for the progress display."""
    deployments = service.get("deployments", [])
    primary: Mapping[str, Any] = next((d for d in deployments if d.get("status") == "PRIMARY"), {})
    failed = max((int(d.get("failedTasks", 0)) for d in service.get("deployments", [])), default=0)
    state = str(primary.get("rolloutState") or "")
    return f"{state} {failed} failed task(s)" if failed else state


def wait_stable(
    aws: AwsContext,
    outputs: StackOutputs,
    watch: Watch,
    clock: Clock | None = None,
    on_poll: Callable[[list[Any]], None] | None = None,
) -> list[Verdict]:
    """Watch every service of the stack until each is stable or failed, or the watch's
    timeout; then diagnose those that are not stable. on_poll gets the described services."""
    clock = clock or Clock()
    keys = service_keys(outputs)
    cluster = outputs.cluster_name
    started = clock.now()
    verdicts: dict[str, Verdict] = {}
    last: dict[str, Any] = {}
    while True:
        pending = [n for n in keys if n not in verdicts]
        described = aws.services(cluster, pending) if pending else []
        found = {str(s["serviceName"]): s for s in described}
        last.update(found)
        for name in pending:
            if name not in found:
                verdicts[name] = Verdict(
                    keys[name], name, "failed", f"service not found in cluster {cluster}"
                )
                continue
            verdict = judge(found[name], outputs.task_definition_arns.get(keys[name]))
            if verdict is not None:
                verdict.key = keys[name]
                verdicts[name] = verdict
        if on_poll is not None:
            on_poll([last[n] for n in keys if n in last])
        if len(verdicts) == len(keys):
            break
        waited = clock.now() - started
        if waited >= watch.timeout_s:
            for name in keys:
                if name not in verdicts:
                    service = last[name]
                    primary: Mapping[str, Any] = next(
                        (d for d in service.get("deployments", []) if d["status"] == "PRIMARY"),
                        {},
                    )
                    verdicts[name] = Verdict(
                        keys[name],
                        name,
                        "timeout",
                        f"not stable after {watch.timeout_s:g} s: "
                        f"{service.get('runningCount', 0)}/{service.get('desiredCount', 0)} "
                        f"running, deployment {primary.get('rolloutState') or '?'}",
                        primary.get("taskDefinition"),
                    )
            break
        clock.sleep(watch.poll_s)
    for verdict in verdicts.values():
        if not verdict.stable and verdict.name in last:
            verdict.reasons = stopped_reasons(
                aws, cluster, verdict.key, last[verdict.name], verdict.failing_task_definition
            )
    return [verdicts[n] for n in keys]
