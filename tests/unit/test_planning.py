"""planning.planned: one plan when the egress threshold is current; else a second plan, which
skips the refresh only when the first found nothing changed outside Terraform."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from jitsi_ecs import planning
from jitsi_ecs.config import Config
from jitsi_ecs.terraform import Plan, PlanSummary

EMPTY = PlanSummary(0, 0, 0, [])


@dataclass
class FakeTerraform:
    plans: list[dict[str, Any]]
    refreshes: list[bool] = field(default_factory=list)
    written: list[dict[str, Any]] = field(default_factory=list)

    @contextmanager
    def planned(self, *, refresh: bool = True) -> Iterator[Plan]:
        self.refreshes.append(refresh)
        yield Plan(EMPTY, self.plans[len(self.refreshes) - 1])

    def write_vars(self, variables: dict[str, Any]) -> None:
        self.written.append(variables)


@dataclass
class FakeStack:
    terraform: FakeTerraform
    egress_alarm_kbps: int | None
    config: Config = field(default_factory=Config)

    def variables(self) -> dict[str, Any]:
        return {"egress_alarm_kbps": self.egress_alarm_kbps}


@pytest.fixture(autouse=True)
def threshold_1200(monkeypatch: pytest.MonkeyPatch) -> None:
    """The estimate's threshold is 1200 kbit/s whatever the plan (its rules have tests of
    their own); these tests are about the planning rounds."""
    monkeypatch.setattr(planning, "estimate", lambda plan, usage, book: plan.get("label"))
    monkeypatch.setattr(planning, "egress_alarm_kbps", lambda est, usage, book: 1200)


def _plan_with(stack: FakeStack) -> tuple[Any, list[bool]]:
    with planning.planned(stack) as (_, est):  # type: ignore[arg-type]
        return est, stack.terraform.refreshes


def test_current_threshold_plans_once() -> None:
    stack = FakeStack(FakeTerraform([{"label": "first"}]), egress_alarm_kbps=1200)
    assert _plan_with(stack) == ("first", [True])
    assert stack.terraform.written == []


def test_new_threshold_replans_without_refresh_when_nothing_drifted() -> None:
    tf = FakeTerraform([{"label": "first", "resource_drift": []}, {"label": "second"}])
    stack = FakeStack(tf, egress_alarm_kbps=None)
    assert _plan_with(stack) == ("second", [True, False])
    assert tf.written == [{"egress_alarm_kbps": 1200}]


def test_new_threshold_replans_with_refresh_after_drift() -> None:
    drift = [{"address": "module.edge.aws_lb.this", "change": {"actions": ["update"]}}]
    tf = FakeTerraform([{"label": "first", "resource_drift": drift}, {"label": "second"}])
    stack = FakeStack(tf, egress_alarm_kbps=900)
    assert _plan_with(stack) == ("second", [True, True])


def test_the_alarm_s_own_cost_moving_the_threshold_settles_in_a_third_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first plan has no egress alarm; past the free alarm metrics the second (with it)
    costs more, so its threshold differs: a third plan settles, and a replan is then clean."""
    thresholds = {"first": 1210, "second": 1200, "third": 1200}
    monkeypatch.setattr(planning, "egress_alarm_kbps", lambda est, usage, book: thresholds[est])
    plans = [{"label": "first", "resource_drift": []}, {"label": "second"}, {"label": "third"}]
    tf = FakeTerraform(plans)
    stack = FakeStack(tf, egress_alarm_kbps=None)
    assert _plan_with(stack) == ("third", [True, False, False])
    assert tf.written == [{"egress_alarm_kbps": 1210}, {"egress_alarm_kbps": 1200}]
    assert stack.egress_alarm_kbps == 1200
    # The next plan (a replan after apply) finds its threshold current: one plan, nothing written.
    again = FakeStack(FakeTerraform([{"label": "third"}]), egress_alarm_kbps=1200)
    assert _plan_with(again) == ("third", [True]) and again.terraform.written == []


def test_a_threshold_that_keeps_moving_stops_after_the_third_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    thresholds = {"first": 1, "second": 2, "third": 3}
    monkeypatch.setattr(planning, "egress_alarm_kbps", lambda est, usage, book: thresholds[est])
    plans = [{"label": "first", "resource_drift": []}, {"label": "second"}, {"label": "third"}]
    stack = FakeStack(FakeTerraform(plans), egress_alarm_kbps=None)
    assert _plan_with(stack) == ("third", [True, False, False])
