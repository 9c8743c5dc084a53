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
    published: tuple[str, ...] | None = None,
    properties: dict[str, Any] | None = None,
    timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """An EMF document: the published values become metrics (dimensions: the keys of
    `dimensions`), every value and property stays in the log line. With nothing to publish it
    is a plain JSON log line."""
    names = [n for n in values if published is None or n in published]
    line: dict[str, Any] = {**dimensions, **(properties or {}), **values}
    if not names:
        return line
    line["_aws"] = {
        "Timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        "CloudWatchMetrics": [
            {
                "Namespace": namespace,
                "Dimensions": [list(dimensions)],
                "Metrics": [{"Name": name, "Unit": units.get(name, "None")} for name in names],
            }
        ],
    }
    return line
