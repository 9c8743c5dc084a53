"""Documented ECS behaviour the tool relies on (Amazon ECS developer guide)."""

from __future__ import annotations

import math


def circuit_breaker_threshold(desired: int) -> int:
    """Failed tasks that trip the circuit breaker: max(3, min(200, ceil(desired / 2)))."""
    return max(3, min(200, math.ceil(desired / 2)))


# The longest a Fargate container may take to stop after SIGTERM (ContainerDefinition
# stopTimeout: at most 120 s on Fargate); then SIGKILL.
FARGATE_MAX_STOP_TIMEOUT = 120
