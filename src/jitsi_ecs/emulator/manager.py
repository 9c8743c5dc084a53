"""Start, find and stop the embedded moto server for the local target.

The server outlives a single command (up, verify, status, env all talk to it) and is
stopped by `down`. Its pid and port live in .jitsi-ecs/local/emulator.json.
"""

from __future__ import annotations

import contextlib
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


def running(ws: Workspace) -> Emulator | None:
    """The emulator recorded for this workspace, if it is alive and answering."""
    try:
        data = json.loads(ws.emulator_file.read_text())
        emulator = Emulator(pid=int(data["pid"]), port=int(data["port"]))
    except (OSError, ValueError, KeyError):
        return None
    if _alive(emulator.pid) and _answers(emulator.endpoint):
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
                "jitsi_ecs.emulator.server",
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
    """Stop the recorded emulator; True if one was running."""
    try:
        pid = int(json.loads(ws.emulator_file.read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return False
    ws.emulator_file.unlink(missing_ok=True)
    if not _alive(pid):
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
