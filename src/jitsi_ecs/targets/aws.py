"""A real AWS account: the normal credential chain, state in S3, and questions before harm."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any, ClassVar

import botocore.exceptions

from jitsi_ecs import preflight
from jitsi_ecs.aws import AwsContext, calling, error_code
from jitsi_ecs.errors import AwsError, JitsiEcsError, NothingDeployed, UsageError
from jitsi_ecs.targets import Target, Watch
from jitsi_ecs.targets.adot_layers import layer_arn
from jitsi_ecs.ui import err
from jitsi_ecs.workspace import Target as TargetName

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import LifecycleRuleTypeDef

    from jitsi_ecs.config import Config
    from jitsi_ecs.cost.estimate import Estimate
    from jitsi_ecs.terraform import PlanSummary, Terraform


def state_bucket_name(account_id: str, region: str) -> str:
    return f"jitsi-ecs-tfstate-{account_id}-{region}"


ENCRYPTION: Any = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
PUBLIC_ACCESS_BLOCK: Any = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def _encrypted(configuration: Any) -> bool:
    """Whether the bucket's default encryption is on (S3 answers with more keys than it was
    given, such as BucketKeyEnabled: compare the algorithm alone)."""
    rules = (configuration or {}).get("Rules", [])
    return any(
        rule.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
        in ("AES256", "aws:kms", "aws:kms:dsse")
        for rule in rules
    )


def tls_only_policy(bucket: str) -> dict[str, Any]:
    """Deny every request to the state bucket that does not use TLS."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


STATE_VERSIONS_RULE = "jitsi-ecs-expire-replaced-state"


def expire_old_versions(days: int) -> LifecycleRuleTypeDef:
    """The state bucket's lifecycle rule, as S3 answers it back."""
    return {
        "ID": STATE_VERSIONS_RULE,
        "Filter": {"Prefix": ""},
        "Status": "Enabled",
        "NoncurrentVersionExpiration": {"NoncurrentDays": days},
    }


class StateBucket:
    """The S3 bucket that keeps a real account's Terraform state.

    Its name is predictable, so another account could create it first: every call passes
    ExpectedBucketOwner, and a bucket owned by anyone else is refused. Versioning, default
    encryption, the public access block and a TLS-only policy are checked on every run and
    put back if someone changed them.
    """

    def __init__(self, s3: S3Client, account_id: str, region: str) -> None:
        self.s3, self.owner, self.region = s3, account_id, region
        self.name = state_bucket_name(account_id, region)

    def exists(self) -> bool:
        try:
            self.s3.head_bucket(Bucket=self.name, ExpectedBucketOwner=self.owner)
        except botocore.exceptions.ClientError as exc:
            code = error_code(exc)
            if code in ("404", "NoSuchBucket", "NotFound"):
                return False
            if code in ("403", "AccessDenied", "Forbidden"):
                raise UsageError(
                    f"the state bucket {self.name} exists but this account ({self.owner}) does "
                    "not own it",
                    hint="Another account created a bucket with this name; delete it there, or "
                    "deploy from the account that owns it.",
                ) from None
            raise AwsError(f"cannot read the state bucket {self.name}: {exc}") from None
        return True

    def create(self) -> None:
        kwargs: dict[str, Any] = {"Bucket": self.name}
        if self.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        self.s3.create_bucket(**kwargs)

    def harden(self, version_days: int = 30) -> list[str]:
        """Put every protection in place; return the ones that were missing. version_days:
        how long a replaced state version is kept (state holds the Cognito app client secret
        and a given OIDC client secret; old versions should not keep them for ever)."""
        s3, bucket, owner = self.s3, self.name, self.owner
        fixed = []
        if s3.get_bucket_versioning(Bucket=bucket, ExpectedBucketOwner=owner).get("Status") != (
            "Enabled"
        ):
            s3.put_bucket_versioning(
                Bucket=bucket,
                ExpectedBucketOwner=owner,
                VersioningConfiguration={"Status": "Enabled"},
            )
            fixed.append("versioning")
        if not _encrypted(self._get(s3.get_bucket_encryption, "ServerSideEncryptionConfiguration")):
            s3.put_bucket_encryption(
                Bucket=bucket,
                ExpectedBucketOwner=owner,
                ServerSideEncryptionConfiguration=ENCRYPTION,
            )
            fixed.append("default encryption")
        block = self._get(s3.get_public_access_block, "PublicAccessBlockConfiguration")
        if block != PUBLIC_ACCESS_BLOCK:
            s3.put_public_access_block(
                Bucket=bucket,
                ExpectedBucketOwner=owner,
                PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCK,
            )
            fixed.append("public access block")
        policy = self._get(s3.get_bucket_policy, "Policy")
        if not policy or json.loads(policy) != tls_only_policy(bucket):
            s3.put_bucket_policy(
                Bucket=bucket, ExpectedBucketOwner=owner, Policy=json.dumps(tls_only_policy(bucket))
            )
            fixed.append("TLS-only bucket policy")
        rules: list[Any] = self._get(s3.get_bucket_lifecycle_configuration, "Rules") or []
        ours = expire_old_versions(version_days)
        if ours not in rules:
            # Other rules someone added stay; ours is replaced by its id.
            kept = [r for r in rules if r.get("ID") != ours["ID"]]
            s3.put_bucket_lifecycle_configuration(
                Bucket=bucket,
                ExpectedBucketOwner=owner,
                LifecycleConfiguration={"Rules": [*kept, ours]},
            )
            fixed.append(f"expiry of replaced state versions after {version_days} days")
        return fixed

    def _get(self, call: Any, key: str) -> Any:
        """A bucket setting, or None when it was never set (S3 answers with an error)."""
        try:
            return call(Bucket=self.name, ExpectedBucketOwner=self.owner).get(key)
        except botocore.exceptions.ClientError as exc:
            if error_code(exc) in (
                "ServerSideEncryptionConfigurationNotFoundError",
                "NoSuchPublicAccessBlockConfiguration",
                "NoSuchBucketPolicy",
                "NoSuchLifecycleConfiguration",
            ):
                return None
            raise


class AwsTarget(Target):
    name: ClassVar[TargetName] = "aws"
    # A real rollback takes minutes: start period, health checks, draining.
    rollback_watch: ClassVar[Watch] = Watch(timeout_s=1800, poll_s=10)
    serves_traffic: ClassVar[bool] = True
    alarm_watch: ClassVar[Watch] = Watch(timeout_s=120, poll_s=1)
    # Set by preflight: a first deploy has its names checked before the backend exists.
    _names_checked = False
    # Pulling the images, start periods and health checks: a Jitsi task is steady in a few
    # minutes; the circuit breaker needs several failed tasks before it gives up.
    stable_watch: ClassVar[Watch] = Watch(timeout_s=1800, poll_s=10)

    def connect(self, config: Config, *, start: bool) -> AwsContext:
        self.workspace.open()
        aws = AwsContext(region=config.region)
        try:
            aws.account_id()  # fails early, with a clear message, when credentials are missing
        except JitsiEcsError as exc:
            # A region not enabled for the account refuses its credentials there: say that.
            # Only when AWS answered (calling's wording for a refusal): missing credentials
            # or no network are what they say, and a second call would only wait again.
            if "AWS answered" not in exc.message:
                raise
            problem = None
            with contextlib.suppress(JitsiEcsError):
                problem = preflight.region_enabled(config, aws, account="this account")
            if problem is not None:
                raise UsageError(problem.message, hint=problem.hint) from None
            raise
        return aws

    def tool_variables(self, config: Config, aws: AwsContext) -> dict[str, Any]:
        # The provider's defaults are right for a real account. An S3-compatible endpoint
        # (AWS_ENDPOINT_URL[_S3]: LocalStack, MinIO, the emulator) takes path-style requests.
        variables: dict[str, Any] = {}
        if aws.custom_endpoint("s3"):
            variables["aws_provider"] = {"s3_use_path_style": True}
        if layer := self.adot_lambda_layer(config):
            variables["adot_lambda_layer_arn"] = layer
        return variables

    def adot_lambda_layer(self, config: Config) -> str | None:
        if not config.auth.enabled:
            return None
        layer = layer_arn(config.region)
        if layer is None:
            err.print(
                f"[yellow]No ADOT Python layer is known for {config.region}: the /auth/ "
                "function runs without ADOT (its logs still reach CloudWatch).[/]"
            )
        return layer

    def backend(
        self, config: Config, aws: AwsContext, *, create: bool, write: bool = True
    ) -> dict[str, str] | None:
        bucket = StateBucket(aws.s3, aws.account_id(), config.region)
        if not bucket.exists():
            if not create:
                raise NothingDeployed(
                    f"nothing is deployed from account {bucket.owner}: the state bucket "
                    f"{bucket.name} does not exist",
                    hint="Run `jitsi-ecs up --target aws` first.",
                )
            self._ask(
                f"Terraform state for a real account is kept in S3. Create bucket {bucket.name} "
                "(versioned, encrypted, private, TLS only)?",
                "no state bucket: refusing to keep a real account's state on this disk",
                "Answer yes, or pass --yes, to create it.",
            )
            bucket.create()
        # Only the write side (plan, up, down) puts protections back: a read-only command
        # (status, verify, drills) changes nothing on the account, and needs no s3:Put*.
        if write and (fixed := bucket.harden(config.state_version_days)):
            err.print(f"State bucket {bucket.name}: turned on {', '.join(fixed)}.")
        settings = {
            "bucket": bucket.name,
            "key": f"{config.name}/terraform.tfstate",
            "region": config.region,
            "encrypt": "true",
            "use_lockfile": "true",
        }
        if endpoint := aws.custom_endpoint("s3"):
            # The endpoint boto3 resolved (environment or shared config), said to the backend
            # in so many words, with the path-style requests S3-compatible endpoints need.
            settings["endpoints"] = f"{{s3={json.dumps(endpoint)}}}"
            settings["use_path_style"] = "true"
        return settings

    def preflight(self, config: Config, aws: AwsContext) -> None:
        # No state bucket: nothing was ever deployed from this account and region, so the
        # state is empty and the names are checked now, before the bucket is created.
        bucket = StateBucket(aws.s3, aws.account_id(), config.region)
        with calling(f"look for the state bucket {bucket.name}"):
            first_deploy = not bucket.exists()
        self._names_checked = first_deploy
        preflight.before_backend(config, aws, set() if first_deploy else None)

    def preflight_state(self, config: Config, aws: AwsContext, terraform: Terraform) -> None:
        if not self._names_checked:
            preflight.against_state(config, aws, terraform.state_identities())

    def confirm_apply(self, summary: PlanSummary) -> None:
        self._ask(
            f"Apply these {summary.total} change(s) to the AWS account?",
            "not applied: the plan was not confirmed",
            "Answer yes, or pass --yes for automation.",
        )

    def confirm_destroy(self, config: Config, aws: AwsContext) -> None:
        if self.assume_yes:
            return
        typed = self.prompt.text(
            f"This destroys every resource of stack {config.name!r} in AWS account "
            f"{aws.account_id()} ({config.region}), ending every meeting. Type the stack name "
            f"({config.name}) to go on"
        )
        if typed.strip() != config.name:
            raise UsageError(
                "not destroyed: the stack name was not typed",
                hint=f"Type {config.name} at the prompt, or pass --yes for automation.",
            )

    def confirm_disruption(self, what: str) -> None:
        self._ask(
            f"{what} Go on?",
            "stopped: the disruption was not confirmed",
            "Run it in a quiet window and answer yes, or pass --yes.",
        )

    def after_destroy(self, config: Config, aws: AwsContext, *, keep_running: bool) -> None:
        return None  # the state bucket stays: it holds the versions of past states

    def cost_gate(self, estimate: Estimate, accept_cost: bool) -> None:
        highest = max(estimate.budgets, default=None)
        if highest is None or estimate.monthly_total <= highest or accept_cost:
            return
        raise JitsiEcsError(
            f"the estimate (${estimate.monthly_total:,.2f}/month) is above the highest budget "
            f"(${highest:g})",
            hint="See `jitsi-ecs cost` and `jitsi-ecs cost --compare` for cheaper settings, "
            "raise the budgets, or pass --accept-cost to deploy anyway.",
        )
