"""verify's reports: the table, the JSON contract and JUnit XML."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console

from jitsi_ecs.verify import as_json
from jitsi_ecs.verify.report import print_table, write_junit
from jitsi_ecs.verify.result import Check, compare, missing, skip

RESULTS = [
    compare("edge.tls-policy", "TLS13", "TLS13", "TLS 1.2 minimum"),
    compare("alarm.elb-5xx", {"threshold": 5.0}, {"threshold": 50.0}, "alarm drifted"),
    missing("budget.20", {"limit": "20.00"}, "budget for $20"),
    skip("telemetry.function", "telemetry.enabled = false in the config"),
]


def _table(results: list[Check]) -> str:
    console = Console(file=io.StringIO(), record=True, width=200, color_system=None)
    print_table(console, results)
    return console.export_text()


def test_table_shows_what_failed_and_counts() -> None:
    text = _table(RESULTS)
    assert "1 passed, 2 failed, 1 skipped" in text
    assert 'expected {"threshold": 5.0}' in text and 'observed {"threshold": 50.0}' in text
    assert "alarm drifted" in text
    assert "observed null" in text and "budget for $20 not found" in text
    assert "telemetry.enabled = false in the config" in text
    # A pass shows its detail only.
    assert "expected TLS13" not in text and "TLS 1.2 minimum" in text


def test_table_shortens_long_values() -> None:
    long = {"alarms": [f"jitsi-alarm-{i}" for i in range(20)]}
    text = _table([compare("service.web.deployment-alarms", long, None)])
    line = next(x for x in text.splitlines() if "expected {" in x)
    assert "..." in line and "jitsi-alarm-19" not in line


def test_json_contract() -> None:
    report = json.loads(json.dumps(as_json(RESULTS)))
    assert report == {
        "checks": [
            {
                "id": "edge.tls-policy",
                "status": "pass",
                "expected": "TLS13",
                "observed": "TLS13",
                "detail": "TLS 1.2 minimum",
            },
            {
                "id": "alarm.elb-5xx",
                "status": "fail",
                "expected": {"threshold": 5.0},
                "observed": {"threshold": 50.0},
                "detail": "alarm drifted",
            },
            {
                "id": "budget.20",
                "status": "fail",
                "expected": {"limit": "20.00"},
                "observed": None,
                "detail": "budget for $20 not found",
            },
            {
                "id": "telemetry.function",
                "status": "skip",
                "expected": None,
                "observed": None,
                "detail": "telemetry.enabled = false in the config",
            },
        ],
        "summary": {"pass": 1, "fail": 2, "skip": 1},
    }


def test_junit(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "ci" / "verify.xml"  # parents are created
    write_junit(path, [*RESULTS, compare("dashboard", ["A"], ["B"])])
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    (suite,) = list(root)
    assert suite.attrib == {
        "name": "jitsi-ecs verify",
        "tests": "5",
        "failures": "3",
        "skipped": "1",
    }
    cases = {c.attrib["name"]: c for c in suite}
    assert cases["edge.tls-policy"].attrib["classname"] == "edge"
    assert list(cases["edge.tls-policy"]) == []
    failure = cases["alarm.elb-5xx"].find("failure")
    assert failure is not None and failure.attrib["message"] == "alarm drifted"
    assert failure.text == 'expected: {"threshold": 5.0}\nobserved: {"threshold": 50.0}'
    no_detail = cases["dashboard"].find("failure")
    assert no_detail is not None and no_detail.attrib["message"] == "expected != observed"
    skipped = cases["telemetry.function"].find("skipped")
    assert skipped is not None
    assert skipped.attrib["message"] == "telemetry.enabled = false in the config"
