"""cost/levers.py: every lever is a valid config change, and compare() prices each one, skips
those already pulled and always leaves the stack's own variables behind."""

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

BOOK = price_book("us-west-2")


def test_merged_is_deep_and_leaves_its_input_alone() -> None:
    base = {"jitsi": {"web": {"spot": False, "cpu": 256}, "auth_type": "jwt"}, "name": "x"}
    out = merged(base, {"jitsi": {"web": {"spot": True}}, "name": "y"})
    assert out == {"jitsi": {"web": {"spot": True, "cpu": 256}, "auth_type": "jwt"}, "name": "y"}
    assert base["jitsi"]["web"]["spot"] is False
    assert merged({"jitsi": {"schedule": None}}, {"jitsi": {"schedule": {"days": "*"}}}) == {
        "jitsi": {"schedule": {"days": "*"}}
    }


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.name)
def test_each_lever_is_a_valid_change_of_the_default(lever: levers.Lever) -> None:
    changed = Config.model_validate(merged(Config().model_dump(), lever.change))
    assert changed != Config()
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


def test_compare_prices_each_lever_and_restores_the_variables() -> None:
    stack = FakeStack(Config())
    rows = compare(stack, BOOK)
    assert [(r["lever"], r["monthly_total"], r["saving"]) for r in rows] == [
        ("current config", 100.0, 0.0),
        ("arm64", 84.0, 16.0),
        ("web-spot", 87.0, 13.0),
        ("office-hours", 36.0, 64.0),
        ("logs-7-days", 99.5, 0.5),
    ]
    assert stack.terraform.written[-1] == Config().terraform_vars()


def test_a_lever_already_pulled_is_not_offered() -> None:
    stack = FakeStack(Config.model_validate({"jitsi": {"cpu_architecture": "ARM64"}}))
    rows = compare(stack, BOOK)
    assert "arm64" not in [r["lever"] for r in rows]
    assert rows[0]["monthly_total"] == 84.0


def test_the_variables_are_restored_when_a_lever_s_plan_fails() -> None:
    stack = FakeStack(Config(), FakeTerraform(fail_on="MON-FRI"))
    with pytest.raises(RuntimeError):
        compare(stack, BOOK)
    assert stack.terraform.written[-1] == Config().terraform_vars()
