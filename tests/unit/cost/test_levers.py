"""Cost levers: each is a config change priced by a real plan (faked here), and a lever another
choice rules out is reported as such instead of crashing the comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.cost import levers
from jitsi_ecs.cost.estimate import Estimate
from jitsi_ecs.cost.prices import price_book
from tests.bad_configs import service


@dataclass
class FakeTerraform:
    written: list[Any] = field(default_factory=list)

    def write_vars(self, variables: Any) -> None:
        self.written.append(variables)


@dataclass
class FakeStack:
    config: Config
    terraform: FakeTerraform = field(default_factory=FakeTerraform)

    def variables(self, config: Config | None = None) -> Config:
        return config or self.config


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
