"""`python -m jitsi_ecs.emulator.server --host H --port P`: moto server with the extensions.

Requests are handled one at a time. moto's backends are plain Python structures without
locks; Terraform sends many calls in parallel, and two revokes on one security group at once
were seen to corrupt its rule list (a destroy then failed). AWS is consistent per call, so
serialising keeps the emulator honest; Terraform's waits happen client-side, so it costs little.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

# Settings moto reads at import or request time (FACTS.md, "Local AWS"): AWS-managed IAM
# policies exist, ACM certificates validate at once.
EMULATOR_ENV = {
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    "MOTO_ACM_VALIDATION_WAIT": "0",
}

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def serialised(app: WsgiApp) -> WsgiApp:
    lock = threading.Lock()

    def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with lock:
            # Materialise the body inside the lock: moto may build it lazily.
            return list(app(environ, start_response))

    return handle


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
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        serialised(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
