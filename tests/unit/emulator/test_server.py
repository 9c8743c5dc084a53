from __future__ import annotations

import threading
import time
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
