"""Target plumbing: the S3 state backend for real accounts, the emulator's DNS zone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.deployment import delete_local_zone, ensure_state_bucket, local_zone, parent_zone
from jitsi_ecs.errors import UsageError


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsContext]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        yield AwsContext(region="us-west-2")


def test_state_bucket_is_created_only_after_asking(aws: AwsContext) -> None:
    asked: list[str] = []
    with pytest.raises(UsageError, match="refusing to keep a real account's state on this disk"):
        ensure_state_bucket(aws, Config(), lambda q: asked.append(q) or False)
    assert asked and "jitsi-ecs-tfstate-123456789012-us-west-2" in asked[0]
    assert aws.client("s3").list_buckets()["Buckets"] == []

    backend = ensure_state_bucket(aws, Config(), lambda q: True)
    assert backend == {
        "bucket": "jitsi-ecs-tfstate-123456789012-us-west-2",
        "key": "jitsi/terraform.tfstate",
        "region": "us-west-2",
        "encrypt": "true",
        "use_lockfile": "true",
    }
    s3 = aws.client("s3")
    assert s3.get_bucket_versioning(Bucket=backend["bucket"])["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=backend["bucket"])["ServerSideEncryptionConfiguration"][
        "Rules"
    ][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=backend["bucket"])["PublicAccessBlockConfiguration"]
    assert all(block.values())
    # second use: no question asked
    assert ensure_state_bucket(aws, Config(), lambda q: pytest.fail("asked again")) == backend


def test_local_zone_is_made_once_and_removed(aws: AwsContext) -> None:
    assert (
        parent_zone("meet.example.com") == "example.com"
        and parent_zone("example.com") == "example.com"
    )
    zone = local_zone(aws, "meet.example.com")
    assert local_zone(aws, "meet.example.com") == zone
    delete_local_zone(aws, "meet.example.com")
    assert aws.client("route53").list_hosted_zones()["HostedZones"] == []
