"""Where a deployment lives: the embedded emulator or a real AWS account, behind one interface.

Like pre-commit's languages, each target is one module (local.py, aws.py) with the same
methods; everything that differs between them is here and nowhere else:

- how to reach it (start or find the emulator; the credential chain),
- what Terraform needs from it (provider switches, a DNS zone, the ADOT layer, the state
  backend),
- what it refuses before anything changes (preflight: a real account's quota, region,
  certificate, names taken by another stack),
- what it asks before doing harm (apply, destroy, a drill that ends meetings) and the cost
  gate: the emulator spends nothing, a real account does,
- how long drills and `up`'s wait for stable services last (the emulator's clock runs fast).

Commands get a Target from `for_name` and never test `target.name`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from jitsi_ecs.errors import JitsiEcsError, UsageError
from jitsi_ecs.workspace import Target as TargetName
from jitsi_ecs.workspace import Workspace

if TYPE_CHECKING:
    from jitsi_ecs.aws import AwsContext
    from jitsi_ecs.config import Config
    from jitsi_ecs.cost.estimate import Estimate
    from jitsi_ecs.terraform import PlanSummary, Terraform


@dataclass(frozen=True)
class Watch:
    """How long a drill (or `up`) waits for something, and how often it looks."""

    timeout_s: float
    poll_s: float


@dataclass(frozen=True)
class Prompt:
    """How a target asks the person at the keyboard (the CLI passes typer's prompts)."""

    confirm: Callable[[str], bool]
    text: Callable[[str], str]


def refuse_prompt() -> Prompt:
    """For non-interactive use: every question is answered no."""
    return Prompt(confirm=lambda _q: False, text=lambda _q: "")


class Target(ABC):
    name: ClassVar[TargetName]
    rollback_watch: ClassVar[Watch]
    alarm_watch: ClassVar[Watch]
    # How long `up` waits for the services to become stable after an apply.
    stable_watch: ClassVar[Watch]
    # Whether the target runs the containers, so that HTTP smoke checks can get an answer.
    serves_traffic: ClassVar[bool]

    def __init__(
        self, workspace: Workspace, prompt: Prompt | None = None, assume_yes: bool = False
    ) -> None:
        self.workspace = workspace
        self.prompt = prompt or refuse_prompt()
        self.assume_yes = assume_yes

    # ------------------------------------------------------------ reaching it
    @abstractmethod
    def connect(self, config: Config, *, start: bool) -> AwsContext:
        """An AWS context for the target; start=False only finds what already runs."""

    # ------------------------------------------------------------ what Terraform needs
    @abstractmethod
    def tool_variables(self, config: Config, aws: AwsContext) -> dict[str, Any]:
        """Root variables the target supplies (provider switches, a DNS zone)."""

    @abstractmethod
    def adot_lambda_layer(self, config: Config) -> str | None:
        """The ADOT Python layer the /auth/ function runs with (None: without ADOT). Part of
        tool_variables; verify compares the live function with it."""

    @abstractmethod
    def backend(
        self, config: Config, aws: AwsContext, *, create: bool, write: bool = True
    ) -> dict[str, str] | None:
        """Backend settings for `terraform init` (None: local state). create=False never
        creates the state's home (down); write=False changes nothing at all (read-only
        commands), while the write side (plan, up, down) may put its protections back."""

    # ------------------------------------------------------------ refusing what must fail
    @abstractmethod
    def preflight(self, config: Config, aws: AwsContext) -> None:
        """Raise (UsageError) when an apply is bound to fail, before anything changes: run by
        plan and up before the state backend is created or Terraform initialised."""

    @abstractmethod
    def preflight_state(self, config: Config, aws: AwsContext, terraform: Terraform) -> None:
        """The preflight that needs the state (after init, before the plan)."""

    # ------------------------------------------------------------ asking before harm
    @abstractmethod
    def confirm_apply(self, summary: PlanSummary) -> None:
        """Raise unless the plan may be applied."""

    @abstractmethod
    def confirm_destroy(self, config: Config, aws: AwsContext) -> None:
        """Raise unless the stack may be destroyed (asked before terraform runs at all)."""

    @abstractmethod
    def confirm_disruption(self, what: str) -> None:
        """Raise unless an action that ends meetings (what) may go ahead."""

    @abstractmethod
    def cost_gate(self, estimate: Estimate, accept_cost: bool) -> None:
        """Raise if the estimate must not be deployed."""

    # ------------------------------------------------------------ after
    @abstractmethod
    def after_destroy(self, config: Config, aws: AwsContext, *, keep_running: bool) -> None:
        """Clean up what the target made outside Terraform."""

    def outlives_down(self, *, keep_running: bool) -> bool:
        """Whether what `down` keeps (the log bucket) is still there after it: on an account,
        yes; the local emulator loses everything when it stops."""
        return True

    # ------------------------------------------------------------ shared helpers
    def _ask(self, question: str, refusal: str, hint: str) -> None:
        if self.assume_yes or self.prompt.confirm(question):
            return
        raise UsageError(refusal, hint=hint)


def for_name(
    name: TargetName,
    prompt: Prompt | None = None,
    assume_yes: bool = False,
    workspace: Workspace | None = None,
) -> Target:
    from jitsi_ecs.targets.aws import AwsTarget
    from jitsi_ecs.targets.local import LocalTarget

    kinds: dict[str, type[Target]] = {"local": LocalTarget, "aws": AwsTarget}
    if name not in kinds:
        raise UsageError(f"unknown target {name!r}", hint="Use --target local or --target aws.")
    return kinds[name](workspace or Workspace.for_target(name), prompt, assume_yes)


__all__ = ["JitsiEcsError", "Prompt", "Target", "Watch", "for_name", "refuse_prompt"]
