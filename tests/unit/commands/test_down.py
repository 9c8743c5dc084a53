"""`down` on a protected load balancer: nothing is touched, and the message names the key."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from jitsi_ecs.cli import app
from jitsi_ecs.config import DEFAULT_CONFIG_FILE
from tests.unit.commands.conftest import Emulator
from tests.unit.deployed import edge

runner = CliRunner()


def _alb_still_there(emulator: Emulator, arn: str) -> bool:
    found = emulator.aws().elbv2.describe_load_balancers()["LoadBalancers"]
    return arn in {lb["LoadBalancerArn"] for lb in found}


def test_a_config_that_protects_the_alb_refuses_before_anything_runs(emulator: Emulator) -> None:
    d = emulator.deploy(edge)
    config = Path(DEFAULT_CONFIG_FILE)
    config.write_text(config.read_text() + "\n[alb]\ndeletion_protection = true\n")
    result = runner.invoke(app, ["down"])
    assert result.exit_code == 2, result.output
    assert "error: alb.deletion_protection: the load balancer is protected" in result.stderr
    assert "deletion_protection = false" in result.stderr  # the way out
    assert _alb_still_there(emulator, d.outputs["alb_arn"])
    assert not (emulator.workspace.stack_dir / ".terraform.lock.hcl").exists()  # no terraform ran


def test_a_load_balancer_protected_on_the_account_refuses_too(emulator: Emulator) -> None:
    """The config no longer says so, but the live ALB is protected: Terraform would delete
    listeners and services first and then fail on the ALB, every meeting cut."""
    d = emulator.deploy(edge)
    emulator.aws().elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=d.outputs["alb_arn"],
        Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}],
    )
    result = runner.invoke(app, ["down"])
    assert result.exit_code == 2, result.output
    assert "alb.deletion_protection" in result.stderr
    assert _alb_still_there(emulator, d.outputs["alb_arn"])
