"""jitsi-ecs.toml: one file describes one deployment, and this module is its only definition.

Every key, type, default, description and rule is written here once. `jitsi_ecs.schema`
renders the same model as infra/variables.tf (the Terraform root variables, with the same
defaults and validations) and as the commented file `jitsi-ecs init` writes, so the CLI, a
Terraform user and the docs cannot disagree. Rules that span fields are `Rule`s: a Python
check and its HCL condition side by side, with one message.
"""

from __future__ import annotations

import ipaddress
import itertools
import tomllib
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from jitsi_ecs.errors import ConfigError
from jitsi_ecs.schema import Matches, Rule, hcl_value, rule_message

DEFAULT_CONFIG_FILE = "jitsi-ecs.toml"

# ---------------------------------------------------------------- shared vocabulary

DomainName = Annotated[
    str,
    Matches(
        r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
        "a lowercase DNS name such as meet.example.com (no scheme, no path)",
    ),
]
Email = Annotated[
    str, Matches(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an email address such as ops@example.com")
]
ImageTag = Annotated[
    str,
    Matches(
        r"^stable-[0-9]{4,}(-[0-9]+)?$",
        "a pinned stable-NNNNN[-N] tag (for example stable-11031); moving tags such as "
        "stable or latest are refused",
    ),
]
AbsolutePath = Annotated[str, Matches(r"^/", "a path starting with /")]
RouteName = Annotated[
    str, Matches(r"^[a-z][a-z0-9-]{0,20}$", "lowercase letters, digits and dashes (max 21)")
]
CronDays = Annotated[
    str,
    Matches(
        r"^(\*|(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?"
        r"(,(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?)*)$",
        "a cron day list such as MON-FRI or MON,WED,FRI",
    ),
]

# Fargate task sizes AWS accepts: cpu units -> memory MiB (Amazon ECS developer guide,
# "Task CPU and memory"). One table: the CLI checks it and Terraform receives it as a literal.
FARGATE_MEMORY: dict[int, list[int]] = {
    256: [512, 1024, 2048],
    512: list(range(1024, 4097, 1024)),
    1024: list(range(2048, 8193, 1024)),
    2048: list(range(4096, 16385, 1024)),
    4096: list(range(8192, 30721, 1024)),
    8192: list(range(16384, 61441, 4096)),
    16384: list(range(32768, 122881, 8192)),
}
FargateCpu = Literal[256, 512, 1024, 2048, 4096, 8192, 16384]
LogRetention = Literal[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
]  # fmt: skip
# TLS 1.2+ ALB policies (ELB docs, "Security policies for your Application Load Balancer").
# An allowlist, not a pattern: TLS13-1-0 and TLS13-1-1 policies also name TLS13.
SslPolicy = Literal[
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
]


def _key(default: Any, description: str, **extra: Any) -> Any:
    """A field's default, its description (variables.tf and `jitsi-ecs init` show it), extras.

    Extras: `example` (shown commented out in the init file for keys without a default) and
    `terraform=False` (keys only the CLI reads).
    """
    return Field(default, description=description, json_schema_extra=extra or None)


class _Model(BaseModel):
    """Frozen, no unknown keys, and every `Rule` of the class checked after the fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    RULES: ClassVar[tuple[Rule, ...]] = ()

    @model_validator(mode="after")
    def _rules(self) -> _Model:
        for rule in type(self).RULES:
            if not rule.deploy_only and not rule.check(self):
                raise ValueError(rule_message(rule, self))
        return self


# ---------------------------------------------------------------- network


def _is_cidr(cidr: str) -> bool:
    try:
        network = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        return False
    return 16 <= network.prefixlen <= 24


class Network(_Model):
    """A new VPC with public subnets (cidr, az_count) or an existing one. No NAT gateway."""

    cidr: str = _key("10.42.0.0/16", "VPC CIDR, /16 to /24; each AZ gets a public subnet of it")
    az_count: Annotated[int, Field(ge=2, le=4)] = _key(2, "availability zones (subnets) to use")
    vpc_id: str | None = _key(
        None, "use this existing VPC instead", example="vpc-0123456789abcdef0"
    )
    public_subnet_ids: list[str] = _key([], "its public subnets: at least 2, in different AZs")

    RULES = (
        Rule(
            "cidr {cidr} is not a canonical IPv4 CIDR block from /16 to /24 such as 10.42.0.0/16",
            lambda n: _is_cidr(n.cidr),
            "can(cidrsubnet(self.cidr, 0, 0)) ? (cidrsubnet(self.cidr, 0, 0) == self.cidr && "
            'tonumber(split("/", self.cidr)[1]) >= 16 && tonumber(split("/", self.cidr)[1]) <= 24)'
            " : false",
        ),
        Rule(
            "vpc_id needs public_subnet_ids with at least 2 subnets in different AZs",
            lambda n: n.vpc_id is None or len(n.public_subnet_ids) >= 2,
            "self.vpc_id == null ? true : length(self.public_subnet_ids) >= 2",
        ),
    )


# ---------------------------------------------------------------- jitsi


class Image(_Model):
    """The Jitsi image line: one pinned tag for web, prosody, jicofo and jvb."""

    tag: ImageTag = _key("stable-11031", "pinned; stable-11146+ is the rootless ghcr.io line")
    registry: str | None = _key(
        None, "default: docker.io/jitsi up to 11031, ghcr.io/jitsi after", example="ghcr.io/jitsi"
    )


_FARGATE_SIZE = Rule(
    "cpu {cpu} with memory {memory} MiB is not a Fargate task size (cpu 256: 512, 1024 or "
    "2048 MiB; 512: 1-4 GiB; 1024: 2-8 GiB; 2048: 4-16 GiB; 4096: 8-30 GiB, in 1 GiB steps)",
    lambda s: s.memory in FARGATE_MEMORY[s.cpu],
    f"contains(lookup({hcl_value({str(k): v for k, v in FARGATE_MEMORY.items()})}, "
    "tostring(self.cpu), []), self.memory)",
)


class Web(_Model):
    """web service (nginx + app): stateless, scales out."""

    desired_count: Annotated[int, Field(ge=1, le=100)] = _key(3, "tasks behind the ALB")
    cpu: FargateCpu = _key(256, "CPU units per task (1024 = 1 vCPU)")
    memory: int = _key(512, "MiB per task, a size Fargate accepts for the cpu")
    spot: bool = _key(False, "all but one task on Fargate Spot (up to 70% cheaper)")

    RULES = (_FARGATE_SIZE,)


class Xmpp(_Model):
    """xmpp service (prosody + jicofo): always exactly one task per shard."""

    cpu: FargateCpu = _key(512, "CPU units of the one signaling task")
    memory: int = _key(1024, "MiB of the one signaling task")

    RULES = (_FARGATE_SIZE,)


class Jvb(_Model):
    """jvb service: bridges with a public IP each, media on udp_port, address found by STUN."""

    desired_count: Annotated[int, Field(ge=1, le=50)] = _key(1, "bridges")
    cpu: FargateCpu = _key(1024, "CPU units per bridge")
    memory: int = _key(2048, "MiB per bridge (the JVM heap is set below it)")
    udp_port: Annotated[int, Field(ge=1024, le=65535)] = _key(10000, "media port, UDP")
    stun_servers: list[str] = _key(
        ["meet-jit-si-turnrelay.jitsi.net:443"], "host:port servers the bridge asks for its IP"
    )
    spot: bool = _key(False, "bridges on Fargate Spot: a reclaimed bridge ends its meetings")

    RULES = (_FARGATE_SIZE,)


class Schedule(_Model):
    """Scale every service to zero outside these hours (UTC)."""

    days: CronDays = _key("MON-FRI", "cron day list")
    start_hour: Annotated[int, Field(ge=0, le=23)] = _key(7, "hour (UTC) the services start")
    # cron hours are 0-23: "24" would render cron(0 24 ...), which AWS refuses.
    stop_hour: Annotated[int, Field(ge=1, le=23)] = _key(19, "hour (UTC) they stop")

    RULES = (
        Rule(
            "start_hour ({start_hour}) must be before stop_hour ({stop_hour})",
            lambda s: s.start_hour < s.stop_hour,
            "self.start_hour < self.stop_hour",
        ),
    )


class Jitsi(_Model):
    """The Jitsi services: image line, sizes, counts, auth."""

    image: Image = _key(Image(), "image line")
    cpu_architecture: Literal["X86_64", "ARM64"] = _key(
        "X86_64", "or ARM64 (the images are multi-arch; ARM is ~20% cheaper)"
    )
    auth_type: Literal["jwt", "none"] = _key(
        "jwt", "jwt (recommended) or none (open instance: anyone can host)"
    )
    jwt_app_id: Annotated[
        str, Matches(r"^[A-Za-z0-9_.-]{1,64}$", "1-64 letters, digits, dots, dashes, underscores")
    ] = _key("jitsi", "JWT issuer (iss) and audience (aud) of the tokens")
    guests: bool = _key(
        True, "jwt: people with the plain room link join once a token holder opened the room"
    )
    internal_domain: str = _key(
        "jitsi.internal", "Cloud Map namespace; prosody is xmpp.<internal_domain>"
    )
    web: Web = _key(Web(), "nginx + app, stateless")
    xmpp: Xmpp = _key(Xmpp(), "prosody + jicofo: always one task (one shard)")
    jvb: Jvb = _key(Jvb(), "bridges: public IP each, media on UDP udp_port")
    schedule: Schedule | None = _key(
        None, "scale everything to zero outside these hours (UTC)", example=Schedule()
    )


class Oidc(_Model):
    """An existing OpenID Connect identity provider for /auth/ (instead of a Cognito pool)."""

    issuer: Annotated[str, Matches(r"^https://", "an https:// URL")] = _key(..., "OIDC issuer")
    authorization_endpoint: Annotated[str, Matches(r"^https://", "an https:// URL")] = _key(
        ..., "the IdP's authorization endpoint"
    )
    token_endpoint: Annotated[str, Matches(r"^https://", "an https:// URL")] = _key(
        ..., "the IdP's token endpoint"
    )
    user_info_endpoint: Annotated[str, Matches(r"^https://", "an https:// URL")] = _key(
        ..., "the IdP's user info endpoint"
    )
    client_id: str = _key(..., "client id registered at the IdP for https://<domain>")
    client_secret_parameter: Annotated[
        str, Matches(r"^/", "an SSM parameter name such as /jitsi/oidc-client-secret")
    ] = _key(..., "SSM SecureString parameter holding the client secret (you create it)")


class Auth(_Model):
    """Self-service meeting links at https://<domain>/auth/: members log in and get a link."""

    enabled: bool = _key(True, "the /auth/ page (needs jitsi.auth_type = jwt)")
    provider: Literal["cognito", "oidc"] = _key(
        "cognito", "cognito: a user pool the stack creates; oidc: your IdP (see [auth.oidc])"
    )
    oidc: Oidc | None = _key(
        None,
        "your IdP, when provider = oidc",
        example=Oidc(
            issuer="https://idp.example.com",
            authorization_endpoint="https://idp.example.com/authorize",
            token_endpoint="https://idp.example.com/token",
            user_info_endpoint="https://idp.example.com/userinfo",
            client_id="jitsi",
            client_secret_parameter="/jitsi/oidc-client-secret",
        ),
    )
    token_ttl_hours: Annotated[int, Field(ge=1, le=720)] = _key(
        24, "how long a link from /auth/ stays valid"
    )

    RULES = (
        Rule(
            "provider = oidc needs an [auth.oidc] section",
            lambda a: a.provider != "oidc" or a.oidc is not None,
            'self.provider != "oidc" || self.oidc != null',
        ),
    )


# ---------------------------------------------------------------- health checks


class ContainerCheck(_Model):
    """The container health check of every container (ECS limits)."""

    interval: Annotated[int, Field(ge=5, le=300)] = _key(30, "seconds between checks")
    timeout: Annotated[int, Field(ge=2, le=60)] = _key(5, "seconds a check may take")
    retries: Annotated[int, Field(ge=1, le=10)] = _key(3, "failures before unhealthy")
    start_period: Annotated[int, Field(ge=0, le=300)] = _key(60, "seconds of grace at start")

    RULES = (
        Rule(
            "timeout ({timeout}) must be below interval ({interval})",
            lambda c: c.timeout < c.interval,
            "self.timeout < self.interval",
        ),
    )


class TargetGroupCheck(_Model):
    """The ALB target group health check (ELB limits)."""

    path: AbsolutePath = _key("/", "never /health: it is a room page that always answers 200")
    interval: Annotated[int, Field(ge=5, le=300)] = _key(30, "seconds between checks")
    timeout: Annotated[int, Field(ge=2, le=120)] = _key(5, "seconds a check may take")
    healthy_threshold: Annotated[int, Field(ge=2, le=10)] = _key(2, "passes to be healthy")
    unhealthy_threshold: Annotated[int, Field(ge=2, le=10)] = _key(3, "failures to be unhealthy")

    RULES = (
        Rule(
            "/health is a Jitsi room page that always answers 200; use / or /http-bind",
            lambda t: t.path != "/health",
            'self.path != "/health"',
        ),
        Rule(
            "timeout ({timeout}) must be below interval ({interval})",
            lambda t: t.timeout < t.interval,
            "self.timeout < self.interval",
        ),
    )


class HealthCheck(_Model):
    """Container and target group health checks and the ECS grace period."""

    container: ContainerCheck = _key(ContainerCheck(), "container checks")
    target_group: TargetGroupCheck = _key(TargetGroupCheck(), "ALB target group checks")
    grace_period: Annotated[int, Field(ge=0, le=2147483647)] = _key(
        120, "seconds ECS ignores failing checks of a new task, >= start_period + 2 x interval"
    )

    RULES = (
        Rule(
            "grace_period ({grace_period}) must be at least start_period + 2 x interval of the "
            "container check, or new tasks are killed before they can pass",
            lambda h: h.grace_period >= h.container.start_period + 2 * h.container.interval,
            "self.grace_period >= self.container.start_period + 2 * self.container.interval",
        ),
    )


# ---------------------------------------------------------------- routes


class Route(_Model):
    """Another service behind the HTTPS listener: path patterns, rule priority, target port."""

    path_patterns: Annotated[list[AbsolutePath], Field(min_length=1, max_length=5)] = _key(
        ..., "ALB path patterns (1-5) sent to this service"
    )
    priority: Annotated[int, Field(ge=1, le=50000)] = _key(..., "listener rule priority")
    port: Annotated[int, Field(ge=1, le=65535)] = _key(..., "target port")
    health_path: AbsolutePath = _key("/health", "target group health check path")


# ---------------------------------------------------------------- observability


class Observability(_Model):
    """Logs, ADOT export and the X-Ray Transaction Search prerequisite."""

    log_group_name: str = _key("/ecs/jitsi-app", "log group of every container")
    log_retention_days: LogRetention = _key(30, "days CloudWatch keeps the logs")
    adot_containers: list[Literal["web", "prosody", "jicofo", "jvb"]] = _key(
        [], "containers given collector-less ADOT variables (only ADOT-instrumented ones use them)"
    )
    metric_namespace: str = _key("Jitsi", "CloudWatch namespace of the Jitsi metrics")
    transaction_search: bool = _key(True, "let X-Ray write spans to CloudWatch Logs")


class Alarms(_Model):
    """Alarm thresholds and the SNS topic they notify."""

    topic_name: str = _key("deployment-alerts", "SNS topic of the alarms")
    emails: list[Email] = _key([], "each address must confirm the SNS subscription")
    period: Literal[10, 30, 60, 120, 300, 600, 900, 3600] = _key(60, "alarm period, seconds")
    target_5xx_threshold: Annotated[float, Field(ge=0)] = _key(5, "target 5xx per period")
    elb_5xx_threshold: Annotated[float, Field(ge=0)] = _key(5, "the ALB's own 5xx per period")
    p99_latency_seconds: Annotated[float, Field(gt=0)] = _key(2, "p99 target response time")


class Budgets(_Model):
    """Monthly cost budgets (USD, ascending), each with FORECASTED and ACTUAL notifications."""

    limits: Annotated[list[float], Field(min_length=1)] = _key(
        [5, 10, 20, 40, 60], "monthly USD, strictly ascending"
    )
    emails: Annotated[list[Email], Field(max_length=10)] = _key([], "at most 10 (AWS Budgets)")
    topic_name: str = _key("budget-alerts", "SNS topic of the budgets")

    RULES = (
        Rule(
            "limits {limits} must be positive amounts in strictly ascending order, "
            "such as [5, 10, 20, 40, 60]",
            lambda b: (
                all(x > 0 for x in b.limits)
                and all(b2 > b1 for b1, b2 in itertools.pairwise(b.limits))
            ),
            "alltrue([for i, l in self.limits : l > 0 && (i == 0 ? true : "
            "l > self.limits[max(i - 1, 0)])])",
        ),
    )


class Telemetry(_Model):
    """Jitsi stats to CloudWatch: a scheduled Lambda in the VPC, EMF on stdout."""

    enabled: bool = _key(True, "JVB + jicofo stats to CloudWatch metrics")
    schedule_expression: Annotated[
        str, Matches(r"^(rate|cron)\(.+\)$", "rate(...) or cron(...), e.g. rate(1 minute)")
    ] = _key("rate(1 minute)", "how often the stats are read")
    stress_threshold: Annotated[float, Field(gt=0)] = _key(
        0.8, "bridge-stress alarm (operators watch 0.8)"
    )


class Usage(_Model):
    """Assumptions behind the usage-driven part of the cost estimate (not sent to Terraform)."""

    meetings_per_month: Annotated[int, Field(ge=0)] = _key(60, "meetings a month")
    participants_per_meeting: Annotated[int, Field(ge=1)] = _key(4, "people per meeting")
    meeting_hours: Annotated[float, Field(ge=0)] = _key(1.0, "hours per meeting")
    video_kbps_per_stream: Annotated[float, Field(ge=0)] = _key(
        500.0, "360p; 180p ~200, 720p ~2500"
    )
    log_gb_per_month: Annotated[float, Field(ge=0)] = _key(1.0, "container log volume")
    alb_average_lcu: Annotated[float, Field(ge=0)] = _key(
        0.5, "load balancer capacity units in use, on average"
    )
    traces_per_month: Annotated[float, Field(ge=0)] = _key(
        0.0, "X-Ray traces (only processes with ADOT send any)"
    )
    members: Annotated[int, Field(ge=0)] = _key(
        5, "people who log in at /auth/ in a month (Cognito monthly active users)"
    )


# ---------------------------------------------------------------- the file


class Config(_Model):
    """One Jitsi Meet deployment."""

    name: Annotated[
        str,
        Matches(
            r"^[a-z][a-z0-9-]{1,19}$",
            "2-20 lowercase letters, digits and dashes, starting with a letter",
        ),
    ] = _key("jitsi", "stack name: cluster, ALB and prefix of every resource")
    region: Annotated[
        str, Matches(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", "an AWS region such as us-west-2")
    ] = _key("us-west-2", "AWS region of the whole stack")
    domain: DomainName = _key(
        "meet.example.com", "public host name; PUBLIC_URL is https://<domain>"
    )
    certificate_arn: str | None = _key(
        None,
        "existing ACM certificate for domain (or route53_zone_id; the local target needs neither)",
        example="arn:aws:acm:us-west-2:111122223333:certificate/...",
    )
    route53_zone_id: str | None = _key(
        None,
        "hosted zone of domain: a DNS-validated certificate and an alias record are made",
        example="Z0123456789ABC",
    )
    ssl_policy: SslPolicy = _key(
        "ELBSecurityPolicy-TLS13-1-2-2021-06", "TLS policy: TLS 1.2 minimum, 1.3 preferred"
    )
    network: Network = _key(Network(), "public subnets only, no NAT gateway")
    jitsi: Jitsi = _key(Jitsi(), "the Jitsi services")
    health_check: HealthCheck = _key(HealthCheck(), "health checks")
    auth: Auth = _key(Auth(), "members get meeting links at /auth/")
    routes: dict[RouteName, Route] = _key(
        {},
        "more services behind the same ALB, one listener rule each",
        example={"api": Route(path_patterns=["/api/v1/*"], priority=40, port=8004)},
    )
    observability: Observability = _key(Observability(), "logs, ADOT, dashboard")
    alarms: Alarms = _key(Alarms(), "alarms to SNS")
    budgets: Budgets = _key(Budgets(), "monthly cost budgets")
    telemetry: Telemetry = _key(Telemetry(), "Jitsi telemetry")
    usage: Usage = _key(Usage(), "assumptions behind the cost estimate", terraform=False)
    tags: dict[str, str] = _key({}, "extra tags on every resource")

    RULES = (
        Rule(
            "HTTPS needs a certificate: set certificate_arn (an ACM certificate for the domain) "
            "or route53_zone_id (its hosted zone, for a DNS-validated one)",
            lambda c: c.certificate_arn is not None or c.route53_zone_id is not None,
            "self.route53_zone_id != null || self.certificate_arn != null",
            deploy_only=True,
        ),
        Rule(
            "auth.enabled needs jitsi.auth_type = jwt: without tokens there is nothing to issue",
            lambda c: not c.auth.enabled or c.jitsi.auth_type == "jwt",
            '!self.auth.enabled || self.jitsi.auth_type == "jwt"',
        ),
        Rule(
            "routes: /auth/* belongs to the auth page while auth.enabled is true",
            lambda c: (
                not c.auth.enabled
                or all(
                    not p.startswith("/auth") for r in c.routes.values() for p in r.path_patterns
                )
            ),
            "!self.auth.enabled || alltrue([for r in values(self.routes) : "
            'alltrue([for p in r.path_patterns : !startswith(p, "/auth")])])',
        ),
        Rule(
            "routes: listener rule priority 1 belongs to the /auth/ page while auth.enabled is "
            "true",
            lambda c: not c.auth.enabled or all(r.priority != 1 for r in c.routes.values()),
            "!self.auth.enabled || alltrue([for r in values(self.routes) : r.priority != 1])",
        ),
        Rule(
            "routes: each listener rule needs its own priority",
            lambda c: len({r.priority for r in c.routes.values()}) == len(c.routes),
            "length(distinct([for r in values(self.routes) : r.priority])) == length(self.routes)",
        ),
        Rule(
            "routes: a path pattern may go to one route only",
            lambda c: (
                len({p for r in c.routes.values() for p in r.path_patterns})
                == sum(len(r.path_patterns) for r in c.routes.values())
            ),
            "length(distinct(flatten([for r in values(self.routes) : r.path_patterns]))) == "
            "length(flatten([for r in values(self.routes) : r.path_patterns]))",
        ),
    )

    def check_deployable(self) -> None:
        """The rules that hold once a target has filled in what it provides (see Rule)."""
        for rule in self.RULES:
            if rule.deploy_only and not rule.check(self):
                raise ConfigError(rule_message(rule, self))

    def terraform_vars(self) -> dict[str, Any]:
        """The Terraform root variables: every key Terraform reads, None left to its defaults."""
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
