"""stack.py without terraform runs: the variables a target supplies, the backend file, and
what attach and sync say when there is nothing to work with."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.errors import ConfigError, NothingDeployed, UsageError
from jitsi_ecs.stack import Stack
from jitsi_ecs.targets.aws import AwsTarget
from jitsi_ecs.targets.local import EMULATOR_PROVIDER, LocalTarget
from jitsi_ecs.telemetry.package import ZIP as TELEMETRY_ZIP
from jitsi_ecs.terraform import BACKEND_FILE, Terraform
from jitsi_ecs.workspace import Workspace


def _stack(target_cls: type, aws: AwsContext, tmp_path: Path, config: Config) -> Stack:
    ws = Workspace.for_target(target_cls.name, tmp_path).open()
    terraform = Terraform(ws.stack_dir, aws.terraform_env(), ws.new_log("test"))
    return Stack(config, target_cls(ws), aws, terraform)


def test_local_variables_add_the_target_s_and_the_package(
    moto_aws: AwsContext, tmp_path: Path
) -> None:
    stack = _stack(LocalTarget, moto_aws, tmp_path, Config())
    variables = stack.variables()
    assert variables["aws_provider"] == EMULATOR_PROVIDER
    certificate = variables["certificate_arn"]  # the emulator's (tests/unit/targets)
    assert "route53_zone_id" not in variables
    package = variables["telemetry_package"]
    assert package["path"] == TELEMETRY_ZIP
    assert (stack.target.workspace.stack_dir / TELEMETRY_ZIP).is_file()
    assert variables["jitsi"] == Config().terraform_vars()["jitsi"]
    # What the state recorded, passed back: the secrets' version and the egress threshold.
    assert (variables["secrets_version"], variables["egress_alarm_kbps"]) == (1, None)
    stack.secrets_version, stack.egress_alarm_kbps = 3, 1200
    assert (stack.variables()["secrets_version"], stack.variables()["egress_alarm_kbps"]) == (
        3,
        1200,
    )
    # Computed once: another config (a cost lever) gets the same certificate and package.
    x86 = Config.model_validate({"jitsi": {"cpu_architecture": "X86_64"}})
    lever = stack.variables(x86)
    assert lever["jitsi"]["cpu_architecture"] == "X86_64"
    assert (lever["certificate_arn"], lever["telemetry_package"]) == (certificate, package)
    assert len(moto_aws.acm.list_certificates()["CertificateSummaryList"]) == 1
    assert "usage" not in variables  # the estimate's assumptions are not Terraform's


def test_without_telemetry_no_package_is_built(moto_aws: AwsContext, tmp_path: Path) -> None:
    config = Config.model_validate({"telemetry": {"enabled": False}})
    stack = _stack(LocalTarget, moto_aws, tmp_path, config)
    assert "telemetry_package" not in stack.variables()
    assert not (stack.target.workspace.stack_dir / TELEMETRY_ZIP).exists()


def test_a_real_account_needs_a_certificate_or_a_zone(moto_aws: AwsContext, tmp_path: Path) -> None:
    stack = _stack(AwsTarget, moto_aws, tmp_path, Config())
    with pytest.raises(ConfigError, match="HTTPS needs a certificate"):
        stack.variables()
    zoned = _stack(AwsTarget, moto_aws, tmp_path, Config(route53_zone_id="Z123"))
    assert zoned.variables()["route53_zone_id"] == "Z123"


def test_backend_file_written_private_and_removed(moto_aws: AwsContext, tmp_path: Path) -> None:
    stack = _stack(LocalTarget, moto_aws, tmp_path, Config())
    path = stack.target.workspace.stack_dir / BACKEND_FILE
    stack._write_backend({"bucket": "b", "key": "jitsi/terraform.tfstate"})
    assert path.read_text() == 'terraform {\n  backend "s3" {}\n}\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stack._write_backend(None)
    assert not path.exists()


def test_attach_with_nothing_initialised(moto_aws: AwsContext, tmp_path: Path) -> None:
    stack = _stack(LocalTarget, moto_aws, tmp_path, Config())
    with pytest.raises(NothingDeployed, match="nothing is deployed on the local target") as e:
        stack.attach()
    assert e.value.hint == "Run `jitsi-ecs up` first."
    assert not (stack.target.workspace.stack_dir / "main.tf").exists()  # nothing synced


def test_sync_without_modules_is_a_usage_error(
    moto_aws: AwsContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> Path:
        raise FileNotFoundError("the Terraform modules (infra/) were not found")

    monkeypatch.setattr("jitsi_ecs.stack.infra_source", missing)
    stack = _stack(LocalTarget, moto_aws, tmp_path, Config())
    with pytest.raises(UsageError, match=r"infra/\) were not found"):
        stack._sync()


def test_sync_copies_the_modules_without_their_tests(moto_aws: AwsContext, tmp_path: Path) -> None:
    stack = _stack(LocalTarget, moto_aws, tmp_path, Config())
    stack._sync()
    copy = stack.target.workspace.stack_dir
    assert (copy / "main.tf").is_file() and (copy / "modules" / "jitsi" / "main.tf").is_file()
    assert not (copy / "tests").exists()
