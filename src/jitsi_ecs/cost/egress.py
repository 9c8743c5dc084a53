"""The media-egress alarm's threshold, from the estimate.

Media egress is the cost that grows with use, and AWS Budgets sees it a day late. What the top
budget leaves after the fixed costs, plus the free tier, is this month's egress allowance;
spread over this month's meeting hours (the [usage] assumptions), it is the upload rate the
bridges may sustain while meetings run. The telemetry alarm fires when the bridges' total upload,
averaged over an hour, is above it: at that rate the month's meetings would spend more than the
budget leaves.
"""

from __future__ import annotations

from jitsi_ecs.config import Usage
from jitsi_ecs.cost.estimate import Estimate
from jitsi_ecs.cost.prices import PriceBook

EGRESS_PRICE = "data_out_gb"
KBIT_PER_GB = 8e6  # 1e9 bytes x 8 bits / 1000


def egress_alarm_kbps(est: Estimate, usage: Usage, book: PriceBook) -> int | None:
    """kbit/s the bridges may send on average while meetings run; None without budgets."""
    if not est.budgets:
        return None
    egress = sum(i.monthly for i in est.items if i.price_key == EGRESS_PRICE)
    fixed = est.monthly_total - egress
    price = book[EGRESS_PRICE]
    allowance_gb = max(est.budgets[-1] - fixed, 0.0) / price.price + price.free
    meeting_hours = usage.meetings_per_month * usage.meeting_hours or book.hours_per_month
    return max(1, round(allowance_gb * KBIT_PER_GB / (meeting_hours * 3600)))
