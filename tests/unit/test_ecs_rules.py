from __future__ import annotations

import pytest

from jitsi_ecs.ecs_rules import circuit_breaker_threshold


@pytest.mark.parametrize(
    ("desired", "threshold"),
    [(1, 3), (3, 3), (6, 3), (7, 4), (10, 5), (100, 50), (399, 200), (400, 200), (1000, 200)],
)
def test_circuit_breaker_threshold(desired: int, threshold: int) -> None:
    # max(3, min(200, ceil(desired / 2))): 3 for the plan's 3 tasks, not 2
    assert circuit_breaker_threshold(desired) == threshold
