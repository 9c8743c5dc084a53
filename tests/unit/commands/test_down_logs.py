"""`down` keeps the log bucket unless --delete-logs (issue 21): the sequence of Terraform
calls with a stand-in Terraform, and what happens to the bucket in the (moto) account."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from jitsi_ecs import log_bucket
from jitsi_ecs.aws import AwsContext
from jitsi_ecs.commands.down import destroy
from jitsi_ecs.config import Config
from jitsi_ecs.errors import AwsError
from jitsi_ecs.stack import Stack
from jitsi_ecs.targets.aws import AwsTarget
from jitsi_ecs.targets.local import LocalTarget
from jitsi_ecs.workspace import Workspace

LOGS = Config.model_validate({"alb": {"access_logs": True}})
OTHERS = ["module.edge.aws_lb.this", "module.network.aws_vpc.this[0]"]
# What the state lists for a stack with the bucket: its data sources are no resources to keep.
IN_STATE = [*OTHERS, "module.log_bucket[0].data.aws_region.current", *log_bucket.RESOURCES]


@dataclass
class FakeTerraform:
    resources: list[str]
    calls: list[tuple[str, Any]] = field(default_factory=list)
    log_path: Path = Path("terraform.log")

    def state_resources(self) -> list[str]:
        self.calls.append(("state list", None))
        return list(self.resources)

    def state_rm(self, addresses: list[str]) -> None:
        self.calls.append(("state rm", list(addresses)))
        self.resources = [r for r in self.resources if r not in addresses]

    def destroy(self, progress: Any = None) -> None:
        self.calls.append(("destroy", list(self.resources)))
        self.resources = []


def _stack(aws: AwsContext, tmp_path: Path, terraform: FakeTerraform, config: Config) -> Stack:
    ws = Workspace.for_target("aws", tmp_path).open()
    return Stack(config, AwsTarget(ws), aws, terraform)  # type: ignore[arg-type]


def _bucket_with_a_log(aws: AwsContext, config: Config) -> str:
    bucket = log_bucket.name(config, aws.account_id())
    aws.s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": config.region}
    )
    aws.s3.put_object(Bucket=bucket, Key="alb/AWSLogs/x.log.gz", Body=b"GET /room?jwt=...")
    return bucket


def test_plain_down_takes_the_bucket_out_of_the_state_first_and_keeps_it(
    moto_aws: AwsContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = _bucket_with_a_log(moto_aws, LOGS)
    terraform = FakeTerraform(IN_STATE)
    destroy(_stack(moto_aws, tmp_path, terraform, LOGS), keep_logs=True)
    assert terraform.calls == [
        ("state list", None),
        ("state rm", list(log_bucket.RESOURCES)),  # all six, before anything is destroyed
        ("destroy", [*OTHERS, "module.log_bucket[0].data.aws_region.current"]),
    ]
    assert log_bucket.exists(moto_aws, bucket)
    assert moto_aws.s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1
    said = " ".join(capsys.readouterr().err.split())
    assert f"Kept the log bucket {bucket}" in said
    assert "S3 deletes each 30 days after" in said and "down --delete-logs" in said


def test_delete_logs_destroys_the_bucket_with_the_rest(
    moto_aws: AwsContext, tmp_path: Path
) -> None:
    terraform = FakeTerraform(IN_STATE)
    destroy(_stack(moto_aws, tmp_path, terraform, LOGS), keep_logs=False)
    assert terraform.calls == [("state list", None), ("destroy", IN_STATE)]  # no state rm


def test_delete_logs_deletes_a_bucket_an_earlier_down_kept(
    moto_aws: AwsContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = _bucket_with_a_log(moto_aws, LOGS)
    terraform = FakeTerraform([])  # the earlier down destroyed the rest
    destroy(_stack(moto_aws, tmp_path, terraform, LOGS), keep_logs=False)
    assert not log_bucket.exists(moto_aws, bucket)
    assert f"Deleted the log bucket {bucket} and its 1 log objects" in " ".join(
        capsys.readouterr().err.split()
    )


def test_a_second_plain_down_says_where_the_kept_bucket_is(
    moto_aws: AwsContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = _bucket_with_a_log(moto_aws, LOGS)
    destroy(_stack(moto_aws, tmp_path, FakeTerraform([]), LOGS), keep_logs=True)
    assert log_bucket.exists(moto_aws, bucket)
    assert "earlier down kept is still there" in " ".join(capsys.readouterr().err.split())


def test_a_stack_without_logs_has_nothing_to_keep(moto_aws: AwsContext, tmp_path: Path) -> None:
    terraform = FakeTerraform(OTHERS)
    destroy(_stack(moto_aws, tmp_path, terraform, Config()), keep_logs=True)
    assert [c[0] for c in terraform.calls] == ["state list", "destroy"]


def test_up_hands_an_existing_bucket_to_terraform_to_import(
    moto_aws: AwsContext, tmp_path: Path
) -> None:
    ws = Workspace.for_target("aws", tmp_path).open()
    zoned = LOGS.model_copy(update={"route53_zone_id": "Z123"})

    def kept() -> Any:
        stack = Stack(zoned, AwsTarget(ws), moto_aws, FakeTerraform([]))  # type: ignore[arg-type]
        return stack.variables()["kept_log_bucket"]

    assert kept() is None  # nothing there: Terraform creates it
    bucket = _bucket_with_a_log(moto_aws, LOGS)
    assert kept() == bucket
    # A config without logs has no bucket to import it into (nor the grant to look).
    no_logs = Config(route53_zone_id="Z123")
    stack = Stack(no_logs, AwsTarget(ws), moto_aws, FakeTerraform([]))  # type: ignore[arg-type]
    assert stack.variables()["kept_log_bucket"] is None


def test_the_local_emulator_keeps_nothing_once_stopped(tmp_path: Path) -> None:
    ws = Workspace.for_target("local", tmp_path).open()
    assert LocalTarget(ws).outlives_down(keep_running=True)
    assert not LocalTarget(ws).outlives_down(keep_running=False)
    assert AwsTarget(Workspace.for_target("aws", tmp_path).open()).outlives_down(keep_running=False)


def test_objects_s3_refuses_to_delete_are_named_not_a_bucket_not_empty(
    moto_aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DeleteObjects answers 200 and lists the objects it refused (AccessDenied per key)."""
    bucket = _bucket_with_a_log(moto_aws, LOGS)
    refused = {"Errors": [{"Key": "alb/AWSLogs/x.log.gz", "Code": "AccessDenied", "Message": "no"}]}
    monkeypatch.setattr(moto_aws.s3, "delete_objects", lambda **kwargs: refused)
    with pytest.raises(
        AwsError, match=r"S3 kept 1 object\(s\), alb/AWSLogs/x.log.gz: AccessDenied"
    ):
        log_bucket.delete(moto_aws, bucket)
    assert log_bucket.exists(moto_aws, bucket)
