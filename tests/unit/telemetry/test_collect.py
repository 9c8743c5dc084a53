"""`python -m jitsi_ecs.telemetry --once` and `jitsi-ecs telemetry collect --once` against local
servers shaped like JVB and jicofo: EMF documents valid per spec, values equal to the fixtures,
failures reported as metrics and log lines, exit 0 whatever a source does."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from typer.testing import CliRunner

from jitsi_ecs.cli import app
from jitsi_ecs.telemetry.collector import PUBLISHED
from tests.unit.telemetry.emf_spec import validate
from tests.unit.telemetry.stats_server import JICOFO_JSON, JICOFO_PROM, JVB_JSON, JVB_PROM, serve


def _collect(*args: str) -> tuple[int, list[dict[str, Any]], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "jitsi_ecs.telemetry", "--once", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    docs = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return proc.returncode, docs, proc.stderr


def _by(docs: list[dict[str, Any]], service: str, bridge: str | None = None) -> dict[str, Any]:
    return next(
        d for d in docs if d["Service"] == service and (bridge is None or d.get("Bridge") == bridge)
    )


def test_json_and_prometheus_sources(capfd: pytest.CaptureFixture[str]) -> None:
    with serve(JVB_JSON) as jvb1, serve(JVB_PROM) as jvb2, serve(JICOFO_JSON) as jicofo:
        code, docs, _ = _collect("--jvb", jvb1, "--jvb", jvb2, "--jicofo", jicofo)
    assert code == 0
    assert len(docs) == 4
    for doc in docs:
        assert validate(doc) == [], doc
        assert doc["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Jitsi"
    one = _by(docs, "jvb", jvb1.removeprefix("http://"))
    assert one["Stress"] == 0.124 and one["Conferences"] == 2 and one["Participants"] == 7
    assert one["BitrateDownloadKbps"] == 1843 and one["BitrateUploadKbps"] == 4127
    assert one["IceFailedTotal"] == 3 and one["DtlsFailedTotal"] == 1 and one["SourceUp"] == 1
    # Metrics per service (their number does not grow with bridges); the bridge is a property.
    assert one["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Service"]]
    units = {m["Name"]: m["Unit"] for m in one["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert set(units) == set(PUBLISHED["jvb"])  # only what the alarms and dashboard read
    assert units["BitrateDownloadKbps"] == "Kilobits/Second" and units["Stress"] == "None"
    two = _by(docs, "jvb", jvb2.removeprefix("http://"))
    assert two["Stress"] == 0.871 and two["Conferences"] == 5 and two["Participants"] == 23
    assert two["IceFailedTotal"] == 4 and two["XmppDisconnectsTotal"] == 2
    focus = _by(docs, "jicofo")
    assert (
        focus["Conferences"],
        focus["Participants"],
        focus["Bridges"],
        focus["OperationalBridges"],
    ) == (2, 7, 1, 1)
    assert focus["ParticipantsIceFailedTotal"] == 2
    summary = _by(docs, "summary")
    assert (
        summary["BridgesDiscovered"] == 2 and summary["BridgesUp"] == 2 and summary["JicofoUp"] == 1
    )
    assert summary["CollectionErrors"] == 0 and summary["MaxStress"] == 0.871
    assert summary["TotalUploadKbps"] == one["BitrateUploadKbps"] + two.get("BitrateUploadKbps", 0)
    published = {m["Name"] for m in summary["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert published == {"BridgesUp", "TotalUploadKbps"}


def test_jicofo_prometheus() -> None:
    with serve(JICOFO_PROM) as jicofo:
        code, docs, _ = _collect("--jicofo", jicofo)
    focus = _by(docs, "jicofo")
    assert code == 0 and validate(focus) == []
    assert (focus["Conferences"], focus["Participants"], focus["OperationalBridges"]) == (5, 23, 0)
    assert focus["ParticipantsIceFailedTotal"] == 6


def test_bridge_that_does_not_answer() -> None:
    with serve(JVB_JSON) as good, serve(JICOFO_JSON) as jicofo:
        code, docs, logs = _collect(
            "--jvb", good, "--jvb", "http://127.0.0.1:9", "--jicofo", jicofo
        )
    assert code == 0
    down = _by(docs, "jvb", "127.0.0.1:9")
    # A bridge's own SourceUp is no metric (BridgesUp in the summary is): a plain log line.
    assert down["SourceUp"] == 0 and "Connection refused" in down["Error"] and "_aws" not in down
    assert _by(docs, "summary")["CollectionErrors"] == 1 and _by(docs, "summary")["BridgesUp"] == 1
    assert "telemetry source failed: jvb http://127.0.0.1:9" in logs


def test_malformed_json() -> None:
    broken = {
        "/colibri/stats": (200, "application/json", b'{"conferences": 2,'),
        "/metrics": (500, "text/plain", b"oops"),
    }
    with serve(broken) as jvb:
        code, docs, logs = _collect("--jvb", jvb)
    assert code == 0
    doc = _by(docs, "jvb")
    assert doc["SourceUp"] == 0 and "malformed JSON" in doc["Error"]
    assert "malformed JSON" in logs and _by(docs, "summary")["CollectionErrors"] == 1


def test_dns_with_no_records() -> None:
    with serve(JICOFO_JSON) as jicofo:
        code, docs, logs = _collect(
            "--jvb-dns", "jvb.no-such-namespace.invalid", "--jicofo", jicofo
        )
    assert code == 0
    summary = _by(docs, "summary")
    assert summary["BridgesDiscovered"] == 0 and summary["CollectionErrors"] == 1
    assert "jvb.no-such-namespace.invalid" in summary["DiscoveryError"]
    assert "bridge discovery failed" in logs
    assert validate(summary) == []


def test_cli_contract() -> None:
    with serve(JVB_JSON) as jvb, serve(JICOFO_JSON) as jicofo:
        result = CliRunner().invoke(
            app, ["telemetry", "collect", "--once", "--jvb", jvb, "--jicofo", jicofo]
        )
    assert result.exit_code == 0
    docs = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [d["Service"] for d in docs] == ["jvb", "jicofo", "summary"]
    assert all(validate(d) == [] for d in docs)


def test_validator_catches_bad_documents() -> None:
    assert validate({"x": 1}) == ["root member _aws missing"]
    bad = {
        "_aws": {
            "Timestamp": 1,
            "CloudWatchMetrics": [
                {
                    "Namespace": "Jitsi",
                    "Dimensions": [["Service"]],
                    "Metrics": [{"Name": "A", "Unit": "Widgets"}],
                }
            ],
        }
    }
    assert set(validate(bad)) == {
        "dimension 'Service' must be a string member of the root",
        "A: unit 'Widgets' is not a CloudWatch unit",
        "A: the root must hold a numeric value",
    }
