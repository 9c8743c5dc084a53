"""Verify results as a table, JSON or JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from jitsi_ecs.verify import summary
from jitsi_ecs.verify.result import Check

_STYLE = {"pass": "green", "fail": "bold red", "skip": "yellow"}


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= 90 else text[:87] + "..."


def print_table(console: Console, results: list[Check]) -> None:
    table = Table(title="jitsi-ecs verify", show_lines=False)
    table.add_column("status")
    table.add_column("check")
    table.add_column("expected / observed / detail", overflow="fold")
    for r in results:
        if r.status in ("pass", "skip"):
            info = r.detail
        else:
            info = f"expected {_short(r.expected)}\nobserved {_short(r.observed)}"
            info += f"\n{r.detail}" if r.detail else ""
        table.add_row(f"[{_STYLE[r.status]}]{r.status}[/]", r.id, info)
    console.print(table)
    counts = summary(results)
    console.print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")


def write_junit(path: Path, results: list[Check]) -> None:
    counts = summary(results)
    suite = ET.Element(
        "testsuite",
        name="jitsi-ecs verify",
        tests=str(len(results)),
        failures=str(counts["fail"]),
        skipped=str(counts["skip"]),
    )
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=r.id.split(".")[0], name=r.id)
        if r.status == "fail":
            failure = ET.SubElement(case, "failure", message=r.detail or "expected != observed")
            failure.text = f"expected: {json.dumps(r.expected)}\nobserved: {json.dumps(r.observed)}"
        elif r.status == "skip":
            ET.SubElement(case, "skipped", message=r.detail)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
