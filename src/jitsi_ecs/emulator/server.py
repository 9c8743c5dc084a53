"""`python -m jitsi_ecs.emulator.server --host H --port P`: moto server with the extensions.

Requests are handled one at a time. moto's backends are plain Python structures without
locks; Terraform sends many calls in parallel, and two revokes on one security group at once
were seen to corrupt its rule list (a destroy then failed). AWS is consistent per call, so
serialising keeps the emulator honest; Terraform's waits happen client-side, so it costs little.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

# Settings moto reads at import or request time (FACTS.md, "Local AWS"): AWS-managed IAM
# policies exist, ACM certificates validate at once.
EMULATOR_ENV = {
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    "MOTO_ACM_VALIDATION_WAIT": "0",
}

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


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


def serialised(app: WsgiApp, log: Callable[[str], None] | None = None) -> WsgiApp:
    lock = threading.Lock()

    def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = b""
        if log is not None:
            # Read the body once to name the action, then hand moto an identical stream.
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
        status: list[str] = []

        def recording_start_response(code: str, headers: Any, *rest: Any) -> Any:
            status.append(code)
            return start_response(code, headers, *rest)

        with lock:
            # Materialise the body inside the lock: moto may build it lazily.
            result = list(app(environ, recording_start_response))
            if log is not None:  # inside the lock too, so lines never interleave
                log(f"{_action(environ, body)} -> {status[0] if status else '?'}")
        return result

    return handle


def exit_now(*_: object) -> NoReturn:
    """SIGTERM: flush the log and end the process without the interpreter's teardown.

    The emulator's state lives in this process's memory and dies with it either way; a normal
    exit first tears down moto's objects (the managed IAM policies alone are thousands), which
    made every `down` wait 1.3 s for the process to end instead of 0.1 s.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

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
    run_simple(
        args.host,
        args.port,
        serialised(app, log=lambda line: print(line, file=sys.stderr, flush=True)),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
