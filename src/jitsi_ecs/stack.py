"""The pipeline every command shares: config -> target -> Terraform working copy -> outputs.

`Stack.open` reaches the target; then a command either
- `prepare()`s it (write side: plan, up, cost, down, rotate-secrets): working copy, variables,
  packages, state backend, and `terraform init` when the configuration changed; or
- `attach()`es to it (read side: status, verify, drills): only `terraform output`, no files
  written, no init when the working copy is current, nothing created on the account.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from jitsi_ecs import log_bucket
from jitsi_ecs.auth import package as auth_package
from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.errors import NothingDeployed, UsageError
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.targets import Target
from jitsi_ecs.telemetry import package as telemetry_package
from jitsi_ecs.terraform import BACKEND_FILE, Terraform, sync_working_copy, terraform_binary
from jitsi_ecs.workspace import infra_source, write_private

# The secrets the stack generates (the modules use those they need). Their values exist only
# in the terraform process's environment (an ephemeral variable) and, once written, in SSM.
GENERATED_SECRETS = (
    "JICOFO_AUTH_PASSWORD",
    "JVB_AUTH_PASSWORD",
    "JWT_APP_SECRET",
    "TURN_CREDENTIALS",  # used only with jitsi.turn
)
_ALPHABET = string.ascii_letters + string.digits


def generated_secrets_env() -> dict[str, str]:
    """Fresh values for TF_VAR_generated_secrets (written only on create or rotation)."""
    values = {n: "".join(secrets.choice(_ALPHABET) for _ in range(32)) for n in GENERATED_SECRETS}
    return {"TF_VAR_generated_secrets": json.dumps(values)}


@dataclass
class Stack:
    config: Config
    target: Target
    aws: AwsContext
    terraform: Terraform
    _tool_variables: dict[str, Any] | None = field(default=None, repr=False)

    @classmethod
    def open(cls, config: Config, target: Target, command: str, *, start: bool = True) -> Stack:
        """Reach the target (start=False: only one that already runs) and its working copy.
        Terraform is checked first: missing or too old, nothing is started or touched."""
        terraform_binary()
        aws = target.connect(config, start=start)
        ws = target.workspace
        terraform = Terraform(ws.stack_dir, aws.terraform_env(), ws.new_log(command))
        return cls(config, target, aws, terraform)

    # ------------------------------------------------------------ write side
    secrets_version: int = 1
    egress_alarm_kbps: int | None = None  # from the estimate (see planning.py)

    def variables(self, config: Config | None = None) -> dict[str, Any]:
        """The root variables for config (default: the stack's): the config's keys, what the
        target supplies, and the packages the tool builds."""
        config = config or self.config
        if self._tool_variables is None:
            tool = self.target.tool_variables(config, self.aws)
            stack_dir = self.target.workspace.stack_dir
            if config.telemetry.enabled:
                tool["telemetry_package"] = telemetry_package.variable(stack_dir)
            if config.auth.enabled:
                tool["auth_package"] = auth_package.variable(stack_dir)
            # A bucket an earlier `down` kept: Terraform imports it (infra/main.tf).
            tool["kept_log_bucket"] = log_bucket.kept(config, self.aws)
            self._tool_variables = tool
        filled = {k: v for k, v in self._tool_variables.items() if k in Config.model_fields}
        config.model_copy(update=filled).check_deployable()
        return {
            **config.terraform_vars(),
            **self._tool_variables,
            "secrets_version": self.secrets_version,
            "egress_alarm_kbps": self.egress_alarm_kbps,
        }

    def prepare(
        self,
        *,
        create_backend: bool = True,
        rotate_secrets: bool = False,
        preflight: bool = False,
    ) -> Stack:
        """Working copy, backend, init when needed, then the variables, for a command that
        plans. create_backend=False (down) never creates a state bucket. The secrets keep the
        version the state records; rotate_secrets=True writes new ones. preflight=True (plan,
        up) runs the target's preflight before the backend and, once initialised, the one
        that reads the state."""
        if preflight:
            self.target.preflight(self.config, self.aws)
        self._sync()
        self._init(create=create_backend)
        if preflight:
            self.target.preflight_state(self.config, self.aws, self.terraform)
        state = self.terraform.outputs()  # what the last apply recorded
        self.secrets_version = int(state.get("secrets_version") or 1) + (1 if rotate_secrets else 0)
        self.egress_alarm_kbps = state.get("egress_alarm_kbps")
        self.terraform.env.update(generated_secrets_env())
        self.terraform.write_vars(self.variables())
        return self

    # ------------------------------------------------------------ read side
    def attach(self) -> StackOutputs:
        """The deployment's outputs, touching nothing (init only on a machine that never ran
        it, against a remote backend that already exists)."""
        if not self.terraform.initialised:
            backend = self.target.backend(self.config, self.aws, create=False, write=False)
            if backend is None:
                raise self._nothing_deployed()
            self._sync()
            self._write_backend(backend)
            self.terraform.init(backend)
        return self.outputs()

    def outputs(self) -> StackOutputs:
        raw = self.terraform.outputs()
        if "alb_arn" not in raw:
            raise self._nothing_deployed()
        return StackOutputs.parse(raw)

    def _nothing_deployed(self) -> NothingDeployed:
        return NothingDeployed(
            f"nothing is deployed on the {self.target.name} target",
            hint="Run `jitsi-ecs up` first.",
        )

    # ------------------------------------------------------------ plumbing
    def _sync(self) -> None:
        try:
            source = infra_source()
        except FileNotFoundError as exc:
            raise UsageError(str(exc)) from None
        sync_working_copy(source, self.target.workspace.stack_dir)

    def _init(self, *, create: bool) -> None:
        backend = self.target.backend(self.config, self.aws, create=create)
        self._write_backend(backend)
        self.terraform.init(backend)

    def _write_backend(self, backend: dict[str, str] | None) -> None:
        backend_file = self.target.workspace.stack_dir / BACKEND_FILE
        if backend is None:
            backend_file.unlink(missing_ok=True)
        else:
            write_private(backend_file, 'terraform {\n  backend "s3" {}\n}\n')
