"""Every Jitsi metric something reads (alarms, dashboard, autoscaling, verify, status, the
signaling guard) is one the collector publishes: PUBLISHED is the allowlist, and a metric
outside it never reaches CloudWatch, so whatever reads it would wait for nothing."""

from __future__ import annotations

import re
from pathlib import Path

from jitsi_ecs.telemetry.collector import PUBLISHED
from jitsi_ecs.workspace import infra_source

SRC = Path(__file__).resolve().parents[3] / "src" / "jitsi_ecs"

# (metric, Service dimension) as each reader writes it.
PATTERNS = {
    # dashboard widgets: [var.metric_namespace, "Stress", "Service", "jvb"]
    "tf_widget": re.compile(r'\[var\.metric_namespace, "(\w+)", "Service", "(\w+)"\]'),
    # alarm tables: metric = "Stress" ... service = "jvb"
    "tf_table": re.compile(r'metric\s*=\s*"(\w+)"\s*\n\s*service\s*=\s*"(\w+)"'),
    # single alarms: metric_name = "X" # ... \n dimensions = { Service = "summary" }
    "tf_alarm": re.compile(
        r'metric_name\s*=\s*"(\w+)"[^\n]*\n\s*dimensions\s*=\s*\{ Service = "(\w+)" \}'
    ),
    # autoscaling: metric_name = "Stress" dimensions { name = "Service" value = "jvb" }
    "tf_scaling": re.compile(
        r'metric_name\s*=\s*"(\w+)"\s*dimensions\s*\{\s*name\s*=\s*"Service"\s*value\s*=\s*"(\w+)"'
    ),
    # Python: aws.latest(namespace, "Conferences", {"Service": "jicofo"} ...)
    "py_latest": re.compile(r'latest\(\s*[^,]+,\s*"(\w+)",\s*\{"Service": "(\w+)"\}'),
}


def _reads() -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for path in sorted((infra_source() / "modules").rglob("*.tf")):
        text = path.read_text()
        for kind in ("tf_widget", "tf_table", "tf_alarm", "tf_scaling"):
            for metric, service in PATTERNS[kind].findall(text):
                found.add((metric, service, path.name))
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text()
        for metric, service in PATTERNS["py_latest"].findall(text):
            found.add((metric, service, path.name))
    return found


def test_every_metric_read_is_published() -> None:
    reads = _reads()
    # The readers this test must see (so that a pattern that stops matching fails here).
    names = {(m, s) for m, s, _ in reads}
    for expected in [
        ("Stress", "jvb"),  # alarm, dashboard, autoscaling
        ("OperationalBridges", "jicofo"),  # alarm, dashboard, verify
        ("SourceUp", "jicofo"),  # alarm, verify
        ("TotalUploadKbps", "summary"),  # egress alarm, dashboard
        ("Conferences", "jicofo"),  # dashboard, guard
    ]:
        assert expected in names, f"{expected} is no longer found: update the patterns"
    unpublished = sorted(r for r in reads if r[0] not in PUBLISHED.get(r[1], ()))
    assert unpublished == [], f"read but never published (metric, service, file): {unpublished}"


def test_status_reads_only_published_jicofo_metrics() -> None:
    # live.jitsi_now reads a list of jicofo metrics in a loop.
    text = (SRC / "live.py").read_text()
    loop = re.search(r"for metric, key in \(([\s\S]*?)\):", text)
    assert loop is not None
    metrics = re.findall(r'\("(\w+)", "\w+"\)', loop.group(1))
    assert metrics and set(metrics) <= set(PUBLISHED["jicofo"]), metrics
