"""An upgrade, proven on the embedded emulator with the real AWS provider: deploy with an older
commit, then plan, apply and verify with this checkout on the same state.

    python scripts/upgrade_check.py 65ba060
    python scripts/upgrade_check.py 65ba060 --config my.toml --allow ADDRESS [--allow ...]

`terraform test` proves that `moved` blocks line up, but its mocked provider never plans a
replacement; this runs the real provider (against moto), which does. Steps, in a temporary
directory:
1. a git worktree of REV; `jitsi-ecs up --yes` with REV's code (REV's src first on PYTHONPATH,
   this venv's packages);
2. `jitsi-ecs plan --json` with this checkout: prints every planned change, and fails when
   anything is deleted or replaced that an --allow does not name;
3. `up --yes`, `verify`, and a second `plan` that must be empty;
4. `down --yes` (always) and the worktree removed.
The emulator started in step 1 (REV's) serves every step. The default config holds what the
shared modules took over: the growth layout (web's own alarms and deployment alarms) and an
operator service with a secret (its execution role and read policy). Exits 0 when every step
holds, 1 otherwise; each step's output is kept in the directory it names.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = """\
[jitsi]
cpu_architecture = "X86_64"
layout           = "growth"

[services.api]
image         = "public.ecr.aws/nginx/nginx:1.27.3"
port          = 8004
path_patterns = ["/api/v1/*"]
priority      = 40
secrets       = ["API_KEY"]
"""
# What this checkout replaces on purpose when upgrading from before it (README, First real
# deploy, item 12): the renamed availability alarm of web's target group.
EXPECTED = ("module.alarms.module.web.aws_cloudwatch_metric_alarm.no_healthy_target",)


def cli(work: Path, name: str, args: list[str], source: Path | None = None) -> tuple[int, str]:
    """Run jitsi-ecs (from `source`'s src, else this checkout's) in work; keep its output."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    command = [sys.executable, "-c", "from jitsi_ecs.cli import main; main()", *args]
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
    (work / f"{name}.out").write_text(done.stdout + done.stderr)
    print(f"  {name}: exit {done.returncode}")
    return done.returncode, done.stdout


def planned(work: Path, name: str) -> list[dict[str, str]] | None:
    code, stdout = cli(work, name, ["plan", "--json"])
    if code != 0:
        return None
    changes: list[dict[str, str]] = json.loads(stdout[stdout.index("{") :])["changes"]
    return changes


def check(rev: str, config: str, allowed: set[str], work: Path) -> bool:
    old = work / "old-src"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-f", str(old), rev], check=True)
    stack = work / "stack"
    stack.mkdir()
    (stack / "jitsi-ecs.toml").write_text(config)
    try:
        if cli(stack, "up-old", ["up", "--yes"], source=old)[0] != 0:
            return False
        changes = planned(stack, "plan-new")
        if changes is None:
            return False
        for change in changes:
            print(f"    {change['action']:8} {change['address']}")
        lost = [
            c["address"]
            for c in changes
            if c["action"] in ("delete", "replace") and c["address"] not in allowed
        ]
        if lost:
            print(f"  destroyed or replaced, not allowed: {lost}")
        ok = not lost
        ok = cli(stack, "up-new", ["up", "--yes"])[0] == 0 and ok
        ok = cli(stack, "verify-new", ["verify"])[0] == 0 and ok
        again = planned(stack, "plan-again")
        if again:
            print(f"  the second plan is not empty: {again}")
        return ok and again == []
    finally:
        cli(stack, "down", ["down", "--yes"])
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rev", help="the older commit a stack was deployed with")
    parser.add_argument("--config", type=Path, help="jitsi-ecs.toml to deploy (default: above)")
    parser.add_argument(
        "--allow",
        action="append",
        default=list(EXPECTED),
        help="an address that may be replaced or deleted (repeatable)",
    )
    args = parser.parse_args(argv)
    config = args.config.read_text() if args.config else CONFIG
    work = Path(tempfile.mkdtemp(prefix="jitsi-ecs-upgrade-"))
    print(f"upgrade from {args.rev} to this checkout, in {work}")
    ok = check(args.rev, config, set(args.allow), work)
    print("upgrade: " + ("moved, nothing lost" if ok else f"FAILED (outputs in {work})"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
