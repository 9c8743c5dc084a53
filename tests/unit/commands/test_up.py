"""up.apply_plan: the cost gate, the signaling guard and the target's question come before
the apply, in that order, and nothing is applied when any of them says no."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from jitsi_ecs.commands import up
from jitsi_ecs.cost.estimate import Estimate, Item
from jitsi_ecs.errors import UsageError
from jitsi_ecs.terraform import Plan, PlanSummary

CHANGES = PlanSummary(2, 1, 0, [("create", "a"), ("create", "b"), ("update", "c")])
NO_CHANGES = PlanSummary(0, 0, 0, [])
EST = Estimate([Item("r", "c", 1, "u", 54.36, 54.36)], [5, 10, 20, 40, 60], "d", "us-west-2")


@dataclass
class Calls:
    made: list[str] = field(default_factory=list)
    refuse: str | None = None  # the step that says no

    def step(self, name: str) -> None:
        self.made.append(name)
        if name == self.refuse:
            raise UsageError(f"{name} said no")


@dataclass
class FakeTarget:
    calls: Calls

    def cost_gate(self, est: Estimate, accept_cost: bool) -> None:
        self.calls.step("cost_gate")

    def confirm_apply(self, summary: PlanSummary) -> None:
        self.calls.step("confirm")


@dataclass
class FakeTerraform:
    calls: Calls
    log_path: Path = Path("up.log")

    def apply(self, progress: Any = None) -> None:
        self.calls.step("apply")


@dataclass
class FakeStack:
    target: FakeTarget
    terraform: FakeTerraform


def _run(
    monkeypatch: pytest.MonkeyPatch,
    summary: PlanSummary,
    *,
    replaces: bool,
    refuse: str | None = None,
) -> list[str]:
    calls = Calls(refuse=refuse)

    @contextmanager
    def planned(stack: Any) -> Iterator[tuple[Plan, Estimate]]:
        calls.step("plan")
        yield Plan(summary, {"resource_changes": []}), EST

    monkeypatch.setattr(up, "planned", planned)
    monkeypatch.setattr(up, "replaces_signaling", lambda plan: replaces)
    monkeypatch.setattr(up, "guard_signaling", lambda stack, **_: calls.step("guard"))
    stack: Any = FakeStack(FakeTarget(calls), FakeTerraform(calls))
    with suppress(UsageError):
        up.apply_plan(stack, accept_cost=False, force=False, wait_empty=None)
    return calls.made


def test_gate_guard_question_then_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _run(monkeypatch, CHANGES, replaces=True)
    assert made == ["plan", "cost_gate", "guard", "confirm", "apply"]


def test_the_guard_runs_only_when_signaling_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(monkeypatch, CHANGES, replaces=False) == ["plan", "cost_gate", "confirm", "apply"]


@pytest.mark.parametrize("refuse", ["cost_gate", "guard", "confirm"])
def test_nothing_is_applied_when_a_step_says_no(
    monkeypatch: pytest.MonkeyPatch, refuse: str
) -> None:
    made = _run(monkeypatch, CHANGES, replaces=True, refuse=refuse)
    assert made[-1] == refuse and "apply" not in made


def test_an_empty_plan_asks_nothing_and_applies_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cost gate still runs: an unchanged stack over budget is still over budget.
    assert _run(monkeypatch, NO_CHANGES, replaces=False) == ["plan", "cost_gate"]


@pytest.mark.parametrize(
    ("stable", "verify_code", "expected"), [(True, 0, 0), (True, 1, 1), (False, 0, 1)]
)
def test_up_fails_when_a_service_is_not_stable_and_still_verifies(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stable: bool,
    verify_code: int,
    expected: int,
) -> None:
    from jitsi_ecs.diagnosis import Reason
    from jitsi_ecs.steady import Verdict

    made: list[str] = []
    verdicts = [
        Verdict("shard", "jitsi-shard", "stable"),
        Verdict(
            "jvb",
            "jitsi-jvb",
            "stable" if stable else "failed",
            "deployment ecs-svc/1 of jitsi-jvb:2 FAILED: circuit breaker",
            reasons=[
                Reason("OutOfMemoryError: killed", "out-of-memory", "raise jitsi.jvb.memory", 3)
            ],
        ),
    ]
    monkeypatch.setattr(up, "prepared", lambda g, command, **_: made.append("prepare") or "stack")
    monkeypatch.setattr(up, "apply_plan", lambda stack, **_: made.append("apply"))
    monkeypatch.setattr(up, "wait_for_services", lambda stack: made.append("wait") or verdicts)
    monkeypatch.setattr(up, "verify_stack", lambda stack: made.append("verify") or [])
    monkeypatch.setattr(up, "report", lambda *_: verify_code)
    assert up.run(Any) == expected  # type: ignore[arg-type]
    assert made == ["prepare", "apply", "wait", "verify"]
    text = " ".join(capsys.readouterr().err.split())
    if stable:
        assert "did not become stable" not in text
    else:
        assert "Service jitsi-jvb did not become stable: deployment ecs-svc/1" in text
        assert "3 task(s): OutOfMemoryError: killed -> raise jitsi.jvb.memory" in text
        assert "error: 1 service(s) did not become stable: jitsi-jvb" in text
