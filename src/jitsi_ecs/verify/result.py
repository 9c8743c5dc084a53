"""One check result, and the context every check group reads from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.outputs import StackOutputs

Status = Literal["pass", "fail", "skip"]
# A passing check can still carry advice (its detail starts with this); the JSON contract
# keeps three statuses, so warnings never break tooling that counts them.
WARNING = "warning: "


@dataclass(frozen=True)
class Check:
    id: str
    status: Status
    expected: Any
    observed: Any
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare(check_id: str, expected: Any, observed: Any, detail: str = "") -> Check:
    """pass when observed equals expected."""
    return Check(check_id, "pass" if expected == observed else "fail", expected, observed, detail)


def missing(check_id: str, expected: Any, what: str) -> Check:
    return Check(check_id, "fail", expected, None, f"{what} not found")


def skip(check_id: str, reason: str) -> Check:
    return Check(check_id, "skip", None, None, reason)


@dataclass(frozen=True)
class VerifyContext:
    config: Config
    aws: AwsContext
    outputs: StackOutputs  # what Terraform says the deployment is (names, counts)
    serves_traffic: bool = False  # the target runs the containers (live smoke checks apply)
    adot_lambda_layer: str | None = None  # what the target supplied to the /auth/ function
