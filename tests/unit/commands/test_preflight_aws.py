"""`plan --target aws` against the emulator (AWS_ENDPOINT_URL, dummy credentials): the
preflight refuses a stack whose cluster name is taken, before any state bucket exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jitsi_ecs.cli import app
from jitsi_ecs.workspace import Workspace
from tests.unit.commands.conftest import Emulator

runner = CliRunner()


@pytest.fixture
def as_aws(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    zone = emulator.aws().route53.create_hosted_zone(Name="example.com", CallerReference="z")
    zone_id = zone["HostedZone"]["Id"].rsplit("/", 1)[-1]
    Path("jitsi-ecs.toml").write_text(
        f'name = "jitsi"\nregion = "us-west-2"\ndomain = "meet.example.com"\n'
        f'route53_zone_id = "{zone_id}"\n'
    )
    return emulator


def test_plan_refuses_a_cluster_outside_the_state_before_the_state_bucket(
    as_aws: Emulator,
) -> None:
    aws = as_aws.aws()
    aws.ecs.create_cluster(clusterName="jitsi")
    refused = runner.invoke(app, ["plan", "--target", "aws"], input="yes\n")
    assert refused.exit_code == 2, refused.output[-3000:]
    assert "Working on AWS account 123456789012 in us-west-2" in refused.output
    assert "ECS cluster jitsi" in refused.output
    assert "nothing was changed" in refused.output
    assert aws.s3.list_buckets()["Buckets"] == []  # no state bucket
    stack_dir = Workspace.for_target("aws").stack_dir
    assert stack_dir.parent.is_dir()  # the aws workspace was opened...
    assert not (stack_dir / ".terraform").exists()  # ...but never initialised


def test_without_the_cluster_the_preflight_passes(as_aws: Emulator) -> None:
    # The next step asks before creating the state bucket; answered no, it stops there.
    stopped = runner.invoke(app, ["plan", "--target", "aws"], input="n\n")
    assert stopped.exit_code == 2, stopped.output[-3000:]
    assert "Preflight" not in stopped.output
    assert "no state bucket" in stopped.output
    assert as_aws.aws().s3.list_buckets()["Buckets"] == []
