"""The emulator plays a real account: HTTPS through AWS_CA_BUNDLE only, IAM enforced for a
user holding exactly the policies a test gives it (tests/integration/account.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
import pytest

from tests.integration.account import AccountEmulator, make_tls, start_account

ACCOUNT = "123456789012"
REGION = "us-west-2"


def _allow(action: str | list[str], resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        _allow("ecs:ListClusters"),
        _allow("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/jitsi/*"),
    ],
}


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AccountEmulator]:
    emulator = start_account(tmp_path_factory.mktemp("account"))
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(scope="module")
def user(account: AccountEmulator) -> dict[str, str]:
    env = account.user("deployer", [("deploy", POLICY)])
    account.admin("ssm").put_parameter(Name="/jitsi/x", Value="v", Type="String")
    account.admin("ssm").put_parameter(Name="/other/x", Value="v", Type="String")
    account.enforce()
    return env


def _as(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, service: str) -> Any:
    """A client configured only by the environment, as the product's would be."""
    for key in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return boto3.client(service)


def _denied(call: Any, **kwargs: Any) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**kwargs)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    return str(caught.value.response["Error"]["Code"])


def test_the_server_answers_https_with_the_test_ca_only(
    account: AccountEmulator, tmp_path: Path
) -> None:
    assert account.endpoint.startswith("https://")
    assert account.answers()
    other_ca, _, _ = make_tls(tmp_path)
    other = AccountEmulator(account.proc, account.port, other_ca, account.log)
    assert not other.answers()  # a client trusting another CA refuses the certificate


def test_a_user_gets_exactly_its_actions(
    account: AccountEmulator, user: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ecs = _as(user, monkeypatch, "ecs")
    assert ecs.list_clusters()["clusterArns"] == []
    _denied(ecs.create_cluster, clusterName="jitsi")
    assert boto3.client("sts").get_caller_identity()["Arn"].endswith(":user/deployer")
