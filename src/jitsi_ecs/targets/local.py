"""The embedded emulator: moto on 127.0.0.1, started on demand, local state, nothing billed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.emulator import manager
from jitsi_ecs.errors import NothingDeployed
from jitsi_ecs.targets import Target, Watch
from jitsi_ecs.ui import err
from jitsi_ecs.workspace import Target as TargetName

if TYPE_CHECKING:
    from jitsi_ecs.config import Config
    from jitsi_ecs.cost.estimate import Estimate
    from jitsi_ecs.terraform import PlanSummary, Terraform

# moto answers 500 for missing actions; the provider's default retries would hang for minutes.
EMULATOR_PROVIDER = {
    "max_retries": 2,
    "skip_credentials_validation": True,
    "skip_metadata_api_check": True,
    "s3_use_path_style": True,
}


class LocalTarget(Target):
    name: ClassVar[TargetName] = "local"
    # The emulator's clock runs JITSI_ECS_EMULATOR_SPEED times faster than real.
    rollback_watch: ClassVar[Watch] = Watch(timeout_s=120, poll_s=0.5)
    serves_traffic: ClassVar[bool] = False  # moto runs no containers
    alarm_watch: ClassVar[Watch] = Watch(timeout_s=15, poll_s=0.2)
    # 120 s here are an hour of emulated ECS at the default speed.
    stable_watch: ClassVar[Watch] = Watch(timeout_s=120, poll_s=0.5)

    def connect(self, config: Config, *, start: bool) -> AwsContext:
        self.workspace.open()
        ws = self.workspace
        emulator = manager.ensure_running(ws) if start else manager.running(ws)
        if emulator is None:
            manager.stop(ws)  # forget a stale record
            raise NothingDeployed(
                "the local emulator is not running, so nothing is deployed locally (its state "
                "went with it)",
                hint="Run `jitsi-ecs up` first.",
            )
        if emulator.fresh:
            # A new emulator starts empty: state left by an earlier one describes resources
            # that vanished with it, and would make terraform refresh ghosts.
            for name in ("terraform.tfstate", "terraform.tfstate.backup"):
                (self.workspace.stack_dir / name).unlink(missing_ok=True)
        return AwsContext(region=config.region, endpoint_url=emulator.endpoint)

    def tool_variables(self, config: Config, aws: AwsContext) -> dict[str, Any]:
        variables: dict[str, Any] = {"aws_provider": EMULATOR_PROVIDER}
        if not config.certificate_arn and not config.route53_zone_id:
            # Nothing to serve HTTPS with: the emulator issues a certificate for the domain at
            # once. (A zone would work too, but the provider waits 15 s after each Route 53
            # change: the validation and alias records cost ~45 s per up and down; the
            # aws flow (tests/integration/test_aws_flow.py) covers that path.)
            variables["certificate_arn"] = self._certificate(aws, config.domain)
        return variables

    def adot_lambda_layer(self, config: Config) -> str | None:
        # The emulator resolves the pinned AWS-published layer (emulator/extensions.py: the
        # aws target can run against it), but moto runs no function code, so a layer would
        # prove nothing here: the local function gets none.
        return None

    def backend(
        self, config: Config, aws: AwsContext, *, create: bool, write: bool = True
    ) -> dict[str, str] | None:
        return None  # local state, in the working copy, wiped with the emulator

    def preflight(self, config: Config, aws: AwsContext) -> None:
        return None  # the emulator is made for the stack: nothing there can doom an apply

    def preflight_state(self, config: Config, aws: AwsContext, terraform: Terraform) -> None:
        return None

    def confirm_apply(self, summary: PlanSummary) -> None:
        return None  # the emulator holds nothing anyone relies on

    def confirm_destroy(self, config: Config, aws: AwsContext) -> None:
        return None

    def confirm_disruption(self, what: str) -> None:
        return None

    def cost_gate(self, estimate: Estimate, accept_cost: bool) -> None:
        return None  # the emulator spends nothing: the estimate is shown, then we go on

    def outlives_down(self, *, keep_running: bool) -> bool:
        return keep_running  # a stopped emulator keeps nothing: keeping the bucket would lie

    def after_destroy(self, config: Config, aws: AwsContext, *, keep_running: bool) -> None:
        self._delete_certificate(aws, config.domain)
        if keep_running:
            err.print(
                "The local emulator keeps running (--keep-emulator); `jitsi-ecs down` stops it."
            )
            return
        manager.stop(self.workspace)
        (self.workspace.stack_dir / "terraform.tfstate").unlink(missing_ok=True)
        err.print("Stopped the local emulator.")

    # ------------------------------------------------------------ the emulator's certificate
    @staticmethod
    def _certificate(aws: AwsContext, domain: str) -> str:
        """An issued certificate for the domain in the emulator, requested once: the one
        already there, else a new one. (No idempotency token: after `down --keep-emulator`
        deleted the certificate, the emulator would answer the same token with the deleted
        one, a 500.)"""
        for summary in aws.acm.list_certificates()["CertificateSummaryList"]:
            if summary.get("DomainName") == domain:
                return str(summary["CertificateArn"])
        # No idempotency token: moto maps a token to its certificate for good, and answers a
        # repeated request after `down` deleted that certificate with a 500.
        arn = aws.acm.request_certificate(DomainName=domain, ValidationMethod="DNS")[
            "CertificateArn"
        ]
        return str(arn)

    @staticmethod
    def _delete_certificate(aws: AwsContext, domain: str) -> None:
        for summary in aws.acm.list_certificates()["CertificateSummaryList"]:
            if summary.get("DomainName") == domain:
                aws.acm.delete_certificate(CertificateArn=summary["CertificateArn"])
