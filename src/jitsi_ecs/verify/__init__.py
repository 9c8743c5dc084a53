"""`verify`: check the live account against the config, one check per requirement."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import botocore.exceptions

from jitsi_ecs.errors import JitsiEcsError
from jitsi_ecs.verify import (
    alerting,
    auth,
    ecs,
    edge,
    jitsi,
    live,
    observability,
    security,
    services,
    telemetry,
)
from jitsi_ecs.verify.result import Check, VerifyContext

GROUPS: dict[str, Callable[[VerifyContext], Iterator[Check]]] = {
    "edge": edge.checks,
    "security": security.checks,
    "ecs": ecs.checks,
    "services": services.checks,
    "jitsi": jitsi.checks,
    "alerting": alerting.checks,
    "observability": observability.checks,
    "telemetry": telemetry.checks,
    "live": live.checks,
    "auth": auth.checks,
}
STATUSES = ("pass", "fail", "skip")


def run_checks(ctx: VerifyContext) -> list[Check]:
    results: list[Check] = []
    for group, produce in GROUPS.items():
        try:
            results.extend(produce(ctx))
        except (
            JitsiEcsError,
            botocore.exceptions.BotoCoreError,
            botocore.exceptions.ClientError,
        ) as exc:
            # An API error fails the group's remaining checks, visibly; the others go on.
            detail = (
                exc.message if isinstance(exc, JitsiEcsError) else f"{type(exc).__name__}: {exc}"
            )
            results.append(Check(f"{group}.api", "fail", "AWS API answers", None, detail))
    return results


def summary(results: list[Check]) -> dict[str, int]:
    return {s: sum(1 for r in results if r.status == s) for s in STATUSES}


def as_json(results: list[Check]) -> dict[str, Any]:
    return {"checks": [r.as_dict() for r in results], "summary": summary(results)}
