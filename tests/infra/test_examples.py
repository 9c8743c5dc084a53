"""The GitHub Actions example passes actionlint (with shellcheck on its `run:` scripts) and
zizmor, offline, with nothing to report; each tool is first shown to report a broken
workflow, so a silent or missing tool fails instead of passing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "github-actions"
WORKFLOWS = sorted(EXAMPLE.glob("*.yml"))
# The dev extras install these into the environment running the tests: look there first.
TOOL_PATH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

BROKEN = """\
on: pull_request
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}" $UNQUOTED
"""


def _tool(name: str) -> str:
    found = shutil.which(name, path=TOOL_PATH)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]' brings it")
    return found


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": TOOL_PATH, "NO_COLOR": "1"},
        check=False,
    )


def _actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    _tool("shellcheck")  # actionlint checks `run:` scripts only when shellcheck is on PATH
    return _run(_tool("actionlint"), "-no-color", str(path))


def _zizmor(path: Path) -> subprocess.CompletedProcess[str]:
    # --offline: no GitHub API (the online audits need a token and the network); the default
    # persona; --no-ignores so an inline `zizmor: ignore` cannot hide a finding.
    return _run(_tool("zizmor"), "--offline", "--no-ignores", "--format", "plain", str(path))


def test_there_is_a_workflow() -> None:
    assert [w.name for w in WORKFLOWS] == ["deploy.yml"]


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workflows") / "broken.yml"
    path.write_text(BROKEN)
    return path


def test_actionlint_reports_a_broken_workflow(broken: Path) -> None:
    result = _actionlint(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "SC2086" in result.stdout, result.stdout  # shellcheck ran on the `run:` script


def test_zizmor_reports_a_broken_workflow(broken: Path) -> None:
    result = _zizmor(broken)
    assert result.returncode != 0, result.stdout + result.stderr
    for audit in ("template-injection", "unpinned-uses", "artipacked"):
        assert audit in result.stdout, result.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_finds_nothing(workflow: Path) -> None:
    result = _actionlint(workflow)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_zizmor_finds_nothing(workflow: Path) -> None:
    result = _zizmor(workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout, result.stdout + result.stderr


USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.MULTILINE)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(workflow: Path) -> None:
    uses = USES.findall(workflow.read_text())
    assert uses, "no action found"
    for ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), f"{ref}: no version comment"
