"""The emulator plays a real account: HTTPS through AWS_CA_BUNDLE only, IAM enforced for a
user holding exactly the policies a test gives it (tests/integration/account.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
import pytest

from jitsi_ecs.targets.aws import tls_only_policy
from tests.integration.account import AccountEmulator, make_tls, start_account

ACCOUNT = "123456789012"
REGION = "us-west-2"


def _allow(action: str | list[str], resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


STATE = f"jitsi-ecs-tfstate-{ACCOUNT}-{REGION}"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        _allow("ecs:ListClusters"),
        _allow("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/jitsi/*"),
        # IAM prefixes and actions, not signing names and operations
        _allow(["cloudwatch:DescribeAlarms", "budgets:ViewBudget"]),
        # REST calls without a body (moto's signature check failed them)
        _allow(["lambda:ListFunctions", "route53:ListHostedZones", "scheduler:ListSchedules"]),
        _allow("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/jitsi-*"),
        # the Terraform S3 backend's calls on the state bucket and its lock file
        _allow("s3:ListBucket", f"arn:aws:s3:::{STATE}"),
        _allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], f"arn:aws:s3:::{STATE}/*"),
        _allow("s3:GetEncryptionConfiguration", f"arn:aws:s3:::{STATE}"),
    ],
}
SSE_RULE = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


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
    s3 = account.admin("s3")
    for bucket in (STATE, "someone-else"):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only_policy(bucket)))
        s3.put_bucket_encryption(
            Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [SSE_RULE]}
        )
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
    # a JSON service answers a refusal in JSON, as AWS does: the SDK reads its code
    assert _denied(ecs.create_cluster, clusterName="jitsi") == "AccessDeniedException"
    assert boto3.client("sts").get_caller_identity()["Arn"].endswith(":user/deployer")


def test_a_resource_scoped_allow_permits_by_action_where_the_resource_is_unknown(
    account: AccountEmulator, user: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto does not know an SSM call's resource: the statement's Resource is not judged
    ssm = _as(user, monkeypatch, "ssm")
    assert ssm.get_parameter(Name="/jitsi/x")["Parameter"]["Value"] == "v"
    assert _denied(ssm.put_parameter, Name="/jitsi/y", Value="v", Type="String") == (
        "AccessDeniedException"
    )


def test_iam_actions_not_signing_names_are_checked(
    account: AccountEmulator, user: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _as(user, monkeypatch, "cloudwatch").describe_alarms()["MetricAlarms"] == []
    budgets = _as(user, monkeypatch, "budgets")
    assert budgets.describe_budgets(AccountId=ACCOUNT).get("Budgets", []) == []
    _denied(
        budgets.create_budget,
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": "b",
            "BudgetLimit": {"Amount": "5", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
    )


def test_rest_calls_without_a_body_pass_the_signature_check(
    account: AccountEmulator, user: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _as(user, monkeypatch, "lambda").list_functions()["Functions"] == []
    assert _as(user, monkeypatch, "route53").list_hosted_zones()["HostedZones"] == []
    assert _as(user, monkeypatch, "scheduler").list_schedules()["Schedules"] == []
    assert _denied(_as(user, monkeypatch, "lambda").list_layers) == "AccessDeniedException"


def test_the_state_bucket_serves_its_user_over_https_despite_its_tls_only_policy(
    account: AccountEmulator, user: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s3 = _as(user, monkeypatch, "s3")
    lock = "jitsi/terraform.tfstate.tflock"
    etag = s3.put_object(Bucket=STATE, Key=lock, Body=b"{}")["ETag"]
    assert s3.head_object(Bucket=STATE, Key=lock)["ETag"] == etag
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=STATE)["Contents"]] == [lock]
    s3.delete_object(Bucket=STATE, Key=lock)
    # the resource is judged for S3: another bucket, the bucket itself for object actions
    assert _denied(s3.put_object, Bucket="someone-else", Key="k", Body=b"x") == "AccessDenied"
    assert _denied(s3.list_objects_v2, Bucket="someone-else") == "AccessDenied"
    assert _denied(s3.get_bucket_policy, Bucket=STATE) == "AccessDenied"
    # a bucket subresource is its own IAM action (moto checked ?encryption as ListBucket)
    assert s3.get_bucket_encryption(Bucket=STATE)["ServerSideEncryptionConfiguration"]["Rules"]
    assert _denied(s3.get_bucket_ownership_controls, Bucket=STATE) == "AccessDenied"
    assert (
        _denied(
            s3.put_bucket_encryption,
            Bucket=STATE,
            ServerSideEncryptionConfiguration={"Rules": [SSE_RULE]},
        )
        == "AccessDenied"
    )


def test_iam_judges_the_role_a_call_names(
    account: AccountEmulator, user: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    iam = _as(user, monkeypatch, "iam")
    assert iam.create_role(RoleName="jitsi-x", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    assert _denied(iam.create_role, RoleName="other", AssumeRolePolicyDocument=TRUST) == (
        "AccessDenied"
    )
