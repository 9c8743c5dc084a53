"""The aws target: a hardened state bucket, and no apply, destroy or drill without asking."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber
from moto import mock_aws

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.cost.estimate import Estimate, Item
from jitsi_ecs.errors import JitsiEcsError, NothingDeployed, UsageError
from jitsi_ecs.targets import Prompt
from jitsi_ecs.targets.aws import STATE_VERSIONS_RULE, AwsTarget, tls_only_policy
from jitsi_ecs.terraform import PlanSummary
from jitsi_ecs.workspace import Workspace

BUCKET = "jitsi-ecs-tfstate-123456789012-us-west-2"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsContext]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        yield AwsContext(region="us-west-2")


def _target(
    tmp_path: Path, answers: list[bool] | None = None, typed: str = "", yes: bool = False
) -> tuple[AwsTarget, list[str]]:
    asked: list[str] = []
    replies = iter(answers or [])

    def confirm(question: str) -> bool:
        asked.append(question)
        return next(replies, False)

    def text(question: str) -> str:
        asked.append(question)
        return typed

    return AwsTarget(Workspace.for_target("aws", tmp_path), Prompt(confirm, text), yes), asked


def test_state_bucket_is_created_only_after_asking_and_hardened(
    aws: AwsContext, tmp_path: Path
) -> None:
    refusing, asked = _target(tmp_path, [False])
    with pytest.raises(UsageError, match="refusing to keep a real account's state on this disk"):
        refusing.backend(Config(), aws, create=True)
    assert asked and BUCKET in asked[0]
    assert aws.s3.list_buckets()["Buckets"] == []

    target, _ = _target(tmp_path, [True])
    backend = target.backend(Config(), aws, create=True)
    assert backend == {
        "bucket": BUCKET,
        "key": "jitsi/terraform.tfstate",
        "region": "us-west-2",
        "encrypt": "true",
        "use_lockfile": "true",
    }
    s3 = aws.s3
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert policy == tls_only_policy(BUCKET)
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    # issue 21: replaced state versions (the app client secret of their time) expire
    rules = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert [r["NoncurrentVersionExpiration"] for r in rules] == [{"NoncurrentDays": 30}]


def test_the_state_version_expiry_follows_the_config_and_keeps_other_rules(
    aws: AwsContext, tmp_path: Path
) -> None:
    _target(tmp_path, [True])[0].backend(Config(), aws, create=True)
    other = {
        "ID": "mine",
        "Filter": {"Prefix": "x/"},
        "Status": "Enabled",
        "Expiration": {"Days": 9},
    }
    aws.s3.put_bucket_lifecycle_configuration(
        Bucket=BUCKET, LifecycleConfiguration={"Rules": [other]}
    )
    target, _ = _target(tmp_path)
    target.backend(Config(state_version_days=7), aws, create=True)
    rules = {r["ID"]: r for r in aws.s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]}
    assert set(rules) == {"mine", STATE_VERSIONS_RULE}
    assert rules[STATE_VERSIONS_RULE]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}


def test_protections_are_checked_and_restored_on_every_run(aws: AwsContext, tmp_path: Path) -> None:
    _target(tmp_path, [True])[0].backend(Config(), aws, create=True)
    aws.s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    aws.s3.delete_bucket_policy(Bucket=BUCKET)
    target, asked = _target(tmp_path)  # a second run: nothing asked
    target.backend(Config(), aws, create=True)
    assert asked == []
    assert aws.s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    assert json.loads(aws.s3.get_bucket_policy(Bucket=BUCKET)["Policy"]) == tls_only_policy(BUCKET)


def test_a_read_only_attach_changes_nothing_on_the_bucket(aws: AwsContext, tmp_path: Path) -> None:
    _target(tmp_path, [True])[0].backend(Config(), aws, create=True)
    aws.s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    calls: list[str] = []
    aws.s3.meta.events.register(
        "provide-client-params.s3.*", lambda model, **_: calls.append(model.name)
    )
    backend = _target(tmp_path)[0].backend(Config(), aws, create=False, write=False)
    assert backend is not None and backend["bucket"] == BUCKET
    assert [c for c in calls if not c.startswith(("Get", "Head", "List"))] == []
    assert aws.s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Suspended"
    # down (create=False, but it writes the state) still puts the protections back.
    _target(tmp_path)[0].backend(Config(), aws, create=False)
    assert aws.s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"


def test_every_state_bucket_call_names_the_expected_owner(aws: AwsContext, tmp_path: Path) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, params))

    aws.s3.meta.events.register("provide-client-params.s3.*", record)
    _target(tmp_path, [True])[0].backend(Config(), aws, create=True)
    _target(tmp_path)[0].backend(Config(), aws, create=True)
    owned = [name for name, params in calls if name != "CreateBucket"]
    assert len(owned) > 8
    assert all(
        params.get("ExpectedBucketOwner") == "123456789012"
        for _, params in calls
        if _ != "CreateBucket"
    )


def test_a_bucket_someone_else_owns_is_refused(aws: AwsContext, tmp_path: Path) -> None:
    aws.account_id()
    with Stubber(aws.s3) as stub:
        stub.add_client_error("head_bucket", service_error_code="403", http_status_code=403)
        with pytest.raises(UsageError, match="does not own it"):
            _target(tmp_path, [True])[0].backend(Config(), aws, create=True)


def test_read_only_commands_never_create_the_bucket(aws: AwsContext, tmp_path: Path) -> None:
    target, asked = _target(tmp_path, [True])
    with pytest.raises(NothingDeployed, match=r"state bucket .* does not exist"):
        target.backend(Config(), aws, create=False)
    assert asked == [] and aws.s3.list_buckets()["Buckets"] == []


def test_destroy_needs_the_stack_name_typed(aws: AwsContext, tmp_path: Path) -> None:
    wrong, asked = _target(tmp_path, typed="yes")
    with pytest.raises(UsageError, match="the stack name was not typed"):
        wrong.confirm_destroy(Config(), aws)
    assert "Type the stack name (jitsi)" in asked[0] and "123456789012" in asked[0]
    right, _ = _target(tmp_path, typed="jitsi")
    right.confirm_destroy(Config(), aws)
    automated, asked = _target(tmp_path, yes=True)
    automated.confirm_destroy(Config(), aws)
    assert asked == []


def test_apply_and_disruptive_drills_need_a_yes(tmp_path: Path) -> None:
    summary = PlanSummary(1, 2, 0, [])
    no, asked = _target(tmp_path, [False, False])
    with pytest.raises(UsageError, match="not applied"):
        no.confirm_apply(summary)
    with pytest.raises(UsageError, match="not confirmed"):
        no.confirm_disruption("The drill ends meetings.")
    assert "3 change(s)" in asked[0] and "ends meetings" in asked[1]
    _target(tmp_path, [True])[0].confirm_apply(summary)
    _target(tmp_path, yes=True)[0].confirm_disruption("x")


def _estimate(monthly: float) -> Estimate:
    return Estimate(
        [Item("r", "c", 1, "u", monthly, monthly)], [5, 10, 60], "2026-11-26", "us-west-2"
    )


def test_cost_gate_refuses_a_plan_above_the_highest_budget(tmp_path: Path) -> None:
    target, _ = _target(tmp_path)
    with pytest.raises(JitsiEcsError, match=r"above the highest budget \(\$60\)") as info:
        target.cost_gate(_estimate(61), accept_cost=False)
    assert "--accept-cost" in (info.value.hint or "")
    target.cost_gate(_estimate(61), accept_cost=True)
    target.cost_gate(_estimate(59), accept_cost=False)


def test_the_auth_function_gets_the_pinned_adot_layer_of_the_region(
    aws: AwsContext, tmp_path: Path
) -> None:
    target, _ = _target(tmp_path)
    layer = "arn:aws:lambda:us-west-2:615299751070:layer:AWSOpenTelemetryDistroPython:33"
    assert target.adot_lambda_layer(Config()) == layer
    assert target.tool_variables(Config(), aws) == {"adot_lambda_layer_arn": layer}
    assert target.adot_lambda_layer(Config(region="us-east-1")) == (
        "arn:aws:lambda:us-east-1:615299751070:layer:AWSOpenTelemetryDistroPython:29"
    )
    # No page, no layer; no layer published in a region: the function runs without ADOT.
    assert target.adot_lambda_layer(Config(auth={"enabled": False})) is None
    assert target.adot_lambda_layer(Config(region="us-gov-west-1")) is None
    assert target.tool_variables(Config(region="us-gov-west-1"), aws) == {}


def test_an_s3_compatible_endpoint_reaches_the_backend_and_provider_path_style(
    aws: AwsContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AWS_ENDPOINT_URL (LocalStack, MinIO, the emulator playing an account): the state
    backend and the provider's S3 calls go there, path-style; AWS itself needs neither."""
    target, _ = _target(tmp_path, [True])
    plain = target.backend(Config(), aws, create=True)
    assert "endpoints" not in plain and "use_path_style" not in plain
    assert "aws_provider" not in target.tool_variables(Config(), aws)

    monkeypatch.setattr(aws, "custom_endpoint", lambda service: "https://127.0.0.1:4566")
    backend = target.backend(Config(), aws, create=True)
    assert backend["endpoints"] == '{s3="https://127.0.0.1:4566"}'
    assert backend["use_path_style"] == "true"
    assert target.tool_variables(Config(), aws)["aws_provider"] == {"s3_use_path_style": True}


def test_custom_endpoints_are_what_boto3_resolves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    assert AwsContext(region="us-west-2").custom_endpoint("s3") is None
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://127.0.0.1:4566")
    assert AwsContext(region="us-west-2").custom_endpoint("s3") == "https://127.0.0.1:4566"
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://minio.internal:9000")
    assert AwsContext(region="us-west-2").custom_endpoint("s3") == "http://minio.internal:9000"
    assert AwsContext(region="us-west-2").custom_endpoint("ecs") is None


def test_a_hardened_bucket_is_left_alone(aws: AwsContext, tmp_path: Path) -> None:
    """S3 reports its encryption with more keys than were put (BucketKeyEnabled): a second
    run must see it as on, change nothing and say nothing."""
    from jitsi_ecs.targets.aws import StateBucket

    _target(tmp_path, [True])[0].backend(Config(), aws, create=True)
    aws.s3.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                    "BucketKeyEnabled": False,
                }
            ]
        },
    )
    assert StateBucket(aws.s3, "123456789012", "us-west-2").harden() == []
