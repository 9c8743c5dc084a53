"""jitsi-ecs.toml: one file describes one deployment.

The model mirrors the Terraform root variables key for key, so rendering is a dump and the
rules here are the same as the `validation` blocks in infra/variables.tf: a bad value is
rejected before Terraform runs, with the key named.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from jitsi_ecs.errors import ConfigError

DEFAULT_CONFIG_FILE = "jitsi-ecs.toml"

_DOMAIN = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAG = re.compile(r"^stable-[0-9]{4,}(-[0-9]+)?$")
_ROUTE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,20}$")
FARGATE_CPU = (256, 512, 1024, 2048, 4096, 8192, 16384)
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
CONTAINERS = ("web", "prosody", "jicofo", "jvb")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _emails(values: list[str]) -> list[str]:
    for value in values:
        if not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an email address such as ops@example.com")
    return values


class Network(_Model):
    cidr: str = "10.42.0.0/16"
    az_count: Annotated[int, Field(ge=2, le=4)] = 2
    vpc_id: str | None = None
    public_subnet_ids: list[str] = []

    @model_validator(mode="after")
    def _existing_vpc(self) -> Network:
        if self.vpc_id and len(self.public_subnet_ids) < 2:
            raise ValueError(
                "vpc_id needs public_subnet_ids with at least 2 subnets in different AZs"
            )
        return self


class Image(_Model):
    tag: str = "stable-11031"
    registry: str | None = None

    @field_validator("tag")
    @classmethod
    def _pinned(cls, tag: str) -> str:
        if not _TAG.match(tag):
            raise ValueError(
                f"{tag!r} is not a pinned stable-NNNNN[-N] tag (for example stable-11031); "
                "moving tags such as stable or latest are refused"
            )
        return tag


class _Size(_Model):
    cpu: int
    memory: int

    @model_validator(mode="after")
    def _fargate_size(self) -> _Size:
        if self.cpu not in FARGATE_CPU:
            raise ValueError(
                f"cpu {self.cpu} is not a Fargate size: {', '.join(map(str, FARGATE_CPU))}"
            )
        low, high = max(512, self.cpu * 2), min(self.cpu * 8, 122880)
        if not low <= self.memory <= high:
            raise ValueError(
                f"memory {self.memory} MiB must be {low}-{high} MiB for cpu {self.cpu}"
            )
        return self


class Web(_Size):
    desired_count: Annotated[int, Field(ge=1, le=100)] = 3
    cpu: int = 256
    memory: int = 512
    spot: bool = False


class Xmpp(_Size):
    cpu: int = 512
    memory: int = 1024


class Jvb(_Size):
    desired_count: Annotated[int, Field(ge=1, le=50)] = 1
    cpu: int = 1024
    memory: int = 2048
    udp_port: Annotated[int, Field(ge=1024, le=65535)] = 10000
    stun_servers: list[str] = ["meet-jit-si-turnrelay.jitsi.net:443"]
    spot: bool = False


_CRON_DAYS = re.compile(
    r"^(\*|(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?"
    r"(,(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?)*)$"
)


class Schedule(_Model):
    """Scale every service to zero outside these hours (UTC)."""

    days: str = "MON-FRI"
    start_hour: Annotated[int, Field(ge=0, le=23)] = 7
    stop_hour: Annotated[int, Field(ge=1, le=24)] = 19

    @field_validator("days")
    @classmethod
    def _cron_days(cls, days: str) -> str:
        if not _CRON_DAYS.match(days):
            raise ValueError(f"{days!r} is not a cron day list such as MON-FRI or MON,WED,FRI")
        return days

    @model_validator(mode="after")
    def _order(self) -> Schedule:
        if self.start_hour >= self.stop_hour:
            raise ValueError(
                f"start_hour ({self.start_hour}) must be before stop_hour ({self.stop_hour})"
            )
        return self


class Jitsi(_Model):
    image: Image = Image()
    cpu_architecture: Literal["X86_64", "ARM64"] = "X86_64"
    auth_type: Literal["jwt", "none"] = "jwt"
    jwt_app_id: str = "jitsi"
    internal_domain: str = "jitsi.internal"
    web: Web = Web()
    xmpp: Xmpp = Xmpp()
    jvb: Jvb = Jvb()
    schedule: Schedule | None = None


class ContainerCheck(_Model):
    interval: Annotated[int, Field(ge=5, le=300)] = 30
    timeout: Annotated[int, Field(ge=2, le=60)] = 5
    retries: Annotated[int, Field(ge=1, le=10)] = 3
    start_period: Annotated[int, Field(ge=0, le=300)] = 60

    @model_validator(mode="after")
    def _timeout_below_interval(self) -> ContainerCheck:
        if self.timeout >= self.interval:
            raise ValueError(f"timeout ({self.timeout}) must be below interval ({self.interval})")
        return self


class TargetGroupCheck(_Model):
    path: str = "/"
    interval: Annotated[int, Field(ge=5, le=300)] = 30
    timeout: Annotated[int, Field(ge=2, le=120)] = 5
    healthy_threshold: Annotated[int, Field(ge=2, le=10)] = 2
    unhealthy_threshold: Annotated[int, Field(ge=2, le=10)] = 3

    @field_validator("path")
    @classmethod
    def _real_path(cls, path: str) -> str:
        if not path.startswith("/"):
            raise ValueError("must start with /")
        if path == "/health":
            raise ValueError(
                "/health is a Jitsi room page that always answers 200; use / or /http-bind"
            )
        return path

    @model_validator(mode="after")
    def _timeout_below_interval(self) -> TargetGroupCheck:
        if self.timeout >= self.interval:
            raise ValueError(f"timeout ({self.timeout}) must be below interval ({self.interval})")
        return self


class HealthCheck(_Model):
    container: ContainerCheck = ContainerCheck()
    target_group: TargetGroupCheck = TargetGroupCheck()
    grace_period: Annotated[int, Field(ge=0, le=2147483647)] = 120

    @model_validator(mode="after")
    def _grace_covers_start(self) -> HealthCheck:
        needed = self.container.start_period + 2 * self.container.interval
        if self.grace_period < needed:
            raise ValueError(
                f"grace_period ({self.grace_period}) must be at least start_period + 2 x interval "
                f"({needed}), or new tasks are killed before they can pass"
            )
        return self


class Route(_Model):
    path_patterns: Annotated[list[str], Field(min_length=1, max_length=5)]
    priority: Annotated[int, Field(ge=1, le=50000)]
    port: Annotated[int, Field(ge=1, le=65535)]
    health_path: str = "/health"

    @field_validator("path_patterns")
    @classmethod
    def _absolute(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            if not p.startswith("/"):
                raise ValueError(f"path pattern {p!r} must start with /")
        return patterns


class Observability(_Model):
    log_group_name: str = "/ecs/jitsi-app"
    log_retention_days: int = 30
    adot_containers: list[Literal["web", "prosody", "jicofo", "jvb"]] = []
    metric_namespace: str = "Jitsi"
    transaction_search: bool = True

    @field_validator("log_retention_days")
    @classmethod
    def _cloudwatch_value(cls, days: int) -> int:
        if days not in LOG_RETENTION_DAYS:
            raise ValueError(
                f"{days} is not a CloudWatch retention value: "
                + ", ".join(map(str, LOG_RETENTION_DAYS))
            )
        return days


class Alarms(_Model):
    topic_name: str = "deployment-alerts"
    emails: list[str] = []
    period: Literal[10, 30, 60, 120, 300, 600, 900, 3600] = 60
    target_5xx_threshold: Annotated[float, Field(ge=0)] = 5
    elb_5xx_threshold: Annotated[float, Field(ge=0)] = 5
    p99_latency_seconds: Annotated[float, Field(gt=0)] = 2

    @field_validator("emails")
    @classmethod
    def _check_emails(cls, emails: list[str]) -> list[str]:
        return _emails(emails)


class Budgets(_Model):
    limits: Annotated[list[float], Field(min_length=1)] = [5, 10, 20, 40, 60]
    emails: Annotated[list[str], Field(max_length=10)] = []
    topic_name: str = "budget-alerts"

    @field_validator("emails")
    @classmethod
    def _check_emails(cls, emails: list[str]) -> list[str]:
        return _emails(emails)

    @field_validator("limits")
    @classmethod
    def _ascending(cls, limits: list[float]) -> list[float]:
        if any(x <= 0 for x in limits):
            raise ValueError("every limit must be a positive amount in USD")
        if any(b <= a for a, b in itertools.pairwise(limits)):
            raise ValueError(
                f"{limits} is not in strictly ascending order, such as [5, 10, 20, 40, 60]"
            )
        return limits


class Telemetry(_Model):
    """Jitsi stats to CloudWatch: a scheduled Lambda in the VPC, EMF on stdout."""

    enabled: bool = True
    schedule_expression: str = "rate(1 minute)"
    stress_threshold: Annotated[float, Field(gt=0)] = 0.8

    @field_validator("schedule_expression")
    @classmethod
    def _schedule(cls, expression: str) -> str:
        if not re.match(r"^(rate|cron)\(.+\)$", expression):
            raise ValueError(f"{expression!r} is not rate(...) or cron(...), e.g. rate(1 minute)")
        return expression


class Usage(_Model):
    """Assumptions behind the usage-driven part of the cost estimate."""

    meetings_per_month: Annotated[int, Field(ge=0)] = 60
    participants_per_meeting: Annotated[int, Field(ge=1)] = 4
    meeting_hours: Annotated[float, Field(ge=0)] = 1.0
    video_kbps_per_stream: Annotated[float, Field(ge=0)] = 500.0  # 360p (FACTS.md)
    log_gb_per_month: Annotated[float, Field(ge=0)] = 1.0
    alb_average_lcu: Annotated[float, Field(ge=0)] = 0.5
    traces_per_month: Annotated[float, Field(ge=0)] = 0.0


class Config(_Model):
    name: str = "jitsi"
    region: str = "us-west-2"
    domain: str = "meet.example.com"
    certificate_arn: str | None = None
    route53_zone_id: str | None = None
    ssl_policy: str = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    network: Network = Network()
    jitsi: Jitsi = Jitsi()
    health_check: HealthCheck = HealthCheck()
    routes: dict[str, Route] = {}
    observability: Observability = Observability()
    alarms: Alarms = Alarms()
    budgets: Budgets = Budgets()
    telemetry: Telemetry = Telemetry()
    usage: Usage = Usage()
    tags: dict[str, str] = {}

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not re.match(r"^[a-z][a-z0-9-]{1,19}$", name):
            raise ValueError(
                "must be 2-20 lowercase letters, digits and dashes, starting with a letter"
            )
        return name

    @field_validator("domain")
    @classmethod
    def _domain(cls, domain: str) -> str:
        if not _DOMAIN.match(domain):
            raise ValueError(
                f"{domain!r} is not a lowercase DNS name such as meet.example.com "
                "(no scheme, no path)"
            )
        return domain

    @field_validator("region")
    @classmethod
    def _region(cls, region: str) -> str:
        if not re.match(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", region):
            raise ValueError(f"{region!r} is not an AWS region such as us-west-2")
        return region

    @field_validator("ssl_policy")
    @classmethod
    def _tls12(cls, policy: str) -> str:
        if "TLS13" not in policy and "TLS-1-2" not in policy:
            raise ValueError("must be a TLS 1.2+ policy (ELBSecurityPolicy-TLS13-* or *-TLS-1-2-*)")
        return policy

    @field_validator("routes")
    @classmethod
    def _routes(cls, routes: dict[str, Route]) -> dict[str, Route]:
        for name in routes:
            if not _ROUTE_NAME.match(name):
                raise ValueError(f"route name {name!r}: lowercase letters, digits, dashes (max 21)")
        priorities = [r.priority for r in routes.values()]
        dup = {p for p in priorities if priorities.count(p) > 1}
        if dup:
            raise ValueError(
                f"two routes have the same priority {sorted(dup)}; each rule needs its own"
            )
        paths = [p for r in routes.values() for p in r.path_patterns]
        dup_paths = {p for p in paths if paths.count(p) > 1}
        if dup_paths:
            raise ValueError(f"path pattern {sorted(dup_paths)} appears in two routes")
        return routes

    def terraform_vars(self) -> dict[str, Any]:
        """The Terraform root variables (usage is the estimator's, not Terraform's)."""
        return self.model_dump(exclude={"usage"}, exclude_none=True)


def _location(loc: tuple[int | str, ...]) -> str:
    # pydantic puts model-level validator errors at the parent key; keep only real keys.
    return ".".join(str(p) for p in loc if not str(p).startswith("function-"))


def format_validation_error(error: ValidationError, source: str) -> str:
    lines = []
    for item in error.errors():
        key = _location(item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; `jitsi-ecs init` writes every key)"
        elif item["type"] == "missing":
            message = "required key is missing"
        elif item["type"] != "value_error":
            message = f"{message} (got {item.get('input')!r})"
        lines.append(f"{source}: {key}: {message}")
    return "\n".join(lines)


def parse_config(data: dict[str, Any], source: str = DEFAULT_CONFIG_FILE) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            format_validation_error(exc, source),
            hint="Fix the key(s) named above; `jitsi-ecs init` writes every option, commented.",
        ) from None


def load_config(path: Path | None) -> Config:
    """Load the file at path; with no path, ./jitsi-ecs.toml if present, else the defaults."""
    if path is None:
        default = Path(DEFAULT_CONFIG_FILE)
        if not default.exists():
            return Config()
        path = default
    if not path.exists():
        raise ConfigError(
            f"config file {path} does not exist", hint="Create one with `jitsi-ecs init`."
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, str(path))
