"""The price snapshot shipped with the package (prices.json), per region."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jitsi_ecs.errors import UsageError

SNAPSHOT = "prices.json"


@dataclass(frozen=True)
class Price:
    key: str
    price: float
    unit: str
    free: float = 0.0  # free tier per month, in the unit


@dataclass(frozen=True)
class PriceBook:
    region: str
    date: str
    hours_per_month: float
    prices: dict[str, Price]

    def __getitem__(self, key: str) -> Price:
        return self.prices[key]


def snapshot_path() -> Path:
    """The snapshot shipped with the package (never written: it may be read-only)."""
    return Path(str(resources.files("jitsi_ecs.cost").joinpath(SNAPSHOT)))


def user_snapshot_path() -> Path:
    """Where `cost --refresh-prices` writes: the user's cache, which then takes precedence."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "jitsi-ecs" / SNAPSHOT


def load_snapshot(path: Path | None = None) -> dict[str, Any]:
    """path, else the user's refreshed snapshot if there is one, else the shipped one."""
    if path is None:
        path = user_snapshot_path() if user_snapshot_path().is_file() else snapshot_path()
    return dict(json.loads(path.read_text(encoding="utf-8")))


def price_book(region: str, snapshot: dict[str, Any] | None = None) -> PriceBook:
    data = snapshot or load_snapshot()
    regions = data["regions"]
    if region not in regions:
        raise UsageError(
            f"no prices for region {region}: the snapshot has {', '.join(sorted(regions))}",
            hint="Run `jitsi-ecs cost --refresh-prices --region "
            f"{region}` with AWS credentials to add it from the Price List API.",
        )
    prices = {
        key: Price(key, float(p["price"]), str(p["unit"]), float(p.get("free", 0)))
        for key, p in regions[region].items()
    }
    return PriceBook(region, str(data["date"]), float(data["hours_per_month"]), prices)
