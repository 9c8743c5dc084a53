"""cost/levers.py: every lever is a valid config change, and compare() prices each one by a
real plan (faked here), skips those already pulled, reports one another choice rules out as
such instead of crashing the comparison, and always leaves the stack's own variables behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from jitsi_ecs.config import Config, Usage
from jitsi_ecs.cost import levers
from jitsi_ecs.cost.estimate import Estimate, Item
from jitsi_ecs.cost.levers import LEVERS, compare, merged
from jitsi_ecs.cost.prices import price_book
from tests.bad_configs import service

BOOK = price_book("us-west-2")
# A config every lever changes: growth (web tasks of their own) on x86 (Spot), awake always,
# with Container Insights.
X86_GROWTH = Config.model_validate(
    {
        "jitsi": {"layout": "growth", "cpu_architecture": "X86_64"},
        "observability": {"container_insights": True},
    }
)


def test_merged_is_deep_and_leaves_its_input_alone() -> None:
    base = {"jitsi": {"web": {"spot": False, "cpu": 256}, "auth_type": "jwt"}, "name": "x"}
    out = merged(base, {"jitsi": {"web": {"spot": True}}, "name": "y"})
    assert out == {"jitsi": {"web": {"spot": True, "cpu": 256}, "auth_type": "jwt"}, "name": "y"}
    assert base["jitsi"]["web"]["spot"] is False
    assert merged({"jitsi": {"schedule": None}}, {"jitsi": {"schedule": {"days": "*"}}}) == {
        "jitsi": {"schedule": {"days": "*"}}
    }


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.name)
def test_each_lever_is_a_valid_change(lever: levers.Lever) -> None:
    changed = Config.model_validate(merged(X86_GROWTH.model_dump(), lever.change))
    assert changed != X86_GROWTH
    assert lever.what


@dataclass
class FakeTerraform:
    written: list[dict[str, Any]] = field(default_factory=list)
    fail_on: str | None = None

    def write_vars(self, variables: dict[str, Any]) -> None:
        self.written.append(variables)

    def plan(self) -> Any:
        current = self.written[-1]
        if self.fail_on and self.fail_on in repr(current):
            raise RuntimeError("terraform plan failed")
        return SimpleNamespace(json=current)  # the fake "plan" is the variables themselves


def fake_estimate(plan: dict[str, Any], usage: Usage, book: Any) -> Estimate:
    """$100, less what each lever's variables would save."""
    jitsi = plan["jitsi"]
    total = 100.0
    total -= 30 if jitsi["layout"] == "compact" else 0
    total -= 8 if plan["observability"]["container_insights"] is False else 0
    total -= 16 if jitsi["cpu_architecture"] == "ARM64" else 0
    total -= 13 if jitsi["web"]["spot"] else 0
    total -= 64 if jitsi.get("schedule") else 0
    total -= 0.5 if plan["observability"]["log_retention_days"] == 7 else 0
    return Estimate([Item("r", "c", 1, "u", total, total)], [60.0], book.date, book.region)


@dataclass
class FakeStack:
    config: Config
    terraform: FakeTerraform = field(default_factory=FakeTerraform)

    def variables(self, config: Config | None = None) -> dict[str, Any]:
        return (config or self.config).terraform_vars()


@pytest.fixture(autouse=True)
def priced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(levers, "estimate", fake_estimate)


def _rows(config: Config) -> list[tuple[str, float, float]]:
    stack: Any = FakeStack(config)
    rows = compare(stack, BOOK)
    assert stack.terraform.written[-1] == config.terraform_vars()  # left as it was
    return [(r["lever"], r["monthly_total"], r["saving"]) for r in rows]


def test_compare_prices_each_lever_and_restores_the_variables() -> None:
    assert _rows(X86_GROWTH) == [
        ("current config", 100.0, 0.0),
        ("compact", 70.0, 30.0),
        ("container-insights-off", 92.0, 8.0),
        ("arm64", 84.0, 16.0),
        ("web-spot", 87.0, 13.0),
        ("office-hours", 36.0, 64.0),
        ("logs-7-days", 99.5, 0.5),
    ]


def test_the_default_has_arm64_pulled_and_no_spot() -> None:
    # ARM64 is the default: nothing to offer; Fargate Spot has no ARM64: not applicable.
    stack: Any = FakeStack(Config())
    rows = {r["lever"]: r for r in compare(stack, BOOK)}
    assert list(rows) == ["current config", "web-spot", "office-hours", "logs-7-days"]
    assert rows["current config"]["monthly_total"] == 100.0 - 30 - 8 - 16  # compact, no Insights
    assert rows["web-spot"]["saving"] == 0.0
    assert rows["web-spot"]["change"].startswith("not applicable: Fargate Spot runs x86")
    assert rows["office-hours"]["saving"] == 64.0


def test_a_lever_ruled_out_by_the_config_is_reported_not_applicable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def priced(stack: Any, config: Config, book: Any) -> Estimate:
        total = 100.0 - (20 if config.jitsi.schedule else 0) - (5 if config.jitsi.web.spot else 0)
        return _fixed(total)

    monkeypatch.setattr(levers, "estimate_config", priced)
    config = Config(jitsi={"cpu_architecture": "X86_64"}, services={"api": service(spot=True)})
    stack: Any = FakeStack(config)
    rows = {r["lever"]: r for r in levers.compare(stack, price_book("us-west-2"))}
    assert rows["arm64"]["saving"] == 0.0
    assert rows["arm64"]["change"].startswith("not applicable: services: spot needs")
    assert rows["office-hours"]["saving"] == 20.0 and rows["web-spot"]["saving"] == 5.0


def _fixed(total: float) -> Estimate:
    class Fixed(Estimate):
        @property
        def monthly_total(self) -> float:
            return total

    return Fixed([], [], "2026-01-01", "us-west-2")


def test_the_variables_are_restored_when_a_lever_s_plan_fails() -> None:
    stack: Any = FakeStack(X86_GROWTH, FakeTerraform(fail_on="MON-FRI"))
    with pytest.raises(RuntimeError):
        compare(stack, BOOK)
    assert stack.terraform.written[-1] == X86_GROWTH.terraform_vars()
