"""rotate-secrets on a compact deployment never runs a bridge beside a shard of the other
secrets version (issue 20): for the CLI flow, around its `rotate-secrets --force`.

A task reads its secrets when it starts, so the version a task carries is the JVB password's
SSM version current at its start. While the rotation runs, a recorder lists the shard's and
the bridges' tasks every few tens of milliseconds (on the emulator that is also what moves
their records along); afterwards every moment between two task starts or stops is checked:
the bridges running then (the shard's own and those alone) carry the version of the shard
running then, and never two shards run. The default compact deployment runs no bridge alone,
so one is started for the rotation (as load would) and the count put back afterwards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from jitsi_ecs.aws import AwsContext

T = TypeVar("T")
POLL_S = 0.05


@dataclass
class Task:
    service: str
    arn: str
    started: float
    stopped: float | None = None
    version: int = 0


@dataclass
class Recorder:
    aws: AwsContext
    cluster: str
    services: list[str]
    tasks: dict[str, Task] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None

    def record(self) -> None:
        ecs = self.aws.client("ecs")
        for service in self.services:
            for status in ("RUNNING", "STOPPED"):
                arns = ecs.list_tasks(
                    cluster=self.cluster, serviceName=service, desiredStatus=status
                )["taskArns"]
                for start in range(0, len(arns), 100):
                    described = ecs.describe_tasks(
                        cluster=self.cluster, tasks=arns[start : start + 100]
                    )
                    for t in described["tasks"]:
                        self._keep(service, t)

    def _keep(self, service: str, t: dict[str, Any]) -> None:
        started = _epoch(t.get("startedAt") or t.get("createdAt"))
        stopped = _epoch(t["stoppedAt"]) if t.get("stoppedAt") else None
        known = self.tasks.get(t["taskArn"])
        if known is None:
            self.tasks[t["taskArn"]] = Task(service, t["taskArn"], started, stopped)
        elif stopped is not None:
            known.stopped = stopped

    def loop(self) -> None:
        try:
            while not self.stop.is_set():
                self.record()
                time.sleep(POLL_S)
        except BaseException as exc:  # surfaced by the caller
            self.error = exc


def _epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _versions(aws: AwsContext, parameter: str) -> list[tuple[float, int]]:
    """(time written, version) of every version of the parameter, oldest first."""
    ssm = aws.client("ssm")
    history: list[tuple[float, int]] = []
    for page in ssm.get_paginator("get_parameter_history").paginate(Name=parameter):
        history += [(_epoch(p["LastModifiedDate"]), int(p["Version"])) for p in page["Parameters"]]
    return sorted(history)


def violations(tasks: list[Task], shard: str) -> list[str]:
    """Every moment at which a bridge ran beside a shard of another version, or two shards
    ran; in words."""
    moments = sorted({t.started for t in tasks} | {t.stopped for t in tasks if t.stopped})
    found: list[str] = []
    for at, until in zip(moments, [*moments[1:], None], strict=True):
        probe = at if until is None else (at + until) / 2
        running = [
            t for t in tasks if t.started <= probe and (t.stopped is None or probe < t.stopped)
        ]
        shards = {t.version for t in running if t.service == shard}
        shard_tasks = [t for t in running if t.service == shard]
        bridges = {t.version for t in running if t.service != shard}
        if len(shard_tasks) > 1:
            found.append(f"at {at:.3f}: {len(shard_tasks)} shards ran (versions {sorted(shards)})")
        elif shards and bridges - shards:
            found.append(
                f"at {at:.3f}: bridges of version(s) {sorted(bridges - shards)} ran beside the "
                f"shard of version {sorted(shards)[0]}"
            )
    return found


def rotate_and_check(
    aws: AwsContext,
    rotate: Callable[[], T],
    *,
    cluster: str = "jitsi",
    shard: str = "shard",
    bridges: str = "jvb",
    parameter: str = "/jitsi/jvb_auth_password",
) -> T:
    """Run `rotate` (the flow's `rotate-secrets --force`) with a bridge alone running, record
    the tasks meanwhile, and assert the order; returns what `rotate` returned. Costs the
    rotation's own time plus a second or two."""
    ecs = aws.client("ecs")
    alone = int(
        ecs.describe_services(cluster=cluster, services=[bridges])["services"][0]["desiredCount"]
    )
    if alone == 0:
        ecs.update_service(cluster=cluster, service=bridges, desiredCount=1)
    recorder = Recorder(
        AwsContext(region=aws.region, endpoint_url=aws.endpoint_url), cluster, [shard, bridges]
    )
    recorder.record()
    before = {arn for arn, t in recorder.tasks.items() if t.stopped is None}
    assert {recorder.tasks[a].service for a in before} == {shard, bridges}, recorder.tasks
    since = time.time()  # the emulator's clock: same machine
    thread = threading.Thread(target=recorder.loop, daemon=True)
    thread.start()
    try:
        result = rotate()
    finally:
        recorder.stop.set()
        thread.join(timeout=10)
    assert recorder.error is None, recorder.error
    recorder.record()
    try:
        history = _versions(aws, parameter)
        assert len(history) >= 2, f"{parameter} was not rotated: {history}"
        # Tasks stopped before the rotation (earlier deploys, drills) are not its doing.
        tasks = [t for t in recorder.tasks.values() if t.stopped is None or t.stopped >= since]
        for task in tasks:
            task.version = max((v for at, v in history if at <= task.started), default=0)
        newest = history[-1][1]
        running = [t for t in tasks if t.stopped is None]
        assert {t.service for t in running} == {shard, bridges}, running
        assert {t.version for t in running} == {newest}, running  # every reader restarted
        assert all(t.stopped is not None for t in tasks if t.arn in before)
        bad = violations(tasks, shard)
        assert not bad, (
            "rotate-secrets ran bridges beside a shard of another version:\n" + "\n".join(bad)
        )
    finally:
        if alone == 0:
            ecs.update_service(cluster=cluster, service=bridges, desiredCount=0)
    return result
