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
    kind: str, base: str, dimensions: dict[str, str], namespace: str
) -> tuple[dict[str, Any], Reading | None]:
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
                properties={"Error": str(exc)},
            ), None
    values = {**reading.values, "SourceUp": 1.0}
    units = {**reading.units, "SourceUp": "Count"}
    return document(
        dimensions, values, units, namespace, extra_dimension_sets=[["Service"]]
    ), reading


def collect(
    jvb_urls: list[str],
    jicofo_url: str | None,
    namespace: str = NAMESPACE,
    discovery_error: str | None = None,
) -> list[dict[str, Any]]:
    """One EMF document per bridge, one for jicofo, one health summary."""
    docs: list[dict[str, Any]] = []
    with _span("telemetry.collect", **{"jitsi.bridges": len(jvb_urls)}):
        stresses, bridges_up, errors = [], 0, 0
        if discovery_error:
            errors += 1
            log.warning("bridge discovery failed: %s", discovery_error)
        for base in jvb_urls:
            doc, reading = _source(
                "jvb", base, {"Service": "jvb", "Bridge": urlparse(base).netloc or base}, namespace
            )
            docs.append(doc)
            if reading is None:
                errors += 1
                continue
            bridges_up += 1
            if "Stress" in reading.values:
                stresses.append(reading.values["Stress"])
        jicofo_up = 0.0
        if jicofo_url:
            doc, reading = _source("jicofo", jicofo_url, {"Service": "jicofo"}, namespace)
            docs.append(doc)
            jicofo_up = 1.0 if reading is not None else 0.0
            errors += 0 if reading is not None else 1
        summary = {
            "BridgesDiscovered": float(len(jvb_urls)),
            "BridgesUp": float(bridges_up),
            "JicofoUp": jicofo_up,
            "CollectionErrors": float(errors),
        }
        if stresses:
            summary["MaxStress"] = max(stresses)
        units = {k: ("None" if k == "MaxStress" else "Count") for k in summary}
        props = {"DiscoveryError": discovery_error} if discovery_error else None
        docs.append(document({"Service": "summary"}, summary, units, namespace, properties=props))
        log.info(
            "telemetry collected: %d bridge(s) up of %d, jicofo up=%s, %d error(s)",
            bridges_up,
            len(jvb_urls),
            bool(jicofo_up),
            errors,
        )
    return docs
