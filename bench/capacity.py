"""What a meeting-hour costs, from the cost model (the figures of docs/capacity.md).

    python bench/capacity.py            # the default and growth configs, us-west-2
    python bench/capacity.py --json

Everything comes from the estimator and the shipped price snapshot: the monthly estimate of
each config in bench/configs/ (read from its saved plan in bench/plans/, as bench/cost.py
does), split into what runs whether or not anyone meets (the fixed part) and media egress;
the egress of one meeting-hour by meeting size (the estimator's own media_egress_gb, with the
config's video bitrate); and what one more bridge alone costs an hour while autoscaling runs
it (Fargate at the config's bridge size and architecture, plus its public IPv4 address).
Nothing here is measured on AWS: the bitrates are the [usage] assumptions.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

from jitsi_ecs.config import Config, Usage, parse_config
from jitsi_ecs.cost.estimate import estimate, media_egress_gb
from jitsi_ecs.cost.prices import price_book

HERE = Path(__file__).resolve().parent
CONFIGS = ("default", "growth")
SIZES = (3, 5, 10, 20)  # participants; two go peer-to-peer and send nothing through a bridge


def bridge_hour(config: Config) -> float:
    """One more bridge alone for an hour: Fargate (its size, its architecture) + its IPv4."""
    book = price_book(config.region)
    arm = config.jitsi.cpu_architecture == "ARM64"
    cpu = book["fargate_arm_vcpu_hour" if arm else "fargate_vcpu_hour"].price
    gb = book["fargate_arm_gb_hour" if arm else "fargate_gb_hour"].price
    jvb = config.jitsi.jvb
    return jvb.cpu / 1024 * cpu + jvb.memory / 1024 * gb + book["public_ipv4_hour"].price


def meeting_hour_egress(config: Config, participants: int) -> tuple[float, float]:
    """(GB, USD past the free tier) of media egress for one meeting-hour of this size."""
    book = price_book(config.region)
    usage = Usage.model_validate(
        {
            **config.usage.model_dump(),
            "meetings_per_month": 1,
            "meeting_hours": 1.0,
            "participants_per_meeting": participants,
        }
    )
    gb = media_egress_gb(usage)
    return gb, gb * book["data_out_gb"].price


def figures(name: str) -> dict[str, Any]:
    config = parse_config(tomllib.loads((HERE / "configs" / f"{name}.toml").read_text()))
    plan = json.loads((HERE / "plans" / f"{name}.json").read_text())
    book = price_book(config.region)
    est = estimate(plan, config.usage, book)
    egress = sum(i.monthly for i in est.items if i.price_key == "data_out_gb")
    fixed = est.monthly_total - egress
    u = config.usage
    hours = u.meetings_per_month * u.meeting_hours
    return {
        "config": name,
        "region": config.region,
        "prices_date": book.date,
        "monthly_total": round(est.monthly_total, 2),
        "fixed_monthly": round(fixed, 2),
        "egress_monthly": round(egress, 2),
        "usage": {
            "meetings_per_month": u.meetings_per_month,
            "meeting_hours": u.meeting_hours,
            "participants_per_meeting": u.participants_per_meeting,
            "video_kbps_per_stream": u.video_kbps_per_stream,
        },
        "per_meeting_hour_at_usage": round(est.monthly_total / hours, 2) if hours else None,
        "free_egress_gb": book["data_out_gb"].free,
        "egress_per_meeting_hour": {
            str(n): {"gb": round(gb, 2), "usd": round(usd, 2)}
            for n in SIZES
            for gb, usd in [meeting_hour_egress(config, n)]
        },
        "bridge_alone_hour": round(bridge_hour(config), 4),
        "bridge_size": {"cpu": config.jitsi.jvb.cpu, "memory": config.jitsi.jvb.memory},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    results = [figures(name) for name in CONFIGS]
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    for r in results:
        u = r["usage"]
        print(f"{r['config']} ({r['region']}, prices of {r['prices_date']})")
        print(
            f"  monthly ${r['monthly_total']:.2f}: fixed ${r['fixed_monthly']:.2f}, "
            f"media egress ${r['egress_monthly']:.2f}"
        )
        print(
            f"  at [usage] ({u['meetings_per_month']} meetings x {u['meeting_hours']:g} h x "
            f"{u['participants_per_meeting']} people): ${r['per_meeting_hour_at_usage']:.2f} "
            "per meeting-hour, everything included"
        )
        print(
            f"  media egress of one meeting-hour at {u['video_kbps_per_stream']:g} kbit/s "
            f"per stream (after the first {r['free_egress_gb']:g} GB a month):"
        )
        for n, e in r["egress_per_meeting_hour"].items():
            print(f"    {n:>3} people: {e['gb']:7.2f} GB  ${e['usd']:.2f}")
        size = r["bridge_size"]
        print(
            f"  one more bridge alone ({size['cpu']} CPU units, {size['memory']} MiB) while it "
            f"runs: ${r['bridge_alone_hour']:.4f} an hour"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
