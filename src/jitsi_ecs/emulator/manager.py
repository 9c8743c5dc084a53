"""Start, find and stop the embedded moto server for the local target.

The server outlives a single command (up, verify, status, env all talk to it) and is
stopped by `down`. Its pid and port live in .jitsi-ecs/local/emulator.json.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from jitsi_ecs.errors import EmulatorError
from jitsi_ecs.workspace import Workspace, write_private

HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Emulator:
    pid: int
    port: int
    fresh: bool = False  # started by this call: it holds no resources yet

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


SERVER_MODULE = "jitsi_ecs.emulator.server"


def _command_line(pid: int) -> list[str]:
    """The process's arguments (Linux /proc, else `ps`); [] when it cannot be read."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        return [arg.decode(errors="replace") for arg in raw.split(b"\0") if arg]
    except OSError:
        pass
    try:
        out = subprocess.run(
            ["ps", "-o", "command=", "-p", str(pid)],
            capture_output=True,
            text=True,
            check=False,
            timeout=5,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return out.split()


def is_our_emulator(pid: int, port: int) -> bool:
    """Whether pid runs this package's emulator on port (its command line says both): the pid
    in emulator.json may have been reused by any process since, or the file may be edited."""
    args = _command_line(pid)
    if SERVER_MODULE not in args:
        return False
    return any(a == "--port" and b == str(port) for a, b in itertools.pairwise(args))


def _recorded(ws: Workspace) -> Emulator | None:
    try:
        data = json.loads(ws.emulator_file.read_text())
        return Emulator(pid=int(data["pid"]), port=int(data["port"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def running(ws: Workspace) -> Emulator | None:
    """The emulator recorded for this workspace, if it is ours, alive and answering."""
    emulator = _recorded(ws)
    if emulator is None:
        return None
    if (
        _alive(emulator.pid)
        and is_our_emulator(emulator.pid, emulator.port)
        and _answers(emulator.endpoint)
    ):
        return emulator
    return None


def ensure_running(ws: Workspace) -> Emulator:
    existing = running(ws)
    if existing:
        return existing
    ws.open()
    port = _free_port()
    log_path = ws.new_log("emulator")
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                SERVER_MODULE,
                "--host",
                HOST,
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # survives this command; Ctrl-C here does not kill it
        )
    emulator = Emulator(pid=proc.pid, port=port, fresh=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise EmulatorError(
                f"the local AWS emulator exited at start (code {proc.returncode})",
                log_path=str(log_path),
            )
        if _answers(emulator.endpoint):
            write_private(ws.emulator_file, json.dumps({"pid": proc.pid, "port": port}))
            return emulator
        time.sleep(0.2)
    proc.kill()
    raise EmulatorError(
        f"the local AWS emulator did not answer on port {port} within {START_TIMEOUT_S:.0f} s",
        log_path=str(log_path),
    )


def stop(ws: Workspace) -> bool:
    """Stop the recorded emulator; True if one was running. A pid that is not our emulator on
    the recorded port (reused, or the file edited) is left alone and only the record goes."""
    recorded = _recorded(ws)
    ws.emulator_file.unlink(missing_ok=True)
    if recorded is None:
        return False
    pid = recorded.pid
    if not _alive(pid) or not is_our_emulator(pid, recorded.port):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
        with contextlib.suppress(ChildProcessError):  # reap it if it is our child (tests)
            os.waitpid(pid, os.WNOHANG)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    return True
