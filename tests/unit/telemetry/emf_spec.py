"""Validation of a document against the CloudWatch Embedded Metric Format specification."""

from __future__ import annotations

from typing import Any

# MetricDatum units accepted by CloudWatch.
UNITS = {
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
}


def validate(doc: dict[str, Any]) -> list[str]:
    """Problems with doc as an EMF document (empty when valid)."""
    problems = []
    meta = doc.get("_aws")
    if not isinstance(meta, dict):
        return ["root member _aws missing"]
    if not isinstance(meta.get("Timestamp"), int) or meta["Timestamp"] <= 0:
        problems.append("_aws.Timestamp must be a positive integer (ms since epoch)")
    directives = meta.get("CloudWatchMetrics")
    if not isinstance(directives, list) or not directives:
        return [*problems, "_aws.CloudWatchMetrics must be a non-empty array"]
    for directive in directives:
        namespace = directive.get("Namespace")
        if not isinstance(namespace, str) or not namespace:
            problems.append("Namespace must be a non-empty string")
        dimension_sets = directive.get("Dimensions")
        if not isinstance(dimension_sets, list):
            problems.append("Dimensions must be an array of dimension sets")
            dimension_sets = []
        for dims in dimension_sets:
            if not isinstance(dims, list) or len(dims) > 30:
                problems.append(f"dimension set {dims!r} must be an array of at most 30 names")
                continue
            for name in dims:
                if not isinstance(doc.get(name), str):
                    problems.append(f"dimension {name!r} must be a string member of the root")
        metrics = directive.get("Metrics")
        if not isinstance(metrics, list) or not 1 <= len(metrics) <= 100:
            problems.append("Metrics must be an array of 1-100 metric definitions")
            metrics = []
        for metric in metrics:
            name = metric.get("Name")
            if not isinstance(name, str) or not name:
                problems.append("every metric needs a Name")
                continue
            if metric.get("Unit", "None") not in UNITS:
                problems.append(f"{name}: unit {metric.get('Unit')!r} is not a CloudWatch unit")
            value = doc.get(name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(f"{name}: the root must hold a numeric value")
    return problems
