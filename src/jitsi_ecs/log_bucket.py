"""The stack's log bucket (ALB request logs, VPC flow logs) outlives the stack unless asked.

A plain `down` leaves the bucket and its settings out of the state before destroying the
rest: the logs stay (S3 still deletes each after observability.log_retention_days, by the
bucket's own lifecycle rule), and `down --delete-logs` deletes them with the bucket. A later
`up` hands an existing bucket to Terraform (root variable kept_log_bucket), which imports it
and its settings (infra/main.tf) instead of failing on "bucket exists".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import botocore.exceptions

from jitsi_ecs.aws import AwsContext, calling, error_code
from jitsi_ecs.config import Config
from jitsi_ecs.errors import AwsError

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

MODULE = "module.log_bucket[0]"
# The bucket and every setting on it (modules/log_bucket): a kept bucket keeps them all, its
# policy (TLS only, only the log services write) and its expiry included.
RESOURCES = tuple(
    f"{MODULE}.{kind}.this"
    for kind in (
        "aws_s3_bucket",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_policy",
    )
)


def wanted(config: Config) -> bool:
    """Whether the config has the stack make a log bucket (infra/main.tf's count)."""
    return config.alb.access_logs or config.network.flow_logs


def name(config: Config, account: str) -> str:
    """modules/log_bucket's name: <stack>-logs-<account>-<region>."""
    return f"{config.name}-logs-{account}-{config.region}"


def exists(aws: AwsContext, bucket: str) -> bool:
    with calling(f"look for the log bucket {bucket}"):
        try:
            aws.s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=aws.account_id())
        except botocore.exceptions.ClientError as exc:
            if error_code(exc) in ("404", "NoSuchBucket", "NotFound"):
                return False
            raise
    return True


def kept(config: Config, aws: AwsContext) -> str | None:
    """The bucket a config that wants one finds already there (an earlier `down` kept it),
    for Terraform to import; None: none to take back."""
    if not wanted(config):
        return None
    bucket = name(config, aws.account_id())
    return bucket if exists(aws, bucket) else None


def kept_in_state(resources: list[str]) -> list[str]:
    """The log bucket's addresses among the state's: what a plain `down` leaves out of it."""
    return [r for r in resources if r in RESOURCES]


def delete(aws: AwsContext, bucket: str) -> int:
    """Empty the bucket (every object version) and delete it; returns the objects deleted.
    For a bucket an earlier `down` kept: Terraform no longer knows it."""
    deleted = 0
    with calling(f"delete the log bucket {bucket}"):
        pages = aws.s3.get_paginator("list_object_versions").paginate(Bucket=bucket)
        for page in pages:
            objects: list[ObjectIdentifierTypeDef] = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            ]
            if objects:
                answer = aws.s3.delete_objects(
                    Bucket=bucket, Delete={"Objects": objects, "Quiet": True}
                )
                if refused := answer.get("Errors"):  # judged per object: a 200 with errors
                    first = refused[0]
                    raise AwsError(
                        f"cannot delete the log bucket {bucket}: S3 kept {len(refused)} "
                        f"object(s), {first.get('Key')}: {first.get('Code')} "
                        f"{first.get('Message', '')}".rstrip(),
                        hint="Run `jitsi-ecs iam-policy` for the permissions (s3:DeleteObject "
                        "on the bucket's objects), then `jitsi-ecs down --delete-logs` again.",
                    )
                deleted += len(objects)
        aws.s3.delete_bucket(Bucket=bucket, ExpectedBucketOwner=aws.account_id())
    return deleted
