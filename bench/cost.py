"""Cost estimate vs an independent hand calculation, for the default and a lean config.

    python bench/cost.py            # estimate from the saved plans in bench/plans/
    python bench/cost.py --replan   # first re-plan both configs on the local emulator (needs terraform)

The estimator reads only the Terraform plan JSON; the hand calculation below uses only the
config and the FACTS.md price table, written out longhand. They must agree within 1%.
Exits 1 when they do not.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tomllib
from pathlib import Path

from jitsi_ecs.config import Config, parse_config
from jitsi_ecs.cost.estimate import estimate
from jitsi_ecs.cost.prices import price_book

HERE = Path(__file__).resolve().parent
H = 730  # hours per month
# FACTS.md, us-west-2 list prices.
X86 = (0.04048, 0.004445)
ARM = (0.03238, 0.00356)
IPV4, ALB_H, LCU_H, EGRESS, LOG_IN, LOG_GB_M, METRIC = 0.005, 0.0225, 0.008, 0.09, 0.50, 0.03, 0.30


def hand(config: Config) -> float:
    j, u = config.jitsi, config.usage
    cpu_price, gb_price = ARM if j.cpu_architecture == "ARM64" else X86
    share = 1.0
    if j.schedule:
        share = (j.schedule.stop_hour - j.schedule.start_hour) * 5 / 168  # MON-FRI only here
    tasks = [
        (j.web.desired_count, j.web.cpu, j.web.memory),
        (1, j.xmpp.cpu, j.xmpp.memory),
        (j.jvb.desired_count, j.jvb.cpu, j.jvb.memory),
    ]
    fargate = sum(n * (c / 1024 * cpu_price + m / 1024 * gb_price) * H * share for n, c, m in tasks)
    ips = sum(n for n, _, _ in tasks) * H * share * IPV4 + 2 * H * IPV4  # tasks + 2 ALB nodes
    alb = H * ALB_H + u.alb_average_lcu * H * LCU_H
    insights = (8 + 11 * 3 + 8 * 3) * METRIC  # the estimator's documented assumption
    logs = (
        u.log_gb_per_month * LOG_IN
        + u.log_gb_per_month * config.observability.log_retention_days / 30.4 * LOG_GB_M
    )
    n = u.participants_per_meeting
    egress_gb = (
        u.meetings_per_month
        * u.meeting_hours
        * 3600
        * n
        * (n - 1)
        * u.video_kbps_per_stream
        * 125
        / 1e9
    )
    egress = max(0.0, egress_gb - 100) * EGRESS
    telemetry = (10 * j.jvb.desired_count + 21) * METRIC if config.telemetry.enabled else 0.0
    # Alarms: 7 for the stack, 3 for telemetry, 1 for /auth/; the first 10 are free.
    alarms = 7 + (3 if config.telemetry.enabled else 0) + (1 if config.auth.enabled else 0)
    alarm_cost = max(0, alarms - 10) * 0.10
    # /auth/: TokensIssued + LoginsDenied (one reason) as custom metrics; its Lambda runs
    # (health checks every 5 min from 2 ALB nodes, 2 per meeting) and Cognito's few monthly
    # active users stay inside the free tiers, as do telemetry's 43,800 runs and 1 dashboard.
    auth = 2 * METRIC if config.auth.enabled else 0.0
    return fargate + ips + alb + insights + logs + egress + telemetry + alarm_cost + auth


def replan(name: str) -> None:
    """Plan the config on a fresh local emulator, save the plan JSON, stop the emulator.

    In-process through the Stack, as `jitsi-ecs plan` does (which keeps no plan file)."""
    from jitsi_ecs.emulator import manager
    from jitsi_ecs.stack import Stack
    from jitsi_ecs.targets import for_name
    from jitsi_ecs.workspace import Workspace

    config = parse_config(tomllib.loads((HERE / "configs" / f"{name}.toml").read_text()))
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace.for_target("local", Path(tmp))
        try:
            stack = Stack.open(config, for_name("local", workspace=workspace), "bench").prepare()
            plan = stack.terraform.plan()
            (HERE / "plans" / f"{name}.json").write_text(json.dumps(plan.json))
        finally:
            manager.stop(workspace)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--replan", action="store_true", help="re-plan both configs on the emulator first"
    )
    args = parser.parse_args()
    worst = 0.0
    print(f"{'config':<10} {'estimator':>12} {'by hand':>12} {'diff':>8}")
    for name in ("default", "lean"):
        if args.replan:
            replan(name)
        config = parse_config(tomllib.loads((HERE / "configs" / f"{name}.toml").read_text()))
        plan = json.loads((HERE / "plans" / f"{name}.json").read_text())
        est = estimate(plan, config.usage, price_book(config.region)).monthly_total
        by_hand = hand(config)
        diff = abs(est - by_hand) / by_hand
        worst = max(worst, diff)
        print(f"{name:<10} {est:>12.2f} {by_hand:>12.2f} {diff:>7.2%}")
    print(f"largest difference {worst:.3%} (limit 1%)")
    return 0 if worst <= 0.01 else 1


if __name__ == "__main__":
    sys.exit(main())
