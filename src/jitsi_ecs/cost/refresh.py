"""Rebuild the price snapshot from the AWS Price List API (needs AWS credentials)."""

from __future__ import annotations

import json
import time
from typing import Any

from jitsi_ecs.aws import AwsContext, calling
from jitsi_ecs.errors import UsageError

# Region prefix of usage types in the Price List (us-east-1 has none).
REGION_PREFIX = {
    "us-east-1": "",
    "us-east-2": "USE2-",
    "us-west-1": "USW1-",
    "us-west-2": "USW2-",
    "eu-west-1": "EU-",
    "eu-central-1": "EUC1-",
    "ap-southeast-1": "APS1-",
}


def _unit_price(product_json: str) -> float | None:
    """The first non-zero on-demand price per unit (past any free tier)."""
    product = json.loads(product_json)
    for term in product.get("terms", {}).get("OnDemand", {}).values():
        dims = sorted(term["priceDimensions"].values(), key=lambda d: float(d.get("beginRange", 0)))
        for dim in dims:
            usd = float(dim["pricePerUnit"].get("USD", 0))
            if usd > 0:
                return usd
    return None


def refresh(aws: AwsContext, snapshot: dict[str, Any], region: str) -> dict[str, Any]:
    """A copy of snapshot with region priced from the Price List API."""
    if region not in REGION_PREFIX:
        raise UsageError(
            f"cannot refresh prices for {region}: its Price List usage-type prefix is not known",
            hint=f"Known regions: {', '.join(sorted(REGION_PREFIX))}.",
        )
    template = snapshot["regions"].get(region) or next(iter(snapshot["regions"].values()))
    base = next(iter(snapshot["regions"]))
    base_prefix = REGION_PREFIX.get(base, "")
    pricing = aws.pricing  # the Price List API answers in us-east-1 (see aws.py)
    priced: dict[str, Any] = {}
    for key, entry in template.items():
        usage_type = REGION_PREFIX[region] + entry["usage_type"].removeprefix(base_prefix)
        with calling(f"read {entry['service_code']} {usage_type} from the Price List API"):
            response = pricing.get_products(
                ServiceCode=entry["service_code"],
                Filters=[{"Type": "TERM_MATCH", "Field": "usagetype", "Value": usage_type}],
                MaxResults=10,
            )
        prices = [p for p in (_unit_price(item) for item in response["PriceList"]) if p]
        new = {**entry, "usage_type": usage_type}
        if prices:
            new["price"] = min(prices)
        else:
            new["note"] = (entry.get("note", "") + " (not found in the Price List; kept)").strip()
        priced[key] = new
    updated = {**snapshot, "regions": {**snapshot["regions"], region: priced}}
    updated["date"] = time.strftime("%Y-%m-%d")
    return updated
