from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from jitsi_ecs.emulator.server import serialised


def test_requests_are_handled_one_at_a_time() -> None:
    inside = 0
    overlap = False

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        nonlocal inside, overlap
        inside += 1
        overlap = overlap or inside > 1
        time.sleep(0.01)
        inside -= 1
        return [b"ok"]

    handler = serialised(app)
    threads = [threading.Thread(target=handler, args=({}, None)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not overlap
    assert handler({}, None) == [b"ok"]


def test_sigterm_ends_the_server_without_teardown_and_keeps_its_log(tmp_path: Path) -> None:
    marker = tmp_path / "teardown-ran"
    log = tmp_path / "emulator.log"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # atexit handlers run in a normal interpreter exit only, as moto's teardown does
    code = (
        "import atexit, pathlib, sys\n"
        f"atexit.register(lambda: pathlib.Path({str(marker)!r}).write_text('x'))\n"
        "from jitsi_ecs.emulator.server import main\n"
        f"main(['--port', '{port}'])\n"
    )
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not marker.exists()
    assert "GET /moto-api/ -> 200 OK" in log.read_text()
