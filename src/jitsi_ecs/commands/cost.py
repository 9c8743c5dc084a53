"""`jitsi-ecs cost [--json] [--compare] [--refresh-prices]`: what the planned stack will cost."""

from __future__ import annotations

import json
from typing import Any

from rich.table import Table

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import deployment
from jitsi_ecs.config import Config, load_config
from jitsi_ecs.cost.estimate import Estimate, estimate
from jitsi_ecs.cost.prices import load_snapshot, price_book, snapshot_path
from jitsi_ecs.cost.refresh import refresh
from jitsi_ecs.cost.report import print_estimate
from jitsi_ecs.deployment import Deployment
from jitsi_ecs.errors import EXIT_OK
from jitsi_ecs.ui import err, out, print_json

# Each lever: a name, what it changes in the config, and the trade-off it brings.
LEVERS: dict[str, tuple[dict[str, Any], str]] = {
    "arm64": (
        {"jitsi": {"cpu_architecture": "ARM64"}},
        "every service on Graviton (images are multi-arch)",
    ),
    "web-spot": (
        {"jitsi": {"web": {"spot": True}}},
        "web tasks but one on Fargate Spot (stateless)",
    ),
    "office-hours": (
        {"jitsi": {"schedule": {"days": "MON-FRI", "start_hour": 7, "stop_hour": 19}}},
        "everything scaled to zero outside 07-19 UTC Mon-Fri",
    ),
    "logs-7-days": ({"observability": {"log_retention_days": 7}}, "container logs kept 7 days"),
}


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in change.items():
        merged[key] = _merge(merged.get(key) or {}, value) if isinstance(value, dict) else value
    return merged


def estimate_plan(dep: Deployment, config: Config) -> Estimate:
    dep.terraform.write_vars(_vars(dep, config))
    with err.status("terraform plan..."):
        _, plan = dep.terraform.plan()
    return estimate(plan, config.usage, price_book(config.region))


def _vars(dep: Deployment, config: Config) -> dict[str, Any]:
    # Keep the target-specific variables prepare() wrote (emulator switches, local zone).
    current = json.loads((dep.workspace.stack_dir / "terraform.tfvars.json").read_text())
    keep = ("aws_provider", "route53_zone_id", "telemetry_package")
    extra = {k: v for k, v in current.items() if k in keep}
    return {**config.terraform_vars(), **extra}


def compare(dep: Deployment, config: Config) -> list[dict[str, Any]]:
    rows = []
    baseline = estimate_plan(dep, config)
    try:
        for name, (change, what) in LEVERS.items():
            changed = Config.model_validate(_merge(config.model_dump(), change))
            est = estimate_plan(dep, changed)
            rows.append(
                {
                    "lever": name,
                    "change": what,
                    "monthly_total": est.monthly_total,
                    "saving": round(baseline.monthly_total - est.monthly_total, 2),
                }
            )
    finally:
        dep.terraform.write_vars(_vars(dep, config))
    return [
        {
            "lever": "current config",
            "change": "",
            "monthly_total": baseline.monthly_total,
            "saving": 0.0,
        },
        *rows,
    ]


def print_compare(rows: list[dict[str, Any]]) -> None:
    table = Table(title="Cost levers against the current config")
    for col in ("lever", "what changes", "USD/month", "saving"):
        table.add_column(col, justify="right" if col in ("USD/month", "saving") else "left")
    for row in rows:
        table.add_row(
            row["lever"], row["change"], f"{row['monthly_total']:,.2f}", f"{row['saving']:,.2f}"
        )
    out.print(table)


def refresh_prices(g: Globals) -> int:
    config = load_config(g.config_path)
    aws = AwsContext(region=config.region)
    aws.account_id()  # clear error without credentials
    path = snapshot_path()
    with err.status(f"Reading {config.region} prices from the AWS Price List API..."):
        updated = refresh(aws, load_snapshot(path), config.region)
    path.write_text(json.dumps(updated, indent=2) + "\n")
    err.print(f"Wrote {path} ({config.region}, {updated['date']}).")
    return EXIT_OK


def run(g: Globals, as_json: bool, with_compare: bool, refresh: bool) -> int:
    if refresh:
        return refresh_prices(g)
    config, dep = deployment(g, "cost")
    price_book(config.region)  # unknown region: clear error before planning
    if with_compare:
        rows = compare(dep, config)
        print_json(rows) if as_json else print_compare(rows)
        return EXIT_OK
    est = estimate_plan(dep, config)
    if as_json:
        print_json(est.as_json())
    else:
        print_estimate(out, est)
    return EXIT_OK
