"""--refresh-prices reads the Price List API (stubbed here: no AWS in tests)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
import pytest
from botocore.stub import Stubber

from jitsi_ecs.cost import prices
from jitsi_ecs.cost.prices import load_snapshot, snapshot_path, write_user_snapshot
from jitsi_ecs.cost.refresh import (
    PRICE_LIST_REGIONS,
    price_list_region,
    pricing_client,
    refresh,
)
from jitsi_ecs.errors import EXIT_USAGE, UsageError


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


def _stubbed_client(region: str = "us-east-1") -> Any:
    return boto3.Session().client(
        "pricing", region_name=region, aws_access_key_id="x", aws_secret_access_key="x"
    )


def _expect(stub: Stubber, service_code: str, usage_type: str, body: list[str]) -> None:
    expected: dict[str, Any] = {
        "ServiceCode": service_code,
        "Filters": [{"Type": "TERM_MATCH", "Field": "usagetype", "Value": usage_type}],
        "MaxResults": 10,
    }
    stub.add_response("get_products", {"PriceList": body, "FormatVersion": "aws_v1"}, expected)


def test_refresh_prices_a_region_from_the_price_list() -> None:
    snapshot = load_snapshot(snapshot_path())
    client = _stubbed_client()
    stub = Stubber(client)
    west = snapshot["regions"]["us-west-2"]
    for key, entry in west.items():
        body = [_product("0.0500000000")] if key == "fargate_vcpu_hour" else []
        _expect(stub, entry["service_code"], entry["usage_type"].removeprefix("USW2-"), body)
    with stub:
        updated = refresh(snapshot, "us-east-1", client)
    east = updated["regions"]["us-east-1"]
    assert east["fargate_vcpu_hour"]["price"] == 0.05  # the first non-zero tier
    assert east["fargate_vcpu_hour"]["usage_type"] == "Fargate-vCPU-Hours:perCPU"
    assert "not found in the Price List; kept" in east["alb_hour"]["note"]
    assert updated["regions"]["us-west-2"] == snapshot["regions"]["us-west-2"]
    stub.assert_no_pending_responses()


@pytest.mark.parametrize("region", ["us-west-2", "us-east-2"])
def test_global_usage_types_keep_no_prefix_and_a_refreshed_region_is_not_prefixed_twice(
    region: str,
) -> None:
    """Route 53's HostedZone has no region prefix; refreshing a region already in the snapshot
    (us-west-2, or us-east-2 refreshed before) asks for its usage types once prefixed."""
    snapshot = load_snapshot(snapshot_path())
    prefix = {"us-west-2": "USW2-", "us-east-2": "USE2-"}[region]
    west = snapshot["regions"]["us-west-2"]
    snapshot["regions"][region] = {
        k: {**e, "usage_type": e["usage_type"].replace("USW2-", prefix)} for k, e in west.items()
    }
    asked: list[str] = []
    client = _stubbed_client()
    stub = Stubber(client)
    for entry in west.values():
        ut = entry["usage_type"]
        usage_type = prefix + ut.removeprefix("USW2-") if ut.startswith("USW2-") else ut
        asked.append(usage_type)
        _expect(stub, entry["service_code"], usage_type, [])
    with stub:
        refresh(snapshot, region, client)
    stub.assert_no_pending_responses()
    assert "HostedZone" in asked
    assert not [u for u in asked if u.startswith(prefix * 2)]


@pytest.mark.parametrize(
    ("region", "endpoint"),
    [
        ("us-west-2", "us-east-1"),
        ("us-east-1", "us-east-1"),
        ("ca-central-1", "us-east-1"),
        ("eu-west-1", "eu-central-1"),
        ("eu-central-1", "eu-central-1"),
        ("ap-southeast-1", "ap-south-1"),
    ],
)
def test_the_price_list_is_read_in_a_region_that_serves_it(region: str, endpoint: str) -> None:
    assert price_list_region(region) == endpoint
    assert endpoint in PRICE_LIST_REGIONS


def test_the_pricing_client_ignores_configured_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """`jitsi-ecs env` exports the emulator's endpoint; the Price List is real AWS only."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", "http://127.0.0.1:5001")
    client = pricing_client("eu-central-1")
    assert client.meta.region_name == "eu-central-1"
    assert client.meta.endpoint_url == "https://api.pricing.eu-central-1.amazonaws.com"
    with pytest.raises(ValueError, match="does not answer in us-west-2"):
        pricing_client("us-west-2")


def test_an_unknown_region_is_refused_before_any_call() -> None:
    with pytest.raises(UsageError, match="cannot refresh prices for eu-north-1"):
        refresh(load_snapshot(snapshot_path()), "eu-north-1", _stubbed_client())


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (botocore.exceptions.NoCredentialsError(), "no usable AWS credentials"),
        (botocore.exceptions.ProfileNotFound(profile="nope"), "no usable AWS credentials"),
        (botocore.exceptions.SSOTokenLoadError(error_msg="expired"), "no usable AWS credentials"),
        (botocore.exceptions.ConnectTimeoutError(endpoint_url="https://x"), "timed out"),
        (botocore.exceptions.ReadTimeoutError(endpoint_url="https://x"), "timed out"),
        (botocore.exceptions.EndpointConnectionError(endpoint_url="https://x"), "cannot reach"),
        (botocore.exceptions.ConnectionClosedError(endpoint_url="https://x"), "cannot reach"),
        (
            botocore.exceptions.ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetProducts"
            ),
            "AWS refused GetProducts (AccessDeniedException): no",
        ),
        (botocore.exceptions.ParamValidationError(report="bad filter"), "bad filter"),
    ],
)
def test_every_botocore_failure_is_a_usage_error_naming_the_price_list(
    error: Exception, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _stubbed_client("ap-south-1")

    def fail(**_: Any) -> Any:
        raise error

    monkeypatch.setattr(client, "get_products", fail)
    with pytest.raises(UsageError) as caught:
        refresh(load_snapshot(snapshot_path()), "us-east-1", client)
    assert type(caught.value) is UsageError
    assert caught.value.exit_code == EXIT_USAGE
    assert caught.value.message.startswith("AWS Price List API (ap-south-1): read ")
    assert says in caught.value.message
    assert caught.value.hint


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        (
            botocore.exceptions.ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetProducts"
            ),
            "pricing:GetProducts",
        ),
        (
            botocore.exceptions.ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetProducts"
            ),
            "denies the Price List region ap-south-1",
        ),
        (
            botocore.exceptions.ClientError(
                {"Error": {"Code": "UnrecognizedClientException", "Message": "no"}}, "GetProducts"
            ),
            "the emulator's",
        ),
        (
            botocore.exceptions.ClientError(
                {"Error": {"Code": "ExpiredTokenException", "Message": "no"}}, "GetProducts"
            ),
            "session expired",
        ),
        (botocore.exceptions.NoCredentialsError(), "whatever --target"),
        (
            botocore.exceptions.ReadTimeoutError(endpoint_url="https://x"),
            "api.pricing.ap-south-1.amazonaws.com must be reachable over HTTPS",
        ),
        (
            botocore.exceptions.EndpointConnectionError(endpoint_url="https://x"),
            "api.pricing.ap-south-1.amazonaws.com must be reachable over HTTPS",
        ),
    ],
)
def test_price_list_failures_carry_the_price_list_hints(
    error: Exception, hint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _stubbed_client("ap-south-1")

    def fail(**_: Any) -> Any:
        raise error

    monkeypatch.setattr(client, "get_products", fail)
    with pytest.raises(UsageError) as caught:
        refresh(load_snapshot(snapshot_path()), "us-east-1", client)
    assert caught.value.hint and hint in caught.value.hint


def test_a_missing_profile_is_a_usage_error_when_the_client_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    with pytest.raises(UsageError) as caught:
        pricing_client("us-east-1")
    assert caught.value.message.startswith(
        "AWS Price List API (us-east-1): create a client: no usable AWS credentials"
    )
    assert "no-such-profile" in caught.value.message
    assert caught.value.hint and "whatever --target" in caught.value.hint


def test_the_refreshed_snapshot_goes_to_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    shipped = snapshot_path().read_bytes()
    data = {**load_snapshot(snapshot_path()), "date": "2099-01-01"}
    path = write_user_snapshot(data)
    assert path == tmp_path / "jitsi-ecs" / "prices.json"
    assert load_snapshot()["date"] == "2099-01-01"  # now takes precedence
    assert snapshot_path().read_bytes() == shipped
    assert sorted(p.name for p in path.parent.iterdir()) == ["prices.json"]  # no partial left
    assert os.stat(path).st_mode & 0o077 == 0


def test_an_unwritable_cache_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    with pytest.raises(UsageError, match="cannot write the price snapshot"):
        write_user_snapshot(load_snapshot(snapshot_path()))


def test_the_cache_is_never_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    package = snapshot_path().parent
    monkeypatch.setattr(prices, "user_snapshot_path", lambda: package / "prices.json")
    with pytest.raises(UsageError, match="inside the installed package"):
        write_user_snapshot({"date": "2099-01-01", "regions": {}})


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    assert prices.user_snapshot_path() == Path.home() / ".cache" / "jitsi-ecs" / "prices.json"


def test_a_corrupt_user_snapshot_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "jitsi-ecs").mkdir()
    (tmp_path / "jitsi-ecs" / "prices.json").write_text('{"date": ')
    with pytest.raises(UsageError, match="cannot read the price snapshot") as caught:
        load_snapshot()
    assert caught.value.hint and "Delete it" in caught.value.hint
