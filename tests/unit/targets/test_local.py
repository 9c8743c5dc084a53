"""The local target: its DNS zone in the emulator, its provider switches, nothing to ask."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.targets.local import EMULATOR_PROVIDER, LocalTarget, parent_zone
from jitsi_ecs.workspace import Workspace


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsContext]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        yield AwsContext(region="us-west-2")


def test_zone_is_made_once_given_to_terraform_and_removed(aws: AwsContext, tmp_path: Path) -> None:
    target = LocalTarget(Workspace.for_target("local", tmp_path))
    assert parent_zone("meet.example.com") == "example.com"
    assert parent_zone("example.com") == "example.com"
    first = target.tool_variables(Config(), aws)
    assert first["aws_provider"] == EMULATOR_PROVIDER
    assert target.tool_variables(Config(), aws)["route53_zone_id"] == first["route53_zone_id"]
    target.after_destroy(Config(), aws, keep_running=True)
    assert aws.route53.list_hosted_zones()["HostedZones"] == []


def test_no_zone_when_the_config_names_a_certificate(aws: AwsContext, tmp_path: Path) -> None:
    target = LocalTarget(Workspace.for_target("local", tmp_path))
    config = Config(certificate_arn="arn:aws:acm:us-west-2:123456789012:certificate/x")
    assert "route53_zone_id" not in target.tool_variables(config, aws)
    assert aws.route53.list_hosted_zones()["HostedZones"] == []


def test_a_zone_it_did_not_make_is_left_alone(aws: AwsContext, tmp_path: Path) -> None:
    aws.route53.create_hosted_zone(Name="example.com.", CallerReference="someone-else")
    LocalTarget(Workspace.for_target("local", tmp_path)).after_destroy(
        Config(), aws, keep_running=True
    )
    assert len(aws.route53.list_hosted_zones()["HostedZones"]) == 1


def test_no_adot_layer_in_the_emulator(aws: AwsContext, tmp_path: Path) -> None:
    """moto refuses AWS-managed layer ARNs and runs no function code: no layer locally."""
    target = LocalTarget(Workspace.for_target("local", tmp_path))
    assert target.adot_lambda_layer(Config()) is None
    assert "adot_lambda_layer_arn" not in target.tool_variables(Config(), aws)
