"""Make AWS refuse one operation of a client, the way it refuses a missing IAM permission."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse

CODE = "AccessDeniedException"


def deny(client: Any, operation: str, after: int = 0) -> Callable[[], None]:
    """From call after+1 on, `operation` (e.g. "UpdateService") answers AccessDeniedException
    before any request is sent, so botocore raises its ClientError as for a real denial; the
    first `after` calls go through. Returns what allows it again (for a shared client)."""
    calls = 0
    event = f"before-call.*.{operation}"

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        nonlocal calls
        calls += 1
        if calls <= after:
            return None
        error = {"Code": CODE, "Message": f"not allowed to {operation}"}
        return AWSResponse(None, 400, {}, None), {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }

    client.meta.events.register(event, answer)
    return lambda: client.meta.events.unregister(event, answer)
