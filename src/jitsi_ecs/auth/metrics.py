"""TokensIssued and LoginsDenied (by Reason) as EMF lines on stdout, Service = auth.

Lambda sends stdout to the function's log group, where CloudWatch turns each EMF line into
metrics (namespace METRIC_NAMESPACE, the stack's Jitsi): no exporter, no extra permission,
and it works with or without the ADOT layer. Not through the OpenTelemetry metrics API: its
Python SDK lower-cases instrument names (TokensIssued would become tokensissued), and the
distro's awsemf exporter would also publish the runtime's system.* metrics, each billed as a
custom metric. Traces and logs do go through ADOT (OTLP).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Protocol

from jitsi_ecs.telemetry.emf import NAMESPACE, document

TOKENS_ISSUED = "TokensIssued"
LOGINS_DENIED = "LoginsDenied"
SERVICE = "auth"


class Metrics(Protocol):
    def token_issued(self) -> None: ...

    def login_denied(self, reason: str) -> None: ...


class EmfMetrics:
    def __init__(self, namespace: str = NAMESPACE, write: Callable[[str], object] | None = None):
        self.namespace = namespace
        self.write = write or (lambda line: print(line, file=sys.stdout, flush=True))

    def _emit(self, name: str, dimensions: dict[str, str]) -> None:
        doc = document(dimensions, {name: 1.0}, {name: "Count"}, namespace=self.namespace)
        self.write(json.dumps(doc, separators=(",", ":")))

    def token_issued(self) -> None:
        self._emit(TOKENS_ISSUED, {"Service": SERVICE})

    def login_denied(self, reason: str) -> None:
        self._emit(LOGINS_DENIED, {"Service": SERVICE, "Reason": reason})
