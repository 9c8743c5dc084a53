"""cost/report.py: the printed estimate and where it stands against the budgets."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from jitsi_ecs.cost.estimate import Estimate, Item
from jitsi_ecs.cost.report import print_budgets, print_estimate

ITEMS = [
    Item(
        'module.jitsi.aws_ecs_service.this["web"]',
        "Fargate vCPU",
        2190.0,
        "vCPU-hours",
        0.04048,
        88.65,
    ),
    Item("module.edge.aws_lb.this", "ALB hours", 730.0, "hours", 0.0225, 16.43),
    Item(
        'module.jitsi.aws_ecs_service.this["jvb"]',
        "media egress",
        120.0,
        "GB",
        0.09,
        10.8,
        "60 meetings x 4 people",
    ),
    Item(
        "module.observability.aws_cloudwatch_log_group.this",
        "log ingestion",
        1.0,
        "GB",
        0.5,
        0.5,
        "60 meetings x 4 people",
    ),
]


def _text(est: Estimate, budgets_only: bool = False) -> str:
    console = Console(file=io.StringIO(), record=True, width=200, color_system=None)
    (print_budgets if budgets_only else print_estimate)(console, est)
    return console.export_text()


def test_estimate_table() -> None:
    est = Estimate(ITEMS, [5.0, 10.0, 200.0], "2025-06-01", "us-west-2")
    text = _text(est)
    assert "Monthly cost estimate (us-west-2, prices of 2025-06-01)" in text
    lines = text.splitlines()
    rows = [line for line in lines if "│" in line and "component" not in line]
    # Most expensive first, "module." dropped from addresses, quantities with units.
    assert "Fargate vCPU" in rows[0] and 'jitsi.aws_ecs_service.this["web"]' in rows[0]
    assert "module.jitsi" not in text
    assert "2,190.00 vCPU-hours" in rows[0] and "88.65" in rows[0]
    assert "log ingestion" in rows[-1]
    assert "Total: $116.38 per month" in text
    assert "Crosses the $5, $10 budget(s)." in text
    # Each assumption once, in the order the items came, under the table.
    assert text.count("60 meetings x 4 people") == 1
    assert text.endswith("Assumptions:\n  - 60 meetings x 4 people\n")


@pytest.mark.parametrize(
    ("budgets", "line"),
    [
        ([], "No budgets planned."),
        ([200.0, 500.0], "Within every budget (lowest $200)."),
        ([5.0, 60.0], "Above every budget (highest $60)."),
        ([5.0, 10.0, 116.38, 117.0], "Crosses the $5, $10 budget(s)."),
        ([7.5, 1000.0], "Crosses the $7.5 budget(s)."),
    ],
)
def test_budget_line(budgets: list[float], line: str) -> None:
    est = Estimate(ITEMS, budgets, "2025-06-01", "us-west-2")
    assert _text(est, budgets_only=True).strip() == line
