"""The price snapshot shipped with the package (prices.json), per region, and the user's
refreshed copy (`cost --refresh-prices`), which is only ever written to the user's cache."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jitsi_ecs.errors import UsageError
from jitsi_ecs.workspace import write_private

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
    cache = os.environ.get("XDG_CACHE_HOME", "")
    if not Path(cache).is_absolute():  # unset, empty or relative: ignored, as XDG says
        cache = str(Path.home() / ".cache")
    return Path(cache) / "jitsi-ecs" / SNAPSHOT


def load_snapshot(path: Path | None = None) -> dict[str, Any]:
    """path, else the user's refreshed snapshot if there is one, else the shipped one."""
    if path is None:
        path = user_snapshot_path() if user_snapshot_path().is_file() else snapshot_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("regions"), dict):
            raise ValueError("no regions")
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"cannot read the price snapshot {path}: {exc}",
            hint="Delete it to use the prices shipped with jitsi-ecs, or run "
            "`jitsi-ecs cost --refresh-prices` again.",
        ) from None
    return dict(data)


def write_user_snapshot(data: dict[str, Any]) -> Path:
    """Write a refreshed snapshot to the user's cache (never into the installed package)."""
    path = user_snapshot_path()
    if path.resolve().is_relative_to(snapshot_path().parent.resolve()):
        raise UsageError(
            f"refusing to write the price snapshot inside the installed package ({path})",
            hint="Point XDG_CACHE_HOME at a cache directory of your own.",
        )
    partial = path.with_name(f".{SNAPSHOT}.partial")
    try:
        write_private(partial, json.dumps(data, indent=2) + "\n")
        partial.replace(path)  # whole or not at all: a half-written snapshot is never read
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise UsageError(
            f"cannot write the price snapshot to {path}: {exc.strerror or exc}",
            hint="Make that directory writable, or set XDG_CACHE_HOME to a writable one.",
        ) from None
    return path


def price_book(region: str, snapshot: dict[str, Any] | None = None) -> PriceBook:
    data = snapshot or load_snapshot()
    regions = data["regions"]
    if region not in regions:
        raise UsageError(
            f"no prices for region {region}: the snapshot has {', '.join(sorted(regions))}",
            hint="With AWS credentials, run `jitsi-ecs cost --refresh-prices` on a config whose "
            f"region is {region} to add it from the Price List API.",
        )
    prices = {
        key: Price(key, float(p["price"]), str(p["unit"]), float(p.get("free", 0)))
        for key, p in regions[region].items()
    }
    return PriceBook(region, str(data["date"]), float(data["hours_per_month"]), prices)
