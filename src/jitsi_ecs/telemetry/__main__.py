"""`python -m jitsi_ecs.telemetry --once --jvb URL [--jvb URL ...] --jicofo URL`

The same as `jitsi-ecs telemetry collect`, without the CLI's dependencies (for ADOT's
`opentelemetry-instrument` and for Lambda-like environments). EMF on stdout, logs on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

from jitsi_ecs.telemetry.collector import collect, discover_bridges
from jitsi_ecs.telemetry.emf import NAMESPACE
from jitsi_ecs.telemetry.sources import JVB_PORT, SourceError


def run(
    jvb: list[str],
    jicofo: str | None,
    once: bool,
    interval_s: float = 60.0,
    jvb_dns: str | None = None,
    jvb_port: int = JVB_PORT,
    namespace: str = NAMESPACE,
) -> int:
    while True:
        bridges, error = list(jvb), None
        if jvb_dns:
            try:
                bridges += discover_bridges(jvb_dns, jvb_port)
            except SourceError as exc:
                error = str(exc)
        for doc in collect(bridges, jicofo, namespace, discovery_error=error):
            sys.stdout.write(json.dumps(doc, separators=(",", ":")) + "\n")
        sys.stdout.flush()
        if once:
            return 0
        time.sleep(interval_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jitsi_ecs.telemetry", description=__doc__)
    parser.add_argument("--once", action="store_true", help="collect once and exit")
    parser.add_argument("--jvb", action="append", default=[], help="bridge base URL (repeatable)")
    parser.add_argument("--jvb-dns", help="DNS name whose A records are the bridges")
    parser.add_argument("--jvb-port", type=int, default=JVB_PORT)
    parser.add_argument("--jicofo", help="jicofo base URL")
    parser.add_argument("--namespace", default=NAMESPACE)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    return run(
        args.jvb,
        args.jicofo,
        args.once,
        jvb_dns=args.jvb_dns,
        jvb_port=args.jvb_port,
        namespace=args.namespace,
    )


if __name__ == "__main__":
    sys.exit(main())
