"""Cost estimate vs an independent hand calculation: the default, office hours, and growth.

    python bench/cost.py            # estimate from the saved plans in bench/plans/
    python bench/cost.py --replan   # first re-plan every config on the local emulator

The estimator reads only the Terraform plan JSON; the hand calculation below uses only the
config and the FACTS.md price table, written out longhand (it imports no estimator code).
They must agree within 1%, and the goals of issue 11 must hold: the default under the top
budget ($60), the office-hours variant under $35. Exits 1 when either fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

from jitsi_ecs.config import Config, parse_config
from jitsi_ecs.cost.estimate import estimate
from jitsi_ecs.cost.prices import price_book

HERE = Path(__file__).resolve().parent
CONFIGS = ("default", "office-hours", "growth")
GOALS = {"default": 60.0, "office-hours": 35.0}  # USD a month (issue 11)
H = 730  # hours per month
# FACTS.md, us-west-2 list prices.
X86 = (0.04048, 0.004445)
ARM = (0.03238, 0.00356)
IPV4, ALB_H, LCU_H, EGRESS, METRIC, ALARM = 0.005, 0.0225, 0.008, 0.09, 0.30, 0.10
ZONE, CLOUD_MAP_TASK = 0.50, 0.10
# Free tiers per account: 100 GB egress, 10 custom metrics, 10 alarm metrics, 5 GB logs.
FREE_EGRESS_GB, FREE_METRICS, FREE_ALARM_METRICS = 100, 10, 10


def hand(config: Config) -> float:
    j, u = config.jitsi, config.usage
    cpu_price, gb_price = ARM if j.cpu_architecture == "ARM64" else X86
    awake = 1.0
    if j.schedule:
        days = 5 if j.schedule.days == "MON-FRI" else 7  # the configs here use these two
        awake = (j.schedule.stop_hour - j.schedule.start_hour) * days / 168
    bridges = j.jvb.autoscaling.min_count  # the estimate is at the least bridges
    if j.layout == "compact":
        # (tasks, vCPU units, MiB, in Cloud Map, watched by its own alarm)
        tasks = [(1, j.shard.cpu, j.shard.memory, True, False)]
        tasks += [(bridges - 1, j.jvb.cpu, j.jvb.memory, True, False)]
    else:
        tasks = [
            (j.web.desired_count, j.web.cpu, j.web.memory, False, False),
            (1, j.xmpp.cpu, j.xmpp.memory, True, True),
            (bridges, j.jvb.cpu, j.jvb.memory, True, bridges > 0),
        ]
    fargate = sum(
        n * (c / 1024 * cpu_price + m / 1024 * gb_price) * H * awake for n, c, m, _, _ in tasks
    )
    task_ips = sum(n for n, *_ in tasks) * H * awake * IPV4
    alb = H * ALB_H + u.alb_average_lcu * H * LCU_H + config.network.az_count * H * IPV4
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
    egress = max(0.0, egress_gb - FREE_EGRESS_GB) * EGRESS
    cloud_map = ZONE + sum(n for n, _, _, mapped, _ in tasks if mapped) * awake * CLOUD_MAP_TASK
    # Alarms: 4 on the ALB + no healthy web, one per unwatched service, 3 Jitsi + egress,
    # and the /auth/ function's errors.
    alarm_metrics = 5 + sum(1 for _, _, _, _, own in tasks if own) + 4
    alarm_metrics += 1 if config.auth.enabled else 0
    alarms = max(0, alarm_metrics - FREE_ALARM_METRICS) * ALARM
    # The collector's 11 metrics (jvb 4, jicofo 5, summary 2), published while awake, and the
    # /auth/ function's TokensIssued + LoginsDenied (one reason), always.
    auth_metrics = 2 if config.auth.enabled else 0
    metrics = max(0.0, 11 * awake + auth_metrics - FREE_METRICS) * METRIC
    # Logs: 1 GB of container logs and ~0.15 GB from the collector stay inside the free 5 GB;
    # Lambda runs and GB-seconds inside theirs (the collector's and /auth/'s: health checks
    # every 5 min from 2 ALB nodes, 2 per meeting); Cognito's few monthly active users inside
    # its 10,000; one dashboard inside the free three.
    return fargate + task_ips + alb + egress + cloud_map + alarms + metrics


def replan(name: str) -> None:
    """Plan the config on the local emulator as `jitsi-ecs plan` does (with the egress alarm's
    threshold from the estimate, planning.planned) and save the JSON."""
    import tempfile

    from jitsi_ecs.planning import planned
    from jitsi_ecs.stack import Stack
    from jitsi_ecs.targets.local import LocalTarget
    from jitsi_ecs.workspace import Workspace

    config = parse_config(tomllib.loads((HERE / "configs" / f"{name}.toml").read_text()))
    with tempfile.TemporaryDirectory() as tmp:
        target = LocalTarget(Workspace.for_target("local", Path(tmp)))
        try:
            stack = Stack.open(config, target, "bench").prepare()
            with planned(stack) as (shown, _):
                plan = shown.json
        finally:
            from jitsi_ecs.emulator import manager

            manager.stop(target.workspace)
    (HERE / "plans" / f"{name}.json").write_text(json.dumps(plan, indent=1) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--replan", action="store_true", help="re-plan every config first")
    args = parser.parse_args()
    worst, missed = 0.0, []
    print(f"{'config':<14} {'estimator':>10} {'by hand':>10} {'diff':>7} {'goal':>8}")
    for name in CONFIGS:
        if args.replan:
            replan(name)
        config = parse_config(tomllib.loads((HERE / "configs" / f"{name}.toml").read_text()))
        plan = json.loads((HERE / "plans" / f"{name}.json").read_text())
        est = estimate(plan, config.usage, price_book(config.region)).monthly_total
        by_hand = hand(config)
        diff = abs(est - by_hand) / by_hand
        worst = max(worst, diff)
        goal = GOALS.get(name)
        if goal is not None and est > goal:
            missed.append(f"{name}: ${est:.2f} > ${goal:.2f}")
        goal_text = f"<= {goal:.0f}" if goal else "-"
        print(f"{name:<14} {est:>10.2f} {by_hand:>10.2f} {diff:>6.2%} {goal_text:>8}")
    print(f"largest difference {worst:.3%} (limit 1%)")
    for line in missed:
        print(f"goal missed: {line}")
    return 0 if worst <= 0.01 and not missed else 1


if __name__ == "__main__":
    sys.exit(main())
