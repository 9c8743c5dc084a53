"""A local HTTP server that answers like JVB and jicofo private ports, from fixtures."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "telemetry"


@contextmanager
def serve(routes: dict[str, tuple[int, str, bytes]]) -> Iterator[str]:
    """routes: path -> (status, content type, body). Yields the base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, ctype, body = routes.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

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


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


JSON, PROM = "application/json", "text/plain; version=0.0.4; charset=utf-8"
JVB_JSON = {"/colibri/stats": (200, JSON, fixture("jvb-colibri-stats.json"))}
JVB_PROM = {"/metrics": (200, PROM, fixture("jvb-metrics.txt"))}
JICOFO_JSON = {"/stats": (200, JSON, fixture("jicofo-stats.json"))}
JICOFO_PROM = {"/metrics": (200, PROM, fixture("jicofo-metrics.txt"))}
