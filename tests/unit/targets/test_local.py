"""The local target: its certificate in the emulator, its provider switches, nothing to ask."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.cost.estimate import Estimate, Item
from jitsi_ecs.targets.local import EMULATOR_PROVIDER, LocalTarget
from jitsi_ecs.workspace import Workspace


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsContext]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        yield AwsContext(region="us-west-2")


def test_a_certificate_is_issued_once_given_to_terraform_and_removed(
    aws: AwsContext, tmp_path: Path
) -> None:
    target = LocalTarget(Workspace.for_target("local", tmp_path))
    first = target.tool_variables(Config(), aws)
    assert first["aws_provider"] == EMULATOR_PROVIDER and "route53_zone_id" not in first
    assert target.tool_variables(Config(), aws)["certificate_arn"] == first["certificate_arn"]
    listed = aws.acm.list_certificates()["CertificateSummaryList"]
    assert [c["DomainName"] for c in listed] == ["meet.example.com"]
    target.after_destroy(Config(), aws, keep_running=True)
    assert aws.acm.list_certificates()["CertificateSummaryList"] == []


def test_a_certificate_is_issued_again_after_a_down_that_kept_the_emulator(
    aws: AwsContext, tmp_path: Path
) -> None:
    # `down --keep-emulator` deletes it; the next `up` or `down` on that emulator asks again.
    target = LocalTarget(Workspace.for_target("local", tmp_path))
    first = target.tool_variables(Config(), aws)["certificate_arn"]
    target.after_destroy(Config(), aws, keep_running=True)
    again = target.tool_variables(Config(), aws)["certificate_arn"]
    assert again != first
    listed = aws.acm.list_certificates()["CertificateSummaryList"]
    assert [c["CertificateArn"] for c in listed] == [again]


def test_nothing_made_when_the_config_names_a_certificate_or_zone(
    aws: AwsContext, tmp_path: Path
) -> None:
    target = LocalTarget(Workspace.for_target("local", tmp_path))
    given = Config(certificate_arn="arn:aws:acm:us-west-2:123456789012:certificate/x")
    assert "certificate_arn" not in target.tool_variables(given, aws)
    assert "certificate_arn" not in target.tool_variables(Config(route53_zone_id="Z1"), aws)
    assert aws.acm.list_certificates()["CertificateSummaryList"] == []


def test_the_emulator_spends_nothing_and_asks_nothing(tmp_path: Path) -> None:
    target = LocalTarget(Workspace.for_target("local", tmp_path))
    pricey = Estimate([Item("r", "c", 1, "u", 500, 500)], [60], "2026-11-27", "us-west-2")
    target.cost_gate(pricey, accept_cost=False)
    target.confirm_disruption("ends meetings")


def test_no_adot_layer_in_the_emulator(aws: AwsContext, tmp_path: Path) -> None:
    """moto refuses AWS-managed layer ARNs and runs no function code: no layer locally."""
    target = LocalTarget(Workspace.for_target("local", tmp_path))
    assert target.adot_lambda_layer(Config()) is None
    assert "adot_lambda_layer_arn" not in target.tool_variables(Config(), aws)
