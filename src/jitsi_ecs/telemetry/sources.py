"""Read JVB and jicofo statistics: their JSON stats endpoints or their Prometheus /metrics.

Field names are the ones the Jitsi sources publish (jitsi-videobridge
VideobridgeStatisticsShim and VideobridgeMetrics, namespace jitsi_jvb; jicofo FocusManager
stats, BridgeSelector and ConferenceMetrics, namespace jitsi_jicofo).
"""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT_S = 3.0
# The images' private REST ports (their defaults; infra/modules/jitsi's rest_ports says the same
# for Terraform, and `verify` checks the deployed security groups against these).
JVB_PORT = 8080  # JVB: /colibri/stats, /about/health, the shutdown API
JICOFO_PORT = 8888  # jicofo: /stats, /about/version

# CloudWatch metric -> (JSON path in /colibri/stats, Prometheus name(s) in /metrics, unit)
JVB_METRICS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "Stress": ("stress_level", ("jitsi_jvb_stress",), "None"),
    "Conferences": ("conferences", ("jitsi_jvb_conferences",), "Count"),
    "Participants": ("endpoints", ("jitsi_jvb_local_endpoints",), "Count"),
    "BitrateDownloadKbps": ("bit_rate_download", (), "Kilobits/Second"),
    "BitrateUploadKbps": ("bit_rate_upload", (), "Kilobits/Second"),
    "IceFailedTotal": (
        "total_ice_failed",
        ("jitsi_jvb_endpoints_ice_failed_total", "jitsi_jvb_endpoints_ice_failed"),
        "Count",
    ),
    "DtlsFailedTotal": (
        "dtls_failed_endpoints",
        ("jitsi_jvb_endpoints_dtls_failed_total", "jitsi_jvb_endpoints_dtls_failed"),
        "Count",
    ),
    "XmppDisconnectsTotal": (
        "",
        ("jitsi_jvb_xmpp_disconnects_total", "jitsi_jvb_xmpp_disconnects"),
        "Count",
    ),
}
JICOFO_METRICS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "Conferences": ("conferences", ("jitsi_jicofo_conferences",), "Count"),
    "Participants": ("participants", ("jitsi_jicofo_participants_current",), "Count"),
    "Bridges": (
        "bridge_selector.bridge_count",
        ("jitsi_jicofo_bridge_selector_bridge_count",),
        "Count",
    ),
    "OperationalBridges": (
        "bridge_selector.operational_bridge_count",
        ("jitsi_jicofo_bridge_selector_bridge_count_operational",),
        "Count",
    ),
    "ParticipantsIceFailedTotal": (
        "participant_notifications.ice_failed",
        ("jitsi_jicofo_participants_ice_failed_total", "jitsi_jicofo_participants_ice_failed"),
        "Count",
    ),
}

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([-+0-9.eEInfa]+)")


class SourceError(Exception):
    """A stats endpoint did not answer, or answered something unreadable."""


@dataclass(frozen=True)
class Reading:
    values: dict[str, float]
    units: dict[str, str]
    url: str


def fetch(url: str) -> tuple[str, str]:
    """(content type, body) of url, or SourceError."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp:
            return resp.headers.get("Content-Type", ""), resp.read().decode("utf-8", "replace")
    except (OSError, ValueError) as exc:
        raise SourceError(f"{url}: {exc}") from None


def parse_prometheus(text: str) -> dict[str, float]:
    """Unlabelled samples (and the first labelled one) of a Prometheus text exposition."""
    samples: dict[str, float] = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line.strip())
        if match and not line.startswith("#"):
            try:
                samples.setdefault(match.group(1), float(match.group(3)))
            except ValueError:
                continue
    return samples


def _path(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def read(url: str, table: dict[str, tuple[str, tuple[str, ...], str]]) -> Reading:
    """Read url (JSON stats or Prometheus text) into the metrics of table."""
    content_type, body = fetch(url)
    values: dict[str, float] = {}
    if "json" in content_type or body.lstrip().startswith("{"):
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise SourceError(f"{url}: malformed JSON: {exc}") from None
        if not isinstance(data, dict):
            raise SourceError(f"{url}: expected a JSON object")
        for metric, (path, _, _) in table.items():
            value = _path(data, path) if path else None
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            values[metric] = float(value)
    else:
        samples = parse_prometheus(body)
        if not samples:
            raise SourceError(f"{url}: neither JSON stats nor Prometheus metrics")
        for metric, (_, names, _) in table.items():
            for name in names:
                if name in samples:
                    values[metric] = samples[name]
                    break
    return Reading(values, {m: table[m][2] for m in values}, url)
