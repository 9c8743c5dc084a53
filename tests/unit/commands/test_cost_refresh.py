"""`cost --refresh-prices` through the CLI: the Price List API is public AWS, reached with the
normal credential chain in a Price List region whatever --target says; its failures are exit 2
with a message; the snapshot goes to the user's cache only. No network: the client is stubbed
and any HTTP request fails the test."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import botocore.exceptions
import botocore.httpsession
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

import jitsi_ecs.commands.cost as cost_command
from jitsi_ecs.cli import app
from jitsi_ecs.cost import refresh as refresh_module
from jitsi_ecs.cost.prices import load_snapshot, snapshot_path

runner = CliRunner()
PACKAGE = snapshot_path().parent.parent  # src/jitsi_ecs (or the installed package)


@pytest.fixture(autouse=True)
def no_aws(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No credentials, profile or endpoint from this machine, and no HTTP request at all."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(in_tmp / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(in_tmp / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # What `eval $(jitsi-ecs env)` leaves for the local target: the emulator's endpoint.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("XDG_CACHE_HOME", str(in_tmp / "cache"))

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a unit test made an HTTP request")

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", no_network)
    yield


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The Price List clients the command builds, made by the real factory."""
    made: list[Any] = []

    def factory(region: str) -> Any:
        client = refresh_module.pricing_client(region)
        made.append(client)
        return client

    monkeypatch.setattr(cost_command, "pricing_client", factory)
    return made


def stubbing(monkeypatch: pytest.MonkeyPatch, answer: Callable[[Stubber], None]) -> list[Any]:
    """The real factory's client, with the Price List's answers stubbed by `answer`."""
    made: list[Any] = []

    def factory(region: str) -> Any:
        client = refresh_module.pricing_client(region)
        stub = Stubber(client)
        answer(stub)
        stub.activate()
        made.append(client)
        return client

    monkeypatch.setattr(cost_command, "pricing_client", factory)
    return made


def every_price_at(price: str) -> Callable[[Stubber], None]:
    dimension = {"beginRange": "0", "pricePerUnit": {"USD": price}}
    product = json.dumps({"terms": {"OnDemand": {"t": {"priceDimensions": {"d": dimension}}}}})

    def answer(stub: Stubber) -> None:
        for _ in load_snapshot(snapshot_path())["regions"]["us-west-2"]:
            stub.add_response("get_products", {"PriceList": [product]})

    return answer


def package_json() -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in PACKAGE.rglob("*.json")}


@pytest.mark.parametrize("target", [[], ["--target", "local"], ["--target", "aws"]])
def test_refresh_reaches_the_price_list_without_any_emulator(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, target: list[str]
) -> None:
    """The local target with no emulator running (it would say NothingDeployed), and
    AWS_ENDPOINT_URL pointing at an emulator: the real Price List endpoint all the same."""
    made = stubbing(monkeypatch, every_price_at("0.0123000000"))
    shipped = snapshot_path().read_bytes()
    before, started = package_json(), time.time_ns()
    result = runner.invoke(app, ["cost", "--refresh-prices", *target])
    assert result.exit_code == 0, result.output
    [client] = made
    assert client.meta.region_name == "us-east-1"  # the config's region is us-west-2
    assert client.meta.endpoint_url == "https://api.pricing.us-east-1.amazonaws.com"
    cached = in_tmp / "cache" / "jitsi-ecs" / "prices.json"
    assert f"Wrote {cached}" in result.stderr.replace("\n", "")
    refreshed = load_snapshot(cached)["regions"]["us-west-2"]
    assert {e["price"] for e in refreshed.values()} == {0.0123}
    # Nothing written into the package: its snapshot unchanged, no JSON file new or touched.
    assert snapshot_path().read_bytes() == shipped
    after = package_json()
    assert after == before or not [p for p, t in after.items() if t >= started]
    assert not (in_tmp / ".jitsi-ecs").exists()  # no target workspace, no emulator


def test_a_european_stack_reads_the_price_list_in_frankfurt(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "jitsi-ecs.toml").write_text('region = "eu-west-1"\n')
    made = stubbing(monkeypatch, every_price_at("0.0200000000"))
    result = runner.invoke(app, ["cost", "--refresh-prices"])
    assert result.exit_code == 0, result.output
    assert [c.meta.region_name for c in made] == ["eu-central-1"]
    assert "eu-west-1" in load_snapshot(in_tmp / "cache" / "jitsi-ecs" / "prices.json")["regions"]


def access_denied(stub: Stubber) -> None:
    stub.add_client_error(
        "get_products",
        service_error_code="AccessDeniedException",
        service_message="User is not authorized to perform: pricing:GetProducts",
        http_status_code=400,
    )


def assert_usage_error(result: Any, in_tmp: Path, *says: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is not None
    assert isinstance(result.exception, SystemExit)
    assert "error: AWS Price List API (us-east-1)" in result.stderr
    for text in says:
        assert text in result.stderr.replace("\n", " ")
    assert "hint:" in result.stderr
    assert not (in_tmp / "cache" / "jitsi-ecs" / "prices.json").exists()


def test_access_denied_is_exit_2_naming_the_price_list(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stubbing(monkeypatch, access_denied)
    result = runner.invoke(app, ["cost", "--refresh-prices"])
    assert_usage_error(result, in_tmp, "AccessDeniedException", "pricing:GetProducts")


def test_no_credentials_is_exit_2_naming_the_price_list(in_tmp: Path, clients: list[Any]) -> None:
    """A real client on an empty credential chain (nothing stubbed, no network)."""
    result = runner.invoke(app, ["cost", "--refresh-prices"])
    assert [c.meta.region_name for c in clients] == ["us-east-1"]
    assert_usage_error(result, in_tmp, "no usable AWS credentials", "whatever --target")


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (botocore.exceptions.ConnectTimeoutError, "timed out"),
        (botocore.exceptions.ReadTimeoutError, "timed out"),
        (botocore.exceptions.EndpointConnectionError, "cannot reach AWS"),
    ],
)
def test_network_failures_are_exit_2(
    in_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    clients: list[Any],
    error: type[Exception],
    says: str,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    sent: list[str] = []

    def fail(_: Any, request: Any) -> Any:
        sent.append(request.url)
        raise error(endpoint_url=request.url)

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", fail)
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _: None)  # retries, at once
    result = runner.invoke(app, ["cost", "--refresh-prices"])
    assert_usage_error(result, in_tmp, says)
    assert sent and all(u.startswith("https://api.pricing.us-east-1.amazonaws.com") for u in sent)


def test_a_cache_that_cannot_be_written_is_exit_2(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "cache-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(in_tmp / "cache-file"))
    stubbing(monkeypatch, every_price_at("0.0100000000"))
    result = runner.invoke(app, ["cost", "--refresh-prices"])
    assert result.exit_code == 2, result.output
    assert "error: cannot write the price snapshot" in result.stderr
    assert "XDG_CACHE_HOME" in result.stderr and "Traceback" not in result.output


def test_an_unknown_region_is_exit_2_before_any_call(in_tmp: Path, clients: list[Any]) -> None:
    (in_tmp / "jitsi-ecs.toml").write_text('region = "eu-north-1"\n')
    result = runner.invoke(app, ["cost", "--refresh-prices"])
    assert result.exit_code == 2
    assert "cannot refresh prices for eu-north-1" in result.stderr
    assert clients == []
