"""`jitsi-ecs down`: destroy everything (on a real account only after the stack name is typed,
or --yes) but the log bucket, which keeps the ALB request and VPC flow logs until
`--delete-logs` (jitsi_ecs.log_bucket); locally also stop the emulator."""

from __future__ import annotations

from jitsi_ecs import log_bucket
from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import open_stack
from jitsi_ecs.errors import EXIT_OK, NothingDeployed, UsageError
from jitsi_ecs.stack import Stack
from jitsi_ecs.ui import err

PROTECTED = UsageError(
    "alb.deletion_protection: the load balancer is protected, so nothing was destroyed",
    hint="Set `deletion_protection = false` under [alb] in jitsi-ecs.toml, run `jitsi-ecs up` "
    "(it turns the protection off), then `jitsi-ecs down`.",
)


def _refuse_if_protected(stack: Stack) -> None:
    """Terraform would delete the listeners and services first and then fail on a protected
    ALB, leaving half a stack with every meeting cut: stop before anything is touched."""
    alb = stack.terraform.outputs().get("alb_arn")
    if not alb:
        return
    attributes = stack.aws.load_balancer_attributes(str(alb)) or {}  # gone: nothing to protect
    if attributes.get("deletion_protection.enabled") == "true":
        raise PROTECTED


def run(g: Globals, keep_running: bool = False, delete_logs: bool = False) -> int:
    try:
        stack = open_stack(g, "down", start=False)
        # No state backend: nothing deployed, and nothing to ask.
        stack.target.backend(stack.config, stack.aws, create=False)
    except NothingDeployed as exc:
        err.print(f"Nothing to destroy: {exc.message}.")
        return EXIT_OK
    if stack.config.alb.deletion_protection:
        raise PROTECTED
    # Asked before terraform runs at all: a refusal leaves everything as it was.
    stack.target.confirm_destroy(stack.config, stack.aws)
    with err.status("Preparing terraform..."):
        stack.prepare(create_backend=False)
    _refuse_if_protected(stack)  # protected on the account, though the config no longer says so
    keep_logs = not delete_logs and stack.target.outlives_down(keep_running=keep_running)
    destroy(stack, keep_logs=keep_logs)
    stack.target.after_destroy(stack.config, stack.aws, keep_running=keep_running)
    return EXIT_OK


def destroy(stack: Stack, *, keep_logs: bool) -> None:
    """Destroy the state's resources. keep_logs: the log bucket and its settings leave the
    state first and stay; otherwise a bucket an earlier `down` kept is deleted too."""
    resources = stack.terraform.state_resources()
    kept = log_bucket.kept_in_state(resources) if keep_logs else []
    if kept:
        stack.terraform.state_rm(kept)
        resources = [r for r in resources if r not in kept]
    if resources:
        with err.status(f"Destroying {len(resources)} resources..."):
            stack.terraform.destroy(lambda message: None)
        err.print(
            f"[green]Destroyed[/] {len(resources)} resources. Log: {stack.terraform.log_path}"
        )
    else:
        err.print("Nothing to destroy: the state holds no resources.")
    bucket = log_bucket.name(stack.config, stack.aws.account_id())
    if kept:
        days = stack.config.observability.log_retention_days
        err.print(
            f"Kept the log bucket {bucket}: the ALB request and VPC flow logs stay (S3 deletes "
            f"each {days} days after it was written). `jitsi-ecs up` takes the bucket back; "
            "`jitsi-ecs down --delete-logs` deletes it with its logs."
        )
    elif keep_logs and log_bucket.kept(stack.config, stack.aws):
        err.print(
            f"The log bucket {bucket} an earlier down kept is still there: "
            "`jitsi-ecs down --delete-logs` deletes it with its logs."
        )
    elif not keep_logs and log_bucket.exists(stack.aws, bucket):
        count = log_bucket.delete(stack.aws, bucket)  # kept by an earlier down
        err.print(f"[green]Deleted[/] the log bucket {bucket} and its {count} log objects.")
