"""AWS Lambda entry point: a scheduled, VPC-attached function finds the bridges through Cloud
Map DNS, reads their stats and jicofo's, and prints EMF lines; CloudWatch Logs turns them into
metrics. No collector, no sidecar, no agent."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from jitsi_ecs.telemetry.collector import collect, discover_bridges
from jitsi_ecs.telemetry.emf import NAMESPACE
from jitsi_ecs.telemetry.sources import JVB_PORT, SourceError

logging.getLogger().setLevel(logging.INFO)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    port = int(os.environ.get("JVB_PORT", JVB_PORT))
    bridges, errors = [], []
    for dns_name in filter(None, os.environ["JVB_DNS_NAMES"].split(",")):
        try:
            bridges += discover_bridges(dns_name, port)
        except SourceError as exc:
            errors.append(str(exc))
    error = "; ".join(errors) or None
    docs = collect(
        bridges,
        os.environ.get("JICOFO_URL"),
        os.environ.get("METRIC_NAMESPACE", NAMESPACE),
        discovery_error=error,
    )
    for doc in docs:
        print(json.dumps(doc, separators=(",", ":")))
    summary = docs[-1]
    return {"bridges": summary["BridgesDiscovered"], "errors": summary["CollectionErrors"]}
