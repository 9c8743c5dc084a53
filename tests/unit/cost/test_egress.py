"""The media-egress alarm's threshold: what the top budget leaves after the fixed costs, plus
the free tier, spread over the month's meeting hours as an upload rate."""

from __future__ import annotations

from jitsi_ecs.config import Usage
from jitsi_ecs.cost.egress import egress_alarm_kbps
from jitsi_ecs.cost.estimate import Estimate, Item
from jitsi_ecs.cost.prices import Price, PriceBook

BOOK = PriceBook(
    region="us-west-2",
    date="2026-01-01",
    hours_per_month=730.0,
    prices={"data_out_gb": Price("data_out_gb", 0.09, "GB", free=100.0)},
)


def _estimate(fixed: float, egress: float, budgets: list[float]) -> Estimate:
    items = [
        Item("module.edge.aws_lb.this", "ALB hours", 730, "hour", 0.0225, fixed),
        Item("data transfer out", "Media egress", 0, "GB", 0.09, egress, price_key="data_out_gb"),
    ]
    return Estimate(items, budgets, "2026-01-01", "us-west-2")


def test_threshold_is_the_budget_left_after_fixed_costs_as_a_rate() -> None:
    usage = Usage(meetings_per_month=60, meeting_hours=1.0)
    # $60 - $40 fixed = $20 -> 222.2 GB, + 100 GB free = 322.2 GB over 60 meeting hours.
    kbps = egress_alarm_kbps(_estimate(40.0, 5.58, [5, 20, 60]), usage, BOOK)
    assert kbps == round((20 / 0.09 + 100) * 8e6 / (60 * 3600))  # 11934 kbit/s
    # The egress already estimated is not a fixed cost: a different usage estimate does not move it.
    assert egress_alarm_kbps(_estimate(40.0, 50.0, [5, 20, 60]), usage, BOOK) == kbps


def test_fixed_costs_above_the_top_budget_leave_the_free_tier_only() -> None:
    usage = Usage(meetings_per_month=60, meeting_hours=1.0)
    kbps = egress_alarm_kbps(_estimate(75.0, 0.0, [60]), usage, BOOK)
    assert kbps == round(100 * 8e6 / (60 * 3600))


def test_no_budgets_no_alarm_and_no_meetings_spreads_over_the_month() -> None:
    usage = Usage(meetings_per_month=0, meeting_hours=1.0)
    assert egress_alarm_kbps(_estimate(40.0, 0.0, []), usage, BOOK) is None
    assert egress_alarm_kbps(_estimate(40.0, 0.0, [60]), usage, BOOK) == round(
        (20 / 0.09 + 100) * 8e6 / (730 * 3600)
    )
