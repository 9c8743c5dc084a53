"""Collect once from every bridge and the focus; emit EMF documents and a health summary.

A source that fails (no answer, malformed JSON, no DNS records) becomes a metric
(SourceUp = 0, CollectionErrors) and a log line; collection always goes on. When an
OpenTelemetry SDK is loaded (the ADOT Python distro under `opentelemetry-instrument`), each
collection is a span with one child per source; logs go through the standard logging module.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

from jitsi_ecs.telemetry.emf import NAMESPACE, document
from jitsi_ecs.telemetry.sources import JICOFO_METRICS, JVB_METRICS, Reading, SourceError, read

log = logging.getLogger("jitsi_ecs.telemetry")

try:  # optional: present when run under the ADOT distro
    from opentelemetry.trace import get_tracer

    _tracer: Any = get_tracer("jitsi_ecs.telemetry")
except ImportError:  # pragma: no cover - exercised where OpenTelemetry is absent
    _tracer = None

STATS_PATHS = {"jvb": ("/colibri/stats", "/metrics"), "jicofo": ("/stats", "/metrics")}

# The metrics CloudWatch keeps, and bills ($0.30 each a month past the free ten): the ones the
# alarms and the dashboard read (infra/modules/telemetry, infra/modules/observability). They
# are published per service, not per bridge, so their number does not grow with the bridges;
# every other reading, and which bridge said what, stays in the log line. The cost estimate
# counts them from here.
PUBLISHED: dict[str, tuple[str, ...]] = {
    "jvb": ("Stress", "BitrateUploadKbps", "BitrateDownloadKbps", "IceFailedTotal"),
    "jicofo": (
        "Conferences",
        "Participants",
        "OperationalBridges",
        "ParticipantsIceFailedTotal",
        "SourceUp",
    ),
    "summary": ("BridgesUp", "TotalUploadKbps"),
}


def published_metric_count() -> int:
    return sum(len(names) for names in PUBLISHED.values())


@contextlib.contextmanager
def _span(name: str, **attributes: Any) -> Iterator[Any]:
    if _tracer is None:
        yield None
        return
    with _tracer.start_as_current_span(name, attributes=attributes) as span:
        yield span


def _candidates(base: str, kind: str) -> list[str]:
    """The stats URLs to try for a base URL (a full stats path is used as given)."""
    path = urlparse(base).path.rstrip("/")
    if path in STATS_PATHS[kind]:
        return [base]
    return [base.rstrip("/") + p for p in STATS_PATHS[kind]]


def _read_any(base: str, kind: str) -> Reading:
    table = JVB_METRICS if kind == "jvb" else JICOFO_METRICS
    errors = []
    for url in _candidates(base, kind):
        try:
            return read(url, table)
        except SourceError as exc:
            errors.append(str(exc))
    raise SourceError("; ".join(errors))


def discover_bridges(dns_name: str, port: int) -> list[str]:
    """Base URLs of every bridge behind a Cloud Map name (one A record per task)."""
    try:
        infos = socket.getaddrinfo(dns_name, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise SourceError(f"DNS {dns_name}: {exc}") from None
    return sorted({f"http://{info[4][0]}:{port}" for info in infos})


def _source(
    kind: str, base: str, namespace: str, properties: dict[str, Any] | None = None
) -> tuple[dict[str, Any], Reading | None]:
    dimensions = {"Service": kind}
    with _span(f"collect {kind}", **{"jitsi.source": base}) as span:
        try:
            reading = _read_any(base, kind)
        except SourceError as exc:
            log.warning("telemetry source failed: %s %s: %s", kind, base, exc)
            if span is not None:
                span.set_attribute("error", True)
            return document(
                dimensions,
                {"SourceUp": 0.0},
                {"SourceUp": "Count"},
                namespace,
                published=PUBLISHED[kind],
                properties={**(properties or {}), "Error": str(exc)},
            ), None
    values = {**reading.values, "SourceUp": 1.0}
    units = {**reading.units, "SourceUp": "Count"}
    doc = document(
        dimensions, values, units, namespace, published=PUBLISHED[kind], properties=properties
    )
    return doc, reading


def collect(
    jvb_urls: list[str],
    jicofo_url: str | None,
    namespace: str = NAMESPACE,
    discovery_error: str | None = None,
) -> list[dict[str, Any]]:
    """One EMF document per bridge, one for jicofo, one health summary."""
    docs: list[dict[str, Any]] = []
    with _span("telemetry.collect", **{"jitsi.bridges": len(jvb_urls)}):
        stresses, bridges_up, errors, upload = [], 0, 0, 0.0
        if discovery_error:
            errors += 1
            log.warning("bridge discovery failed: %s", discovery_error)
        for base in jvb_urls:
            doc, reading = _source(
                "jvb", base, namespace, {"Bridge": urlparse(base).netloc or base}
            )
            docs.append(doc)
            if reading is None:
                errors += 1
                continue
            bridges_up += 1
            if "Stress" in reading.values:
                stresses.append(reading.values["Stress"])
            upload += reading.values.get("BitrateUploadKbps", 0.0)
        jicofo_up = 0.0
        if jicofo_url:
            doc, reading = _source("jicofo", jicofo_url, namespace)
            docs.append(doc)
            jicofo_up = 1.0 if reading is not None else 0.0
            errors += 0 if reading is not None else 1
        summary = {
            "BridgesDiscovered": float(len(jvb_urls)),
            "BridgesUp": float(bridges_up),
            "JicofoUp": jicofo_up,
            "CollectionErrors": float(errors),
            # All bridges' upload together: what media egress costs (the egress alarm).
            "TotalUploadKbps": upload,
        }
        if stresses:
            summary["MaxStress"] = max(stresses)
        units = {k: ("None" if k == "MaxStress" else "Count") for k in summary}
        units["TotalUploadKbps"] = "Kilobits/Second"
        props = {"DiscoveryError": discovery_error} if discovery_error else None
        docs.append(
            document(
                {"Service": "summary"},
                summary,
                units,
                namespace,
                published=PUBLISHED["summary"],
                properties=props,
            )
        )
        log.info(
            "telemetry collected: %d bridge(s) up of %d, jicofo up=%s, %d error(s)",
            bridges_up,
            len(jvb_urls),
            bool(jicofo_up),
            errors,
        )
    return docs
