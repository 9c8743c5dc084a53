from __future__ import annotations

import io
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

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
        _the_server_answers_the_tool_only(port)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not marker.exists()
    assert "GET /moto-api/ -> 200 OK" in log.read_text()


def _the_server_answers_the_tool_only(port: int) -> None:
    """issue 21, on the real server: the tool's signed calls pass; its data, another Host,
    another key and a browser do not."""
    import urllib.error

    import boto3

    from jitsi_ecs.aws import EMULATOR_CREDENTIALS

    endpoint = f"http://127.0.0.1:{port}"
    sts = boto3.client(
        "sts", region_name="us-west-2", endpoint_url=endpoint, **EMULATOR_CREDENTIALS
    )
    assert sts.get_caller_identity()["Account"]
    other = {**EMULATOR_CREDENTIALS, "aws_access_key_id": "AKIAOTHER"}
    stranger = boto3.client("sts", region_name="us-west-2", endpoint_url=endpoint, **other)
    with pytest.raises(Exception, match="AccessDenied"):
        stranger.get_caller_identity()
    for headers in ({}, {"Host": "rebound.evil.example"}, {"Origin": "https://evil.example"}):
        request = urllib.request.Request(f"{endpoint}/moto-api/data.json", headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 403


def _call(handler: Any, invocation: str, attempt: int) -> tuple[str, bytes]:
    seen: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "CONTENT_LENGTH": "0",
        "wsgi.input": io.BytesIO(b""),
        "HTTP_AMZ_SDK_INVOCATION_ID": invocation,
        "HTTP_AMZ_SDK_REQUEST": f"attempt={attempt}; max=3",
    }
    body = b"".join(handler(environ, lambda code, headers: seen.append(code)))
    return seen[0], body


def test_a_retried_attempt_of_an_answered_invocation_is_not_run_again() -> None:
    # What a revoke does: the first run removes the rule, a second one finds nothing.
    rules = {"sgr-1"}
    logged: list[str] = []

    def revoke(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if "sgr-1" in rules:
            rules.discard("sgr-1")
            start_response("200 OK", [("Content-Type", "text/xml")])
            return [b"<return>true</return>"]
        start_response("400 Bad Request", [("Content-Type", "text/xml")])
        return [b"InvalidSecurityGroupRuleId.NotFound"]

    handler = serialised(revoke, log=logged.append)
    assert _call(handler, "inv-1", 1) == ("200 OK", b"<return>true</return>")
    # the client lost that answer and retries the same invocation
    assert _call(handler, "inv-1", 2) == ("200 OK", b"<return>true</return>")
    assert "replayed" in logged[-1]
    # a new invocation runs again, as AWS would run it
    assert _call(handler, "inv-2", 1) == ("400 Bad Request", b"InvalidSecurityGroupRuleId.NotFound")


@pytest.mark.parametrize("error", ["500 Internal Server Error", "400 Bad Request"])
def test_a_retry_after_an_error_runs_again(error: str) -> None:
    # the client saw the error and may retry on purpose (throttling, eventual consistency)
    calls: list[int] = []

    def flaky(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        calls.append(1)
        if len(calls) == 1:
            start_response(error, [])
            return [b"not yet"]
        start_response("200 OK", [])
        return [b"ok"]

    handler = serialised(flaky)
    assert _call(handler, "inv-1", 1) == (error, b"not yet")
    assert _call(handler, "inv-1", 2) == ("200 OK", b"ok")
    assert len(calls) == 2


def test_a_body_without_a_length_reaches_moto_whole() -> None:
    """boto3 sends PutObject chunked (no Content-Length): the log must not swallow it."""
    received: list[bytes] = []

    def put(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        received.append(environ["wsgi.input"].read())
        start_response("200 OK", [])
        return [b""]

    handler = serialised(put, log=lambda line: None)
    environ = {"REQUEST_METHOD": "PUT", "PATH_INFO": "/b/k", "wsgi.input": io.BytesIO(b"state")}
    list(handler(environ, lambda code, headers: None))
    assert received == [b"state"]


def test_a_chunked_body_reaches_the_backend_whole() -> None:
    # the SDK streams S3 uploads chunked, without Content-Length: the stream ends the body
    seen: list[bytes] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ["wsgi.input"].read())
        start_response("200 OK", [])
        return [b""]

    handler = serialised(app, log=lambda line: None)
    environ = {
        "REQUEST_METHOD": "PUT",
        "PATH_INFO": "/bucket/key",
        "wsgi.input": io.BytesIO(b"2\r\n{}"),
        "wsgi.input_terminated": True,
    }
    list(handler(environ, lambda code, headers: None))
    assert seen == [b"2\r\n{}"]


# ---------------------------------------------------------------- issue 21: the tool's clients only
PORT = 4566
SIGNED = "AWS4-HMAC-SHA256 Credential=test/20261206/us-west-2/ssm/aws4_request, Signature=x"


def _guarded_call(environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    from jitsi_ecs.emulator.server import guarded

    def app(env: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(
            "200 OK", [("Access-Control-Allow-Origin", "https://evil.example"), ("X-Ok", "1")]
        )
        return [b"secret"]

    seen: list[Any] = []
    base = {"HTTP_HOST": f"127.0.0.1:{PORT}", "PATH_INFO": "/", "REQUEST_METHOD": "POST"}
    body = b"".join(
        guarded(app, PORT, "test")({**base, **environ}, lambda s, h, *r: seen.append((s, h)))
    )
    return seen[0][0], seen[0][1], body


def test_the_tool_s_signed_request_passes_without_cors_headers() -> None:
    status, headers, body = _guarded_call({"HTTP_AUTHORIZATION": SIGNED})
    assert status == "200 OK" and body == b"secret"
    assert headers == [("X-Ok", "1")]


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTP_AUTHORIZATION": SIGNED, "HTTP_HOST": "rebound.evil.example:4566"},
        {"HTTP_AUTHORIZATION": SIGNED, "HTTP_HOST": "127.0.0.1:4567"},
        {"HTTP_AUTHORIZATION": SIGNED, "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_AUTHORIZATION": SIGNED, "REQUEST_METHOD": "OPTIONS"},
        {},
        {"HTTP_AUTHORIZATION": SIGNED.replace("test/", "AKIAOTHER/")},
        {"PATH_INFO": "/moto-api/data.json"},
    ],
    ids=["other-host", "other-port", "origin", "preflight", "unsigned", "other-key", "data"],
)
def test_anything_else_is_refused(environ: dict[str, Any]) -> None:
    status, _, body = _guarded_call(environ)
    assert status == "403 Forbidden" and b"secret" not in body


def test_presigned_urls_and_the_health_page_pass() -> None:
    query = "X-Amz-Credential=test%2F20261206%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=x"
    assert _guarded_call({"QUERY_STRING": query, "REQUEST_METHOD": "GET"})[0] == "200 OK"
    assert _guarded_call({"PATH_INFO": "/moto-api/", "REQUEST_METHOD": "GET"})[0] == "200 OK"
    assert (
        _guarded_call({"HTTP_HOST": f"localhost:{PORT}", "HTTP_AUTHORIZATION": SIGNED})[0]
        == "200 OK"
    )
