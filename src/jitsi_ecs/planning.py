"""Plan and price in one step, as `plan`, `up` and `cost` do.

The media-egress alarm's threshold follows from the estimate (cost/egress.py), and the
estimate from the plan: when the threshold the stack has differs from the one the new
estimate gives, the variables are updated and the stack planned once more, so what is shown
(and applied) is consistent. A threshold's value does not change the cost, but the alarm's
existence does once the account's free alarm metrics are used up: the plan without the alarm
(its first) prices one metric less. So when the second plan's estimate moves the threshold
again, a third plan settles it (its alarm exists in both).

The first plan reads every resource (refresh). When it found nothing changed outside
Terraform, the stored state is what a refresh would give, so the second plan skips reading
them all again: on a real account that refresh is most of a plan's time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from jitsi_ecs.cost.egress import egress_alarm_kbps
from jitsi_ecs.cost.estimate import Estimate, estimate
from jitsi_ecs.cost.prices import price_book
from jitsi_ecs.stack import Stack
from jitsi_ecs.terraform import Plan


@contextmanager
def planned(stack: Stack) -> Iterator[tuple[Plan, Estimate]]:
    """The plan (saved for apply inside the block) and its estimate."""
    config = stack.config
    book = price_book(config.region)
    with stack.terraform.planned() as plan:
        est = estimate(plan.json, config.usage, book)
        wanted = egress_alarm_kbps(est, config.usage, book) if config.telemetry.enabled else None
        if wanted == stack.egress_alarm_kbps:
            yield plan, est
            return
        drifted = bool(plan.json.get("resource_drift"))
    for last in (False, True):
        stack.egress_alarm_kbps = wanted
        stack.terraform.write_vars(stack.variables())
        with stack.terraform.planned(refresh=drifted) as plan:
            est = estimate(plan.json, config.usage, book)
            again = egress_alarm_kbps(est, config.usage, book) if wanted is not None else None
            if last or again == wanted:
                yield plan, est
                return
        wanted = again
