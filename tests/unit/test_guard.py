"""The signaling guard: a plan that replaces prosody's task waits for empty rooms or --force."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.errors import UsageError
from jitsi_ecs.guard import guard_signaling, replaces_signaling


def _task_change(actions: list[str], containers: list[str] | None) -> dict[str, Any]:
    before = (
        None
        if containers is None
        else {"container_definitions": json.dumps([{"name": c} for c in containers])}
    )
    return {"type": "aws_ecs_task_definition", "change": {"actions": actions, "before": before}}


def test_only_a_new_revision_of_a_running_signaling_task_counts() -> None:
    replace = ["delete", "create"]
    assert replaces_signaling({"resource_changes": [_task_change(replace, ["prosody", "jicofo"])]})
    assert replaces_signaling(
        {"resource_changes": [_task_change(replace, ["web", "prosody", "jicofo", "jvb"])]}
    )
    assert not replaces_signaling({"resource_changes": [_task_change(replace, ["web"])]})
    assert not replaces_signaling({"resource_changes": [_task_change(["create"], None)]})
    assert not replaces_signaling({"resource_changes": [_task_change(["no-op"], ["prosody"])]})


class _FakeTarget:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def confirm_disruption(self, what: str) -> None:
        self.asked.append(what)


class _FakeAws:
    def __init__(self, readings: list[float | None]) -> None:
        self.readings = readings

    def latest(self, *_: Any) -> tuple[float, Any] | None:
        value = self.readings.pop(0) if len(self.readings) > 1 else self.readings[0]
        return None if value is None else (value, "now")


class _FakeStack:
    def __init__(self, readings: list[float | None], telemetry: bool = True) -> None:
        self.config = Config(telemetry={"enabled": telemetry})
        self.aws = _FakeAws(readings)
        self.target = _FakeTarget()


def test_running_meetings_stop_it_and_say_how_many() -> None:
    with pytest.raises(UsageError, match=r"3 conference\(s\) are running") as info:
        guard_signaling(_FakeStack([3.0]), force=False, wait_empty=None)  # type: ignore[arg-type]
    assert "--wait-empty" in (info.value.hint or "") and "--force" in (info.value.hint or "")


def test_force_and_empty_rooms_go_on_without_asking() -> None:
    stack = _FakeStack([3.0])
    guard_signaling(stack, force=True, wait_empty=None)  # type: ignore[arg-type]
    quiet = _FakeStack([0.0])
    guard_signaling(quiet, force=False, wait_empty=None)  # type: ignore[arg-type]
    assert stack.target.asked == quiet.target.asked == []


def test_wait_empty_polls_until_the_rooms_empty() -> None:
    clock = [0.0]
    stack = _FakeStack([2.0, 1.0, 0.0])

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    guard_signaling(
        stack,  # type: ignore[arg-type]
        force=False,
        wait_empty=timedelta(hours=1),
        sleep=sleep,
        now=lambda: clock[0],
    )
    assert clock[0] == 60.0  # two polls of 30 s


def test_wait_empty_gives_up_after_its_duration() -> None:
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    with pytest.raises(UsageError, match="after waiting 0:02:00"):
        guard_signaling(
            _FakeStack([4.0]),  # type: ignore[arg-type]
            force=False,
            wait_empty=timedelta(minutes=2),
            sleep=sleep,
            now=lambda: clock[0],
        )


def test_when_the_stack_cannot_tell_it_says_so_and_asks() -> None:
    no_telemetry = _FakeStack([5.0], telemetry=False)
    guard_signaling(no_telemetry, force=False, wait_empty=None)  # type: ignore[arg-type]
    assert "telemetry off" in no_telemetry.target.asked[0]
    no_data = _FakeStack([None])
    guard_signaling(no_data, force=False, wait_empty=None)  # type: ignore[arg-type]
    assert "no recent telemetry" in no_data.target.asked[0]
