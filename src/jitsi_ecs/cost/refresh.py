"""Rebuild the price snapshot from the AWS Price List API (needs AWS credentials).

The Price List API is public AWS: it is always reached with the normal AWS credential chain
(AWS_PROFILE, `aws configure`, SSO, environment variables), never through a deployment target
or the emulator, and only in the regions that serve it. Every botocore failure becomes a
UsageError (exit 2) that names the API (`aws.calling` with the Price List's hints).
"""

from __future__ import annotations

import json
import time
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import boto3
import botocore.config

from jitsi_ecs.aws import calling
from jitsi_ecs.errors import UsageError

if TYPE_CHECKING:
    from mypy_boto3_pricing import PricingClient

# The Price List API answers only here (any of them returns every region's prices).
PRICE_LIST_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")

# Real AWS only: a configured endpoint (AWS_ENDPOINT_URL, as `jitsi-ecs env` exports for the
# emulator, or endpoint_url in ~/.aws/config) must not send the Price List calls elsewhere.
_CLIENT_OPTIONS: dict[str, Any] = {
    "retries": {"max_attempts": 4, "mode": "standard"},
    "connect_timeout": 10,
    "read_timeout": 30,
    "ignore_configured_endpoint_urls": True,  # botocore >= 1.31; not in botocore-stubs yet
}
_CLIENT_CONFIG = botocore.config.Config(**_CLIENT_OPTIONS)

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

_CREDENTIALS_HINT = (
    "The Price List API is public AWS, read with your own AWS credentials whatever --target "
    "says: configure the normal credential chain (AWS_PROFILE, `aws configure`, `aws sso login` "
    "or environment variables). Any account works; the role needs pricing:GetProducts."
)
_ACCESS_HINT = (
    "The credentials lack pricing:GetProducts (the AWSPriceListServiceFullAccess managed policy "
    "has it), or a service control policy denies the Price List region {region}."
)


def price_list_region(region: str) -> str:
    """The Price List region nearest the stack's region."""
    if region in PRICE_LIST_REGIONS:
        return region
    if region.startswith(("eu-", "me-", "af-", "il-")):
        return "eu-central-1"
    if region.startswith("ap-"):
        return "ap-south-1"
    return "us-east-1"


def _calling_price_list(region: str, what: str) -> AbstractContextManager[None]:
    """`aws.calling` for a Price List call in `region`: every failure is a UsageError."""
    access = _ACCESS_HINT.format(region=region)
    return calling(
        f"AWS Price List API ({region}): {what}",
        error=UsageError,
        hints={"AccessDenied": access, "AccessDeniedException": access},
        endpoint=f"api.pricing.{region}.amazonaws.com",
        credentials_hint=_CREDENTIALS_HINT,
    )


def pricing_client(region: str) -> PricingClient:
    """A Price List client in `region` (one of PRICE_LIST_REGIONS) on the normal credential
    chain, with AWS's own endpoint whatever the environment configures."""
    if region not in PRICE_LIST_REGIONS:
        raise ValueError(f"the Price List API does not answer in {region}")
    with _calling_price_list(region, "create a client"):
        return boto3.Session().client("pricing", region_name=region, config=_CLIENT_CONFIG)


def check_region(region: str) -> None:
    """UsageError unless the Price List usage types of `region` are known."""
    if region not in REGION_PREFIX:
        raise UsageError(
            f"cannot refresh prices for {region}: its Price List usage-type prefix is not known",
            hint=f"Known regions: {', '.join(sorted(REGION_PREFIX))}.",
        )


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


def _template(snapshot: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The entries of a snapshot region whose usage types carry a prefix, and that prefix (so
    global usage types, which carry none, can be told apart), else the first region's."""
    regions: dict[str, Any] = snapshot["regions"]
    for name, entries in regions.items():
        if REGION_PREFIX.get(name):
            return entries, REGION_PREFIX[name]
    first = next(iter(regions))
    return regions[first], REGION_PREFIX.get(first, "")


def _usage_type(template: str, template_prefix: str, prefix: str) -> str:
    """The usage type of `template` in the region of `prefix`; global ones stay as they are."""
    if not template_prefix:
        return prefix + template
    if template.startswith(template_prefix):
        return prefix + template.removeprefix(template_prefix)
    return template  # a global usage type (Route 53's HostedZone)


def refresh(
    snapshot: dict[str, Any], region: str, pricing: PricingClient | None = None
) -> dict[str, Any]:
    """A copy of snapshot with region priced from the Price List API (pricing: a client in a
    Price List region; by default one near `region`)."""
    check_region(region)
    if pricing is None:
        pricing = pricing_client(price_list_region(region))
    endpoint_region = pricing.meta.region_name
    template, base_prefix = _template(snapshot)
    priced: dict[str, Any] = {}
    for key, entry in template.items():
        usage_type = _usage_type(entry["usage_type"], base_prefix, REGION_PREFIX[region])
        with _calling_price_list(endpoint_region, f"read {entry['service_code']} {usage_type}"):
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
