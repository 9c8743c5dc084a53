"""`python -m jitsi_ecs.emulator.server --host H --port P`: moto server with the extensions.

`--ssl-cert CERT --ssl-key KEY` serves HTTPS instead of HTTP (the account fixture in
tests/integration/account.py plays a real account that way: the product then reaches it only
through AWS_ENDPOINT_URL and AWS_CA_BUNDLE). The local target serves plain HTTP.

Requests are handled one at a time. moto's backends are plain Python structures without
locks; Terraform sends many calls in parallel, and two revokes on one security group at once
were seen to corrupt its rule list (a destroy then failed). AWS is consistent per call, so
serialising keeps the emulator honest; Terraform's waits happen client-side, so it costs little.

A retried attempt of an SDK invocation the emulator has already answered gets that answer
again instead of running twice. The AWS SDKs send the same `amz-sdk-invocation-id` with every
attempt of one call and count attempts in `amz-sdk-request`; the provider's SDK sometimes drops
a connection after the emulator has answered (captured on loopback: the client closed the
connection once the response headers had arrived, before the body) and retries. Run twice, a
revoke or a delete then answers NotFound for the change its first attempt made (a security
group's default-egress revoke answering NotFound at creation, seen once in CI, fits). Only
answers of 2xx (a change that took effect) are replayed: after an error the client may retry
on purpose (throttling, eventual consistency), and then the call must run again.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import re
import signal
import sys
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from jitsi_ecs.aws import EMULATOR_CREDENTIALS

# Settings moto reads at import or request time (FACTS.md, "Local AWS"): AWS-managed IAM
# policies exist, ACM certificates validate at once.
EMULATOR_ENV = {
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    "MOTO_ACM_VALIDATION_WAIT": "0",
}

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Answers kept for replay: a retry follows its first attempt within seconds.
REPLAY_KEEP = 4096


def _attempt(environ: dict[str, Any]) -> int:
    """The attempt number from `amz-sdk-request: attempt=2; max=3` (1 when absent)."""
    for part in str(environ.get("HTTP_AMZ_SDK_REQUEST", "")).split(";"):
        key, _, value = part.strip().partition("=")
        if key == "attempt" and value.isdigit():
            return int(value)
    return 1


def _action(environ: dict[str, Any], body: bytes) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return str(target).rsplit(".", 1)[-1]
    action, ids = "", []
    for part in body.split(b"&"):
        if part.startswith(b"Action="):
            action = part[7:].decode("ascii", "replace")
        elif part.startswith((b"GroupId=", b"SecurityGroupRuleId.")):
            ids.append(part.split(b"=", 1)[1].decode("ascii", "replace"))
    if action:  # EC2 ids make a lost-rule report traceable
        return f"{action} {' '.join(ids)}".strip()
    return f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"


# The WSGI environ of the request being handled (None between requests). Requests are handled
# one at a time under serialised()'s lock, so one slot is enough: the IAM extensions read the
# request's scheme from it (aws:SecureTransport).
_current: dict[str, Any] | None = None


def current_request() -> dict[str, Any] | None:
    """The WSGI environ of the request the emulator is handling, if any."""
    return _current


def serialised(app: WsgiApp, log: Callable[[str], None] | None = None) -> WsgiApp:
    lock = threading.Lock()
    answered: OrderedDict[str, tuple[str, list[tuple[str, str]], list[bytes]]] = OrderedDict()

    def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = b""
        if log is not None:
            # Read the body once to name the action, then hand moto an identical stream. A
            # chunked body (boto3's PutObject with a checksum) has no length: the stream ends
            # it; a stream that cannot say so is left to moto untouched (an emptied stream
            # would store an empty object).
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length:
                body = environ["wsgi.input"].read(length)
                environ["wsgi.input"] = io.BytesIO(body)
            elif environ.get("wsgi.input_terminated"):
                body = environ["wsgi.input"].read()
                environ["wsgi.input"] = io.BytesIO(body)
        invocation = str(environ.get("HTTP_AMZ_SDK_INVOCATION_ID", ""))
        attempt = _attempt(environ)
        answer: list[tuple[str, list[tuple[str, str]]]] = []

        def recording_start_response(code: str, headers: Any, *rest: Any) -> Any:
            answer.append((code, list(headers)))
            return start_response(code, headers, *rest)

        global _current
        with lock:
            note = f" (attempt {attempt})" if attempt > 1 else ""
            if attempt > 1 and invocation in answered:
                code, headers, result = answered[invocation]
                start_response(code, headers)
                note = f" (attempt {attempt}: replayed, already answered)"
            else:
                # Materialise the body inside the lock: moto may build it lazily.
                _current = environ
                try:
                    result = list(app(environ, recording_start_response))
                finally:
                    _current = None
                code = answer[0][0] if answer else "?"
                if invocation and code.startswith("2"):
                    answered[invocation] = (code, answer[0][1], result)
                    if len(answered) > REPLAY_KEEP:
                        answered.popitem(last=False)
            if log is not None:  # inside the lock too, so lines never interleave
                log(f"{_action(environ, body)} -> {code}{note}")
        return result

    return handle


# The one unsigned path: the dashboard page manager.py polls to see the server is up (its data,
# /moto-api/data.json, needs the credentials like everything else).
HEALTH_PATH = "/moto-api/"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/|^AWS ([^:\s]+):")


def _access_key(environ: dict[str, Any]) -> str | None:
    """The access key id a request was signed with (header or presigned query), if any."""
    found = _CREDENTIAL.search(str(environ.get("HTTP_AUTHORIZATION", "")))
    if found:
        return found.group(1) or found.group(2)
    query = urllib.parse.parse_qs(str(environ.get("QUERY_STRING", "")))
    credential = (query.get("X-Amz-Credential") or [""])[0]
    return credential.split("/", 1)[0] or None


def _refuse(environ: dict[str, Any], start_response: Callable[..., Any], why: str) -> list[bytes]:
    """403 AccessDenied, in the shape the caller's SDK reads (JSON or XML protocol)."""
    message = f"jitsi-ecs emulator: {why}"
    if environ.get("HTTP_X_AMZ_TARGET"):
        body = json.dumps({"__type": "AccessDeniedException", "message": message})
        start_response("403 Forbidden", [("Content-Type", "application/x-amz-json-1.1")])
    else:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
            f"<Message>{html.escape(message)}</Message></Error></ErrorResponse>"
        )
        start_response("403 Forbidden", [("Content-Type", "text/xml")])
    return [body.encode()]


def guarded(app: WsgiApp, port: int, access_key: str | None) -> WsgiApp:
    """Only the tool's own clients get in (issue 21): another local user, or a web page using
    DNS rebinding, could otherwise read the secrets `secret set` stored here.

    - Host must be this loopback address and port: a rebinding page arrives with its own name.
    - No browser: a request with an Origin header, or a CORS preflight, is refused, and moto's
      Access-Control-* headers are dropped from every answer (it echoed any Origin).
    - Every request but the health page must be signed with the tool's access key id
      (aws.EMULATOR_CREDENTIALS, what `jitsi-ecs env` prints); the signature itself is not
      checked here. access_key None: the server plays an account (HTTPS, the account fixture),
      where IAM users sign with keys of their own and iam_enforcement authenticates them.
    """
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}

    def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        host = str(environ.get("HTTP_HOST", "")).lower()
        if host not in hosts:
            return _refuse(environ, start_response, f"host {host!r} is not this emulator's address")
        if environ.get("HTTP_ORIGIN") is not None or environ.get("REQUEST_METHOD") == "OPTIONS":
            return _refuse(environ, start_response, "browsers are not served (no CORS)")
        if (
            access_key is not None
            and environ.get("PATH_INFO") != HEALTH_PATH
            and _access_key(environ) != access_key
        ):
            return _refuse(
                environ, start_response, "sign requests with the credentials `jitsi-ecs env` prints"
            )

        def without_cors(status: str, headers: Any, *rest: Any) -> Any:
            kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
            return start_response(status, kept, *rest)

        return app(environ, without_cors)

    return handle


def exit_now(*_: object) -> NoReturn:
    """SIGTERM: flush the log and end the process without the interpreter's teardown.

    The emulator's state lives in this process's memory and dies with it either way; a normal
    exit first tears down moto's objects (1,582 managed IAM policies alone), which
    made every `down` wait 1.3 s for the process to end instead of 0.1 s.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ssl-cert", help="PEM certificate (chain): serve HTTPS")
    parser.add_argument("--ssl-key", help="PEM private key of --ssl-cert")
    args = parser.parse_args(argv)
    if bool(args.ssl_cert) != bool(args.ssl_key):
        parser.error("--ssl-cert and --ssl-key go together")

    for key, value in EMULATOR_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("MOTO_PORT", str(args.port))

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import run_simple

    from jitsi_ecs.emulator.extensions import install

    install()
    signal.signal(signal.SIGTERM, exit_now)
    app = DomainDispatcherApplication(create_backend_app)
    # Playing an account (HTTPS), IAM authenticates every caller by its own keys.
    tool_key = None if args.ssl_cert else EMULATOR_CREDENTIALS["aws_access_key_id"]
    run_simple(
        args.host,
        args.port,
        serialised(
            guarded(app, args.port, tool_key),
            log=lambda line: print(line, file=sys.stderr, flush=True),
        ),
        threaded=True,
        request_handler=MotoRequestHandler,
        ssl_context=(args.ssl_cert, args.ssl_key) if args.ssl_cert else None,
    )


if __name__ == "__main__":
    main()
