"""CloudWatch Embedded Metric Format documents (one JSON object per line on stdout)."""

from __future__ import annotations

import time
from typing import Any

NAMESPACE = "Jitsi"


def document(
    dimensions: dict[str, str],
    values: dict[str, float],
    units: dict[str, str],
    namespace: str = NAMESPACE,
    extra_dimension_sets: list[list[str]] | None = None,
    properties: dict[str, Any] | None = None,
    timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """An EMF document: metrics under _aws.CloudWatchMetrics, values and dimensions at the root."""
    dimension_sets = [list(dimensions)] + (extra_dimension_sets or [])
    return {
        "_aws": {
            "Timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": dimension_sets,
                    "Metrics": [{"Name": name, "Unit": units.get(name, "None")} for name in values],
                }
            ],
        },
        **dimensions,
        **(properties or {}),
        **values,
    }
