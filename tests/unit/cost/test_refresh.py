"""--refresh-prices reads the Price List API (stubbed here: no AWS in tests)."""

from __future__ import annotations

import json
from typing import Any

from botocore.stub import Stubber

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.cost.prices import load_snapshot
from jitsi_ecs.cost.refresh import refresh


def _product(price: str) -> str:
    return json.dumps(
        {
            "terms": {
                "OnDemand": {
                    "t": {
                        "priceDimensions": {
                            "free": {"beginRange": "0", "pricePerUnit": {"USD": "0.0000000000"}},
                            "paid": {"beginRange": "100", "pricePerUnit": {"USD": price}},
                        }
                    }
                }
            }
        }
    )


def test_refresh_prices_a_region_from_the_price_list() -> None:
    snapshot = load_snapshot()
    aws = AwsContext(region="us-east-1")
    aws._session = None
    client = aws.session.client(
        "pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    aws._clients["pricing"] = client
    stub = Stubber(client)
    keys = list(snapshot["regions"]["us-west-2"])
    for key in keys:
        expected: dict[str, Any] = {
            "ServiceCode": snapshot["regions"]["us-west-2"][key]["service_code"],
            "Filters": [
                {
                    "Type": "TERM_MATCH",
                    "Field": "usagetype",
                    "Value": snapshot["regions"]["us-west-2"][key]["usage_type"].removeprefix(
                        "USW2-"
                    ),
                }
            ],
            "MaxResults": 10,
        }
        body = [_product("0.0500000000")] if key == "fargate_vcpu_hour" else []
        stub.add_response("get_products", {"PriceList": body, "FormatVersion": "aws_v1"}, expected)
    with stub:
        updated = refresh(aws, snapshot, "us-east-1")
    east = updated["regions"]["us-east-1"]
    assert east["fargate_vcpu_hour"]["price"] == 0.05  # the first non-zero tier
    assert east["fargate_vcpu_hour"]["usage_type"] == "Fargate-vCPU-Hours:perCPU"
    assert "not found in the Price List; kept" in east["alb_hour"]["note"]
    assert updated["regions"]["us-west-2"] == snapshot["regions"]["us-west-2"]
    stub.assert_no_pending_responses()
