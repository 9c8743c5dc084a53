"""Cost levers: what each one changes in the config, and what it saves on the planned stack.

Each lever is a config change; its saving is the difference between two estimates, each read
from a real `terraform plan` of the changed config (nothing is priced twice by hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from jitsi_ecs.config import Config, Schedule
from jitsi_ecs.cost.estimate import Estimate, estimate
from jitsi_ecs.cost.prices import PriceBook
from jitsi_ecs.stack import Stack


@dataclass(frozen=True)
class Lever:
    name: str
    change: dict[str, Any]  # merged into the config
    what: str  # the trade-off, in words


LEVERS: tuple[Lever, ...] = (
    Lever(
        "compact",
        {"jitsi": {"layout": "compact"}},
        "one task per shard (web, prosody, jicofo and a bridge); bridges alone added under load",
    ),
    Lever(
        "container-insights-off",
        {"observability": {"container_insights": False}},
        "availability alarms on free ALB and AWS/ECS metrics instead of Container Insights",
    ),
    Lever(
        "arm64",
        {"jitsi": {"cpu_architecture": "ARM64"}},
        "every service on Graviton (images are multi-arch)",
    ),
    Lever(
        "web-spot",
        {"jitsi": {"web": {"spot": True}}},
        "growth, x86: web tasks but one on Fargate Spot",
    ),
    Lever(
        "office-hours",
        {"jitsi": {"schedule": Schedule().model_dump()}},
        f"everything scaled to zero outside {Schedule().start_hour:02d}-"
        f"{Schedule().stop_hour:02d} UTC {Schedule().days}",
    ),
    Lever("logs-7-days", {"observability": {"log_retention_days": 7}}, "logs kept 7 days"),
)


def merged(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in change.items():
        out[key] = merged(out.get(key) or {}, value) if isinstance(value, dict) else value
    return out


def estimate_config(stack: Stack, config: Config, book: PriceBook) -> Estimate:
    stack.terraform.write_vars(stack.variables(config))
    return estimate(stack.terraform.plan().json, config.usage, book)


def compare(stack: Stack, book: PriceBook) -> list[dict[str, Any]]:
    """The current config and every applicable lever, with its monthly total and saving."""
    baseline = estimate_config(stack, stack.config, book)
    rows: list[dict[str, Any]] = [
        {
            "lever": "current config",
            "change": "",
            "monthly_total": baseline.monthly_total,
            "saving": 0.0,
        }
    ]
    try:
        for lever in LEVERS:
            try:
                changed = Config.model_validate(merged(stack.config.model_dump(), lever.change))
            except ValidationError as exc:
                # Another choice rules it out (a service on Spot cannot move to ARM64).
                reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
                rows.append(
                    {
                        "lever": lever.name,
                        "change": f"not applicable: {reason}",
                        "monthly_total": baseline.monthly_total,
                        "saving": 0.0,
                    }
                )
                continue
            if changed == stack.config:
                continue  # already pulled
            est = estimate_config(stack, changed, book)
            rows.append(
                {
                    "lever": lever.name,
                    "change": lever.what,
                    "monthly_total": est.monthly_total,
                    "saving": round(baseline.monthly_total - est.monthly_total, 2),
                }
            )
    finally:
        stack.terraform.write_vars(stack.variables())
    return rows
