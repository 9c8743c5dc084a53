"""TokensIssued and LoginsDenied (by reason), through the OpenTelemetry metrics API.

Under the ADOT Python distro with OTEL_METRICS_EXPORTER=awsemf these become EMF in the log
group and namespace of OTEL_EXPORTER_OTLP_LOGS_HEADERS (the stack: /ecs/jitsi-app, stream
auth, namespace Jitsi), flushed by the layer's wrapper after every invocation. Without the
layer (the emulator runs no code; unit tests) the API is absent or a no-op and counting costs
nothing.
"""

from __future__ import annotations

from typing import Any, Protocol

TOKENS_ISSUED = "TokensIssued"
LOGINS_DENIED = "LoginsDenied"


class Metrics(Protocol):
    def token_issued(self) -> None: ...

    def login_denied(self, reason: str) -> None: ...


class OtelMetrics:
    def __init__(self, meter: Any) -> None:
        self._issued = meter.create_counter(
            TOKENS_ISSUED, unit="Count", description="meeting tokens issued at /auth/"
        )
        self._denied = meter.create_counter(
            LOGINS_DENIED, unit="Count", description="requests refused at /auth/, by reason"
        )

    def token_issued(self) -> None:
        self._issued.add(1)

    def login_denied(self, reason: str) -> None:
        self._denied.add(1, {"reason": reason})


class NoMetrics:
    def token_issued(self) -> None:
        return None

    def login_denied(self, reason: str) -> None:
        return None


def default() -> Metrics:
    try:
        from opentelemetry import metrics
    except ImportError:  # no ADOT layer: nothing to export to
        return NoMetrics()
    return OtelMetrics(metrics.get_meter("jitsi_ecs.auth"))
