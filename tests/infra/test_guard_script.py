"""The bridge's guard (infra/modules/jitsi/guard.sh), run for real with sh and bash and curl
against a fake bridge (/colibri/stats, /colibri/shutdown) and a fake ECS agent
(task-protection/v1/state): the protection calls it makes, what it does on SIGTERM, and in the
compact shard (GUARD_SHARD=1) how it stops at once and heals an unhealthy bridge in place."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INFRA

SCRIPT = INFRA / "modules" / "jitsi" / "guard.sh"
STATS_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "telemetry"


@dataclass
class Fake:
    """A fake bridge and a fake ECS agent on one local port, recording what they are asked."""

    conferences: int | None = 0  # None: the bridge does not answer
    pretty: bool = True  # the JSON as JVB prints it (one key a line) or on one line
    protected: bool = False
    healthy: bool = True  # /about/health: 200, or 500 (no public address, for example)
    calls: list[tuple[str, str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def protection_calls(self) -> list[Any]:
        with self.lock:
            return [body for method, path, body in self.calls if method == "PUT"]

    def shutdown_calls(self) -> list[Any]:
        with self.lock:
            return [body for _m, path, body in self.calls if path == "/colibri/shutdown"]

    def stats(self) -> bytes:
        stats = json.loads((STATS_FIXTURE / "jvb-colibri-stats.json").read_text())
        stats["conferences"] = self.conferences
        return json.dumps(stats, indent=2 if self.pretty else None).encode()


@contextmanager
def serve(fake: Fake) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _record(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            with fake.lock:
                fake.calls.append((self.command, self.path, body))
            return body

        def do_GET(self) -> None:
            self._record()
            if self.path == "/colibri/stats":
                if fake.conferences is None:
                    self._answer(503, b"{}")
                else:
                    self._answer(200, fake.stats())
            elif self.path == "/about/health":
                self._answer(200 if fake.healthy else 500, b"{}")
            elif self.path == "/agent/task-protection/v1/state":
                state = {"protection": {"ProtectionEnabled": fake.protected, "TaskArn": "t"}}
                self._answer(200, json.dumps(state).encode())
            else:
                self._answer(404, b"{}")

        def do_PUT(self) -> None:
            body = self._record()
            if self.path == "/agent/task-protection/v1/state":
                fake.protected = bool(body["ProtectionEnabled"])
                self._answer(200, json.dumps({"protection": body}).encode())
            else:
                self._answer(404, b"{}")

        def do_POST(self) -> None:
            self._record()
            self._answer(200 if self.path == "/colibri/shutdown" else 404, b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {what}")


@contextmanager
def guard(shell: str, base: str, **env: str) -> Iterator[subprocess.Popen[str]]:
    """The script as ECS runs it: `<shell> -c <script>`, as PID 1 of its own process group."""
    if shutil.which(shell) is None or shutil.which("curl") is None:
        pytest.fail(f"{shell} and curl are needed to run the guard script")
    environment = {
        "PATH": os.environ["PATH"],
        "ECS_AGENT_URI": f"{base}/agent",
        "JVB_URL": base,
        "GUARD_POLL_SECONDS": "0.1",
        "GUARD_PROTECTION_MINUTES": "10",
        "GUARD_RENEW_SECONDS": "2",
        "GUARD_STOP_SECONDS": "5",
        **env,
    }
    process = subprocess.Popen(
        [shell, "-c", SCRIPT.read_text()],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


SHELLS = ["sh", "bash"]


@pytest.mark.parametrize("shell", SHELLS)
def test_protects_while_conferences_run_renews_and_releases(shell: str) -> None:
    fake = Fake(conferences=0)
    with serve(fake) as base, guard(shell, base) as process:
        until(lambda: sum(p == "/colibri/stats" for _m, p, _b in fake.calls) >= 5, "polls")
        assert fake.protection_calls() == [], "no conference: no protection call"

        fake.conferences = 2
        until(lambda: len(fake.protection_calls()) >= 1, "protection on")
        assert fake.protection_calls()[0] == {"ProtectionEnabled": True, "ExpiresInMinutes": 10}

        # Renewed (every GUARD_RENEW_SECONDS), not re-sent on every poll.
        polls_before = sum(p == "/colibri/stats" for _m, p, _b in fake.calls)
        until(lambda: len(fake.protection_calls()) >= 2, "renewal", timeout=5)
        polls_after = sum(p == "/colibri/stats" for _m, p, _b in fake.calls)
        assert polls_after - polls_before >= 3
        assert fake.protection_calls()[1] == {"ProtectionEnabled": True, "ExpiresInMinutes": 10}

        fake.pretty = False  # JVB's JSON on one line reads the same
        fake.conferences = 0
        until(lambda: fake.protection_calls()[-1] == {"ProtectionEnabled": False}, "release")
        released = len(fake.protection_calls())
        time.sleep(0.5)
        assert len(fake.protection_calls()) == released, "released once, not on every poll"
        assert fake.shutdown_calls() == [], "nothing asks the bridge to shut down while it runs"
        assert process.poll() is None


@pytest.mark.parametrize("shell", SHELLS)
def test_a_silent_bridge_changes_nothing_and_the_protection_lapses_by_itself(shell: str) -> None:
    fake = Fake(conferences=3)
    with serve(fake) as base, guard(shell, base):
        until(lambda: len(fake.protection_calls()) == 1, "protection on")
        fake.conferences = None  # the bridge stops answering (crashed, restarting)
        time.sleep(2.5)  # longer than GUARD_RENEW_SECONDS: a live bridge would be renewed
        assert fake.protection_calls() == [{"ProtectionEnabled": True, "ExpiresInMinutes": 10}]


@pytest.mark.parametrize("shell", SHELLS)
def test_a_restarted_guard_releases_its_earlier_protection(shell: str) -> None:
    fake = Fake(conferences=0, protected=True)
    with serve(fake) as base, guard(shell, base):
        until(lambda: fake.protection_calls() == [{"ProtectionEnabled": False}], "release")
        assert ("GET", "/agent/task-protection/v1/state", None) in fake.calls


@pytest.mark.parametrize("shell", SHELLS)
def test_on_sigterm_the_bridge_shuts_down_and_the_guard_waits_until_it_is_empty(
    shell: str,
) -> None:
    fake = Fake(conferences=2)
    with serve(fake) as base, guard(shell, base, GUARD_POLL_SECONDS="30") as process:
        until(lambda: len(fake.protection_calls()) == 1, "protection on")
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)  # the guard sleeps 30 s: it must not wait for it
        until(lambda: fake.shutdown_calls() == [{"graceful-shutdown": False}], "shutdown", 3)
        time.sleep(1.2)
        assert process.poll() is None, "meetings are still on the bridge: the guard waits"
        fake.conferences = 0  # jicofo moved the participants to another bridge
        assert process.wait(timeout=5) == 0
        assert time.monotonic() - started < 5
        assert "asking the bridge to shut down" in (process.stdout.read() if process.stdout else "")


@pytest.mark.parametrize("shell", SHELLS)
def test_on_sigterm_the_guard_gives_up_at_its_deadline(shell: str) -> None:
    fake = Fake(conferences=1)
    with serve(fake) as base, guard(shell, base, GUARD_STOP_SECONDS="2") as process:
        until(lambda: len(fake.protection_calls()) == 1, "protection on")
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=6) == 0
        assert 1 <= time.monotonic() - started < 5


def test_without_the_agent_endpoint_it_says_so_and_exits() -> None:
    fake = Fake()
    with serve(fake) as base, guard("sh", base, ECS_AGENT_URI="") as process:
        assert process.wait(timeout=5) == 1
        assert "ECS_AGENT_URI is not set" in (process.stdout.read() if process.stdout else "")


@pytest.mark.parametrize("shell", SHELLS)
def test_in_the_shard_sigterm_stops_at_once_without_asking_the_bridge(shell: str) -> None:
    """jicofo stops with the shard: nothing can move the meetings, so nothing waits for it."""
    fake = Fake(conferences=2)
    with serve(fake) as base, guard(shell, base, GUARD_SHARD="1", GUARD_POLL_SECONDS="30") as p:
        until(lambda: len(fake.protection_calls()) == 1, "protection on")
        started = time.monotonic()
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=3) == 0
        assert time.monotonic() - started < 1.5, "no wait for conferences nobody can move"
        assert fake.shutdown_calls() == []
        assert "nothing can move the meetings" in (p.stdout.read() if p.stdout else "")


@pytest.mark.parametrize("shell", SHELLS)
def test_in_the_shard_an_unhealthy_bridge_is_shut_down_once_to_be_restarted(shell: str) -> None:
    fake = Fake(conferences=0)
    with serve(fake) as base, guard(shell, base, GUARD_SHARD="1", GUARD_HEAL_FAILURES="3") as p:
        until(lambda: sum(path == "/about/health" for _m, path, _b in fake.calls) >= 5, "checks")
        assert fake.shutdown_calls() == [], "a healthy bridge is left alone"
        fake.healthy = False  # no STUN server answered at its start: no public address
        until(lambda: fake.shutdown_calls() == [{"graceful-shutdown": False}], "shutdown")
        checks = sum(path == "/about/health" for _m, path, _b in fake.calls)
        until(
            lambda: sum(path == "/about/health" for _m, path, _b in fake.calls) >= checks + 5,
            "more checks",
        )
        assert len(fake.shutdown_calls()) == 1, "asked once while it shuts down"
        # Restarted and healthy, then unhealthy again: healed again.
        fake.healthy = True
        time.sleep(0.5)
        fake.healthy = False
        until(lambda: len(fake.shutdown_calls()) == 2, "second heal")
        assert p.poll() is None
        assert "ECS restarts it in place" in _output_so_far(p)


@pytest.mark.parametrize("shell", SHELLS)
def test_a_bridge_alone_that_is_unhealthy_is_left_to_ecs(shell: str) -> None:
    """Alone, the bridge is essential: ECS replaces its task; the guard does not interfere."""
    fake = Fake(conferences=0, healthy=False)
    with serve(fake) as base, guard(shell, base, GUARD_HEAL_FAILURES="1") as p:
        until(lambda: sum(path == "/colibri/stats" for _m, path, _b in fake.calls) >= 10, "polls")
        assert fake.shutdown_calls() == []
        assert not any(path == "/about/health" for _m, path, _b in fake.calls)
        assert p.poll() is None


def _output_so_far(process: subprocess.Popen[str]) -> str:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)
    return process.stdout.read() if process.stdout else ""
