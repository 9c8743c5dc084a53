"""`down` stops the emulator emulator.json names only when that pid is ours (issue 21)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jitsi_ecs.emulator import manager
from jitsi_ecs.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace.for_target("local", tmp_path).open()


def _spawn(*args: str) -> subprocess.Popen[bytes]:
    # Sleeps with the given arguments on its command line (python -c keeps them in argv).
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", *args])
    # Until the child has exec'd, /proc shows the parent's command line (pytest's): on a
    # loaded machine the check below could read it first.
    deadline = time.monotonic() + 30
    cmdline = Path(f"/proc/{proc.pid}/cmdline")
    while b"time.sleep(60)" not in cmdline.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.01)
    return proc


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        proc.kill()
        proc.wait()


def _record(ws: Workspace, pid: int, port: int) -> None:
    ws.emulator_file.write_text(json.dumps({"pid": pid, "port": port}))


def _still_running(proc: subprocess.Popen[bytes]) -> bool:
    time.sleep(0.3)
    return proc.poll() is None


def test_a_pid_that_is_not_our_emulator_is_never_killed(
    ws: Workspace, procs: list[subprocess.Popen[bytes]]
) -> None:
    other = _spawn("unrelated")
    procs.append(other)
    _record(ws, other.pid, 4566)
    assert manager.running(ws) is None
    assert manager.stop(ws) is False
    assert _still_running(other)
    assert not ws.emulator_file.exists()  # the stale record goes


def test_our_emulator_on_another_port_is_not_the_recorded_one(
    ws: Workspace, procs: list[subprocess.Popen[bytes]]
) -> None:
    other = _spawn("-m", manager.SERVER_MODULE, "--port", "4567")
    procs.append(other)
    _record(ws, other.pid, 4566)
    assert manager.stop(ws) is False
    assert _still_running(other)


def test_the_recorded_emulator_is_stopped(
    ws: Workspace, procs: list[subprocess.Popen[bytes]]
) -> None:
    ours = _spawn("-m", manager.SERVER_MODULE, "--host", manager.HOST, "--port", "4566")
    procs.append(ours)
    _record(ws, ours.pid, 4566)
    assert manager.is_our_emulator(ours.pid, 4566)
    assert manager.stop(ws) is True
    ours.wait(timeout=10)
    assert ours.returncode is not None
