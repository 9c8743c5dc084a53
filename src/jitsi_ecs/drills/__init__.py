"""Drills prove the safety nets on a live deployment: a bad release rolls back by itself, and
every alarm reaches its SNS topic. The same code runs against AWS and the emulator."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Clock:
    """Time and sleep, injectable so tests can drive a drill without waiting."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


@dataclass
class DrillResult:
    drill: str
    passed: bool = False
    steps: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float | None] = field(default_factory=dict)
    _start: float = field(default=0.0, repr=False)
    _clock: Clock = field(default_factory=Clock, repr=False)
    on_step: Callable[[dict[str, Any]], None] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._start = self._clock.now()

    def elapsed(self) -> float:
        return round(self._clock.now() - self._start, 2)

    def step(self, name: str, ok: bool, detail: str = "") -> None:
        entry = {
            "step": name,
            "status": "ok" if ok else "fail",
            "detail": detail,
            "at_s": self.elapsed(),
        }
        self.steps.append(entry)
        if self.on_step:
            self.on_step(entry)

    def as_json(self) -> dict[str, Any]:
        return {
            "drill": self.drill,
            "passed": self.passed,
            "steps": self.steps,
            "timings": self.timings,
        }
