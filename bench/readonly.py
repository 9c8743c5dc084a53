"""How long the read-only commands take on a deployed local stack: `status` and `verify`.

    python bench/readonly.py                       # this checkout's CLI, 5 runs each
    python bench/readonly.py --cli /path/to/other/venv/bin/jitsi-ecs --runs 5

Deploys the default config to a fresh emulator with the given CLI (`up`), times each command
as a whole process over several runs (medians), then removes everything (`down`). Run it
with two CLIs (for example an older checkout's venv) to compare: read-only commands now
attach to the deployment (terraform output only) instead of re-initialising Terraform.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CLI = Path(sys.executable).with_name("jitsi-ecs")


def _run(cli: str, args: list[str], cwd: str) -> float:
    start = time.monotonic()
    result = subprocess.run(
        [cli, *args], cwd=cwd, capture_output=True, text=True, env=os.environ.copy()
    )
    elapsed = time.monotonic() - start
    if result.returncode not in (0, 1):  # verify exits 1 on a failed check: still timed
        raise SystemExit(f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cli", default=str(DEFAULT_CLI), help="the jitsi-ecs executable")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"up ({args.cli})...", file=sys.stderr)
        _run(args.cli, ["up"], tmp)
        try:
            print(f"{'command':<8} {'min':>7} {'median':>7} {'max':>7}  (s, {args.runs} runs)")
            for command in ("status", "verify"):
                times = [_run(args.cli, [command], tmp) for _ in range(args.runs)]
                print(
                    f"{command:<8} {min(times):>7.2f} {statistics.median(times):>7.2f} "
                    f"{max(times):>7.2f}"
                )
        finally:
            _run(args.cli, ["down"], tmp)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
