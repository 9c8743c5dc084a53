"""CHANGELOG.md and the package agree: its newest version is pyproject's (the one
`jitsi-ecs --version` prints), versions go down the file, each has a date and a link."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_the_newest_changelog_version_is_the_package_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    versions = [version for version, _ in HEADING.findall(changelog)]
    assert versions, "CHANGELOG.md has no '## [X.Y.Z] - YYYY-MM-DD' heading"
    assert versions[0] == pyproject["project"]["version"]
    assert versions == sorted(versions, key=_version_key, reverse=True)
    for version in versions:
        assert re.search(rf"^\[{re.escape(version)}\]: \S+$", changelog, re.MULTILINE), version
