"""`down` keeps the log bucket and its logs; `down --delete-logs` deletes them (issue 21).

For a flow whose config has a log bucket (alb.access_logs or network.flow_logs: the services
flow), on the aws target, where the bucket outlives `down`:

    bucket = leave_a_log(aws, "jitsi")          # before the flow's `down --yes`
    down = _cli(["down", "--yes"])              # the flow's own down
    kept_then_deleted(_cli, aws, bucket, down.output)

`aws` is a context allowed to write the bucket (the flow's admin one); `cli` runs the CLI on
the flow's target and returns typer's result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jitsi_ecs import log_bucket
from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config

LOG_KEY = "alb/AWSLogs/kept-logs-check.log.gz"


def leave_a_log(aws: AwsContext, stack_name: str = "jitsi") -> str:
    """Put an object where the ALB writes its logs (the emulator delivers none); returns the
    bucket's name."""
    config = Config.model_validate({"name": stack_name, "region": aws.region})
    bucket = log_bucket.name(config, aws.account_id())
    aws.s3.put_object(Bucket=bucket, Key=LOG_KEY, Body=b"GET /room?jwt=... HTTP/1.1")
    return bucket


def kept_then_deleted(
    cli: Callable[[list[str]], Any], aws: AwsContext, bucket: str, said: str
) -> None:
    """After a plain `down`: the bucket, its log and its expiry stay, the output said so and
    how to delete it; then `down --delete-logs` deletes bucket and log."""
    said = " ".join(said.split())
    assert f"Kept the log bucket {bucket}" in said, said[-2000:]
    assert "down --delete-logs" in said
    assert aws.s3.get_object(Bucket=bucket, Key=LOG_KEY)["Body"].read().startswith(b"GET /room")
    rules = aws.s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert any(r.get("Expiration", {}).get("Days") for r in rules), rules  # logs still expire
    assert "DenyPlainHttp" in aws.s3.get_bucket_policy(Bucket=bucket)["Policy"]

    deleted = cli(["down", "--yes", "--delete-logs"])
    assert deleted.exit_code == 0, deleted.output[-3000:]
    assert f"Deleted the log bucket {bucket}" in " ".join(deleted.output.split())
    assert bucket not in {b["Name"] for b in aws.s3.list_buckets()["Buckets"]}
