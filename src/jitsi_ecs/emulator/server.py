"""`python -m jitsi_ecs.emulator.server --host H --port P`: moto server with the extensions."""

from __future__ import annotations

import argparse
import os

# Settings moto reads at import or request time (FACTS.md, "Local AWS"): AWS-managed IAM
# policies exist, ACM certificates validate at once.
EMULATOR_ENV = {
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    "MOTO_ACM_VALIDATION_WAIT": "0",
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

    for key, value in EMULATOR_ENV.items():
        os.environ.setdefault(key, value)

    from moto.server import main as moto_main

    from jitsi_ecs.emulator.extensions import install

    install()
    moto_main(["-H", args.host, "-p", str(args.port)])


if __name__ == "__main__":
    main()
