"""The local loop, timed: `jitsi-ecs up`, `verify`, `down` on the embedded emulator, N times.

    python bench/loop.py                    # 3 runs, default config, budget 60 s (median total)
    python bench/loop.py --runs 5 --budget-s 150
    python bench/loop.py --resources        # also the slow resources, from terraform's -json log

Each run starts from an empty temporary directory (no jitsi-ecs.toml: the built-in defaults),
so each `up` starts its own emulator and `down` stops it, as a user's first run would. Phases
are timed with time.monotonic() around each command as a subprocess. Prints each phase's and
the total's min / median / max and the load average before and after (the machine is shared:
quote medians). Terraform and its provider must be reachable as for `jitsi-ecs up` itself
(on a machine without internet, `source scripts/bootstrap.sh --dev` first for the mirror).

Exits 1 when a command fails (its directory is kept and named) or the median total is above
--budget-s; 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

PHASES = ("up", "verify", "down")


def default_cli() -> str:
    beside = Path(sys.executable).with_name("jitsi-ecs")
    return str(beside) if beside.exists() else shutil.which("jitsi-ecs") or "jitsi-ecs"


def resource_durations(log: Path) -> dict[str, float]:
    """Seconds from apply_start to apply_complete per resource (create or delete), from a log."""
    starts: dict[tuple[str, str], float] = {}
    durations: dict[str, float] = {}
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("type") not in ("apply_start", "apply_complete"):
            continue
        hook = event["hook"]
        if hook.get("action") not in ("create", "delete", "update"):
            continue  # data sources ("read") and refreshes are not applies
        key = (hook["resource"]["addr"], hook["action"])
        at = datetime.fromisoformat(event["@timestamp"].replace("Z", "+00:00")).timestamp()
        if event["type"] == "apply_start":
            starts[key] = at
        elif key in starts:
            durations[f"{key[1]} {key[0]}"] = at - starts.pop(key)
    return durations


def run_once(cli: str, env: dict[str, str]) -> tuple[dict[str, float], Path, bool]:
    """Time each phase in a fresh directory; returns (seconds per phase, directory, ok)."""
    work = Path(tempfile.mkdtemp(prefix="jitsi-ecs-loop-"))
    times: dict[str, float] = {}
    ok = True
    for phase in PHASES:
        with (work / f"{phase}.out").open("wb") as out:
            start = time.monotonic()
            code = subprocess.run(
                [cli, phase], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT
            ).returncode
            times[phase] = time.monotonic() - start
        if code != 0:
            ok = False
            print(f"  {phase} exited {code}; its output: {work / f'{phase}.out'}", file=sys.stderr)
            if phase != "down":  # leave no emulator behind
                subprocess.run([cli, "down"], cwd=work, env=env, capture_output=True)
            break
    return times, work, ok


def row(name: str, values: list[float]) -> str:
    return f"{name:<8} {min(values):8.1f} {statistics.median(values):8.1f} {max(values):8.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="number of runs (default 3)")
    parser.add_argument(
        "--budget-s", type=float, default=60.0, help="median total allowed (default 60)"
    )
    parser.add_argument("--cli", default=default_cli(), help="the jitsi-ecs executable")
    parser.add_argument(
        "--resources", action="store_true", help="print resources taking 1 s or more (median)"
    )
    parser.add_argument(
        "--parallelism",
        type=int,
        help="terraform apply/destroy -parallelism (default: terraform's own, 10)",
    )
    parser.add_argument("--keep", action="store_true", help="keep every run's directory")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    env = dict(os.environ)
    if args.parallelism:
        env["TF_CLI_ARGS_apply"] = f"-parallelism={args.parallelism}"
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} cores; {args.runs} runs of up -> verify -> down",
        file=sys.stderr,
    )
    results: dict[str, list[float]] = defaultdict(list)
    slow: dict[str, list[float]] = defaultdict(list)
    dirs: list[Path] = []
    for n in range(1, args.runs + 1):
        times, work, ok = run_once(args.cli, env)
        dirs.append(work)
        if not ok:
            print(f"run {n} failed; kept {work}", file=sys.stderr)
            return 1
        total = sum(times.values())
        print(
            f"run {n}: "
            + "  ".join(f"{p} {times[p]:.1f} s" for p in PHASES)
            + f"  total {total:.1f} s",
            file=sys.stderr,
        )
        for phase in PHASES:
            results[phase].append(times[phase])
        results["total"].append(total)
        for log in sorted((work / ".jitsi-ecs" / "local" / "logs").glob("*.log")):
            if log.name.startswith(("up-", "down-")):
                for name, seconds in resource_durations(log).items():
                    slow[name].append(seconds)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)

    print(f"{'seconds':<8} {'min':>8} {'median':>8} {'max':>8}")
    for name in (*PHASES, "total"):
        print(row(name, results[name]))
    if args.resources:
        print("\nresources taking 1 s or more (median over runs):")
        for name, values in sorted(slow.items(), key=lambda kv: -statistics.median(kv[1])):
            if statistics.median(values) >= 1.0:
                print(f"  {statistics.median(values):6.1f}  {name}")
    if not args.keep:
        for work in dirs:
            shutil.rmtree(work, ignore_errors=True)

    median_total = statistics.median(results["total"])
    verdict = "within" if median_total <= args.budget_s else "above"
    print(f"median total {median_total:.1f} s: {verdict} the budget of {args.budget_s:.0f} s")
    return 0 if median_total <= args.budget_s else 1


if __name__ == "__main__":
    sys.exit(main())
