"""Replacing the signaling task ends every meeting: look before doing it.

prosody + jicofo run once per shard; a new task definition for the service that runs them
(any change to it, in the compact layout also a web change) stops that task and starts another:
1-3 minutes in which every conference ends. Before `up` or `rotate-secrets` does that while
meetings are running (Jitsi telemetry: jicofo's Conferences), it stops and says how many;
--force goes ahead, --wait-empty waits until no conference is running. Where the stack cannot
tell (telemetry off, or no recent data), it says so and asks (the target decides how).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from jitsi_ecs.errors import UsageError
from jitsi_ecs.outputs import SIGNALING
from jitsi_ecs.stack import Stack
from jitsi_ecs.ui import err

POLL_S = 30.0


def replaces_signaling(plan: dict[str, Any]) -> bool:
    """Does the plan put a new task definition in place of a running signaling one?"""
    for change in plan.get("resource_changes", []):
        if change.get("type") != "aws_ecs_task_definition":
            continue
        actions = change.get("change", {}).get("actions", [])
        before = change.get("change", {}).get("before")
        if "create" not in actions or not before:
            continue  # unchanged, or created for the first time: nothing running is cut
        containers = json.loads(before.get("container_definitions") or "[]")
        if any(c.get("name") == SIGNALING for c in containers):
            return True
    return False


def running_conferences(stack: Stack) -> float | None:
    """jicofo's latest conference count (None: no telemetry in the last 5 minutes)."""
    latest = stack.aws.latest(
        stack.config.observability.metric_namespace, "Conferences", {"Service": "jicofo"}, 5
    )
    return None if latest is None else latest[0]


def guard_signaling(
    stack: Stack,
    *,
    force: bool,
    wait_empty: timedelta | None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.monotonic,
) -> None:
    """Return when the signaling task may be replaced now; raise when it may not."""
    if force:
        err.print("[yellow]--force:[/] replacing the signaling task ends any running meeting.")
        return
    if not stack.config.telemetry.enabled:
        stack.target.confirm_disruption(
            "This replaces the signaling task (prosody + jicofo), which ends every meeting for "
            "1-3 minutes, and with telemetry off the stack cannot tell whether any is running."
        )
        return
    deadline = now() + (wait_empty.total_seconds() if wait_empty else 0)
    while True:
        conferences = running_conferences(stack)
        if conferences is None:
            stack.target.confirm_disruption(
                "This replaces the signaling task (prosody + jicofo), which ends every meeting "
                "for 1-3 minutes, and there is no recent telemetry to tell whether any is running."
            )
            return
        if conferences == 0:
            return
        if wait_empty is None or now() >= deadline:
            break
        err.print(f"{conferences:g} conference(s) running; waiting for them to end...")
        sleep(POLL_S)
    waited = f" after waiting {wait_empty}" if wait_empty else ""
    raise UsageError(
        f"{conferences:g} conference(s) are running{waited}: replacing the signaling task "
        "(prosody + jicofo) would end them all",
        hint="Run it in a quiet window, wait with --wait-empty [DURATION] (e.g. 2h), or pass "
        "--force to end the meetings now.",
    )
