from __future__ import annotations

import pytest

from jitsi_ecs.commands.up import budget_gate
from jitsi_ecs.cost.estimate import Estimate, Item
from jitsi_ecs.errors import JitsiEcsError


def _estimate(monthly: float) -> Estimate:
    return Estimate(
        [Item("r", "c", 1, "u", monthly, monthly)], [5, 10, 60], "2026-11-26", "us-west-2"
    )


def test_aws_refuses_a_plan_above_the_highest_budget() -> None:
    with pytest.raises(JitsiEcsError, match=r"above the highest budget \(\$60\)") as info:
        budget_gate(_estimate(61), "aws", accept_cost=False)
    assert "--accept-cost" in (info.value.hint or "")


def test_accept_cost_and_local_go_on() -> None:
    budget_gate(_estimate(61), "aws", accept_cost=True)
    budget_gate(_estimate(500), "local", accept_cost=False)
    budget_gate(_estimate(59), "aws", accept_cost=False)
