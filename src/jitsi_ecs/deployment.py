"""The pipeline every command shares: config -> target -> Terraform working copy -> init.

Target differences live here and only here:
- local: the embedded emulator (started on demand), dummy credentials, local state, and a
  Route 53 zone for the domain created in the emulator when the config names none.
- aws: the normal credential chain and an S3 state backend (versioned, encrypted,
  use_lockfile), created on first use after asking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jitsi_ecs.aws import AwsContext, error_code
from jitsi_ecs.config import Config
from jitsi_ecs.emulator import manager
from jitsi_ecs.errors import JitsiEcsError, UsageError
from jitsi_ecs.telemetry.package import build as build_telemetry_package
from jitsi_ecs.terraform import BACKEND_FILE, Terraform, sync_working_copy
from jitsi_ecs.workspace import Target, Workspace, infra_source

# moto answers 500 for missing actions; the provider's default retries would hang for minutes.
EMULATOR_PROVIDER = {
    "max_retries": 2,
    "skip_credentials_validation": True,
    "skip_metadata_api_check": True,
    "s3_use_path_style": True,
}

Confirm = Callable[[str], bool]


@dataclass
class Deployment:
    config: Config
    workspace: Workspace
    aws: AwsContext
    terraform: Terraform

    @property
    def target(self) -> Target:
        return self.workspace.target


def open_deployment(
    config: Config, target: Target, command: str, *, start_emulator: bool = True
) -> Deployment:
    """Reach the target (starting the emulator if asked) and set up terraform for it."""
    ws = Workspace.for_target(target)
    if target == "local":
        emulator = manager.ensure_running(ws) if start_emulator else manager.running(ws)
        if emulator is None:
            raise JitsiEcsError(
                "the local emulator is not running, so nothing is deployed locally",
                hint="Run `jitsi-ecs up` first.",
            )
        aws = AwsContext(region=config.region, endpoint_url=emulator.endpoint)
        if emulator.fresh:
            # A new emulator starts empty: state left by an earlier one describes resources
            # that vanished with it, and would make terraform refresh ghosts.
            (ws.stack_dir / "terraform.tfstate").unlink(missing_ok=True)
            (ws.stack_dir / "terraform.tfstate.backup").unlink(missing_ok=True)
    else:
        aws = AwsContext(region=config.region)
        aws.account_id()  # fails early, with a clear message, when credentials are missing
    try:
        source = infra_source()
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    sync_working_copy(source, ws.stack_dir)
    tf = Terraform(ws.stack_dir, aws.terraform_env(), ws.new_log(command))
    return Deployment(config, ws, aws, tf)


TELEMETRY_ZIP = "telemetry.zip"


def prepare(dep: Deployment, confirm: Confirm) -> None:
    """Write the variables and initialise terraform for the deployment's target."""
    variables = dep.config.terraform_vars()
    if dep.config.telemetry.enabled:
        digest = build_telemetry_package(dep.workspace.stack_dir / TELEMETRY_ZIP)
        variables["telemetry_package"] = {"path": TELEMETRY_ZIP, "hash": digest}
    if dep.target == "local":
        variables["aws_provider"] = EMULATOR_PROVIDER
        if not dep.config.certificate_arn and not dep.config.route53_zone_id:
            variables["route53_zone_id"] = local_zone(dep.aws, dep.config.domain)
        dep.terraform.write_vars(variables)
        dep.terraform.init()
        return
    if not dep.config.certificate_arn and not dep.config.route53_zone_id:
        raise UsageError(
            "HTTPS needs a certificate: set certificate_arn (an ACM certificate for "
            f"{dep.config.domain}) or route53_zone_id (its hosted zone) in the config"
        )
    backend = ensure_state_bucket(dep.aws, dep.config, confirm)
    (dep.workspace.stack_dir / BACKEND_FILE).write_text('terraform {\n  backend "s3" {}\n}\n')
    dep.terraform.write_vars(variables)
    dep.terraform.init(backend)


def parent_zone(domain: str) -> str:
    labels = domain.split(".")
    return ".".join(labels[1:]) if len(labels) > 2 else domain


def local_zone(aws: AwsContext, domain: str) -> str:
    """The emulator's hosted zone for the domain's parent, created once."""
    route53 = aws.client("route53")
    name = parent_zone(domain) + "."
    for zone in route53.list_hosted_zones()["HostedZones"]:
        if zone["Name"] == name:
            return str(zone["Id"]).split("/")[-1]
    created = route53.create_hosted_zone(Name=name, CallerReference=f"jitsi-ecs-{name}")
    return str(created["HostedZone"]["Id"]).split("/")[-1]


def delete_local_zone(aws: AwsContext, domain: str) -> None:
    """Remove the emulator-only parent zone that local_zone() created (and its records)."""
    route53 = aws.client("route53")
    name = parent_zone(domain) + "."
    for zone in route53.list_hosted_zones()["HostedZones"]:
        if zone["Name"] == name and zone.get("CallerReference") == f"jitsi-ecs-{name}":
            zone_id = zone["Id"]
            records = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
            changes = [
                {"Action": "DELETE", "ResourceRecordSet": r}
                for r in records
                if r["Type"] not in ("SOA", "NS")
            ]
            if changes:
                route53.change_resource_record_sets(
                    HostedZoneId=zone_id, ChangeBatch={"Changes": changes}
                )
            route53.delete_hosted_zone(Id=zone_id)


def state_bucket_name(account_id: str, region: str) -> str:
    return f"jitsi-ecs-tfstate-{account_id}-{region}"


def ensure_state_bucket(aws: AwsContext, config: Config, confirm: Confirm) -> dict[str, str]:
    """The S3 backend settings; the bucket is created (after asking) on first use."""
    bucket = state_bucket_name(aws.account_id(), config.region)
    s3 = aws.client("s3")
    try:
        s3.head_bucket(Bucket=bucket)
    except Exception as exc:  # botocore raises ClientError with a 404/NoSuchBucket code
        if error_code(exc) not in ("404", "NoSuchBucket", "NotFound"):
            raise JitsiEcsError(f"cannot read the state bucket {bucket}: {exc}") from None
        if not confirm(
            f"Terraform state for a real account is kept in S3. Create bucket {bucket} "
            "(versioned, encrypted, private)?"
        ):
            raise UsageError(
                "no state bucket: refusing to keep a real account's state on this disk",
                hint="Answer yes, or pass --yes, to create it.",
            ) from None
        create_state_bucket(s3, bucket, config.region)
    return {
        "bucket": bucket,
        "key": f"{config.name}/terraform.tfstate",
        "region": config.region,
        "encrypt": "true",
        "use_lockfile": "true",
    }


def create_state_bucket(s3: Any, bucket: str, region: str) -> None:
    kwargs: dict[str, Any] = {"Bucket": bucket}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
