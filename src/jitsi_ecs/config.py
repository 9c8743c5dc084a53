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
import json
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from jitsi_ecs import memory
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
ImageDigest = Annotated[
    str, Matches(r"^sha256:[0-9a-f]{64}$", "an image digest: sha256: and 64 lowercase hex digits")
]
StunServer = Annotated[
    str,
    Matches(
        r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?:[0-9]{1,5}$",
        "host:port of a STUN server, such as stun.l.google.com:19302",
    ),
]
# A health path reaches the container check's `sh -c` (and the ALB's check): only the
# characters of a URL path (RFC 3986 unreserved, / and %-escapes), nothing a shell reads.
UrlPath = Annotated[
    str,
    Matches(
        r"^/[A-Za-z0-9._~/%-]*$",
        "a URL path starting with / (letters, digits and - . _ ~ / % only)",
    ),
]
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
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
    flow_logs: bool = _key(
        False, "VPC flow logs to the stack's private log bucket (~$0.25/GB delivered)"
    )

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


# ---------------------------------------------------------------- load balancer


class Alb(_Model):
    """The load balancer's protection, request logs and security headers."""

    deletion_protection: bool = _key(
        False, "AWS refuses to delete the ALB; `down` stops until this is false again"
    )
    access_logs: bool = _key(
        False, "request logs to the stack's private log bucket (they hold ?jwt= tokens)"
    )
    hsts_max_age: Annotated[int, Field(ge=0, le=63072000)] = _key(
        31536000,
        "Strict-Transport-Security max-age in seconds on HTTPS answers; 0 makes browsers forget it",
    )


# ---------------------------------------------------------------- jitsi


class Image(_Model):
    """The Jitsi image line: one pinned tag for web, prosody, jicofo and jvb."""

    tag: ImageTag = _key(
        "stable-11146-2",
        "pinned; stable-11146+ is the maintained rootless ghcr.io line, stable-11031 the last "
        "Docker Hub (root) one",
    )
    registry: str | None = _key(
        None, "default: docker.io/jitsi up to 11031, ghcr.io/jitsi after", example="ghcr.io/jitsi"
    )
    digests: dict[Literal["web", "prosody", "jicofo", "jvb"], ImageDigest] = _key(
        {},
        "sha256 digest per image (web, prosody, jicofo, jvb): pulls exactly that build of the "
        "tag; verify warns about images pinned by tag only",
    )


_FARGATE_SIZE = Rule(
    "cpu {cpu} with memory {memory} MiB is not a Fargate task size (cpu 256: 512, 1024 or "
    "2048 MiB; 512: 1-4 GiB; 1024: 2-8 GiB; 2048: 4-16 GiB; 4096: 8-30 GiB, in 1 GiB steps)",
    lambda s: s.memory in FARGATE_MEMORY[s.cpu],
    f"contains(lookup({hcl_value({str(k): v for k, v in FARGATE_MEMORY.items()})}, "
    "tostring(self.cpu), []), self.memory)",
)


def _holds(task: str, what: str) -> Rule:
    """A task too small for its memory budget (jitsi_ecs.memory) is refused, not OOM-killed."""
    least = memory.minimum(memory.TASKS[task])
    return Rule(
        f"memory {{memory}} MiB cannot hold {what}: at least {least} MiB (docs/architecture.md, "
        '"Memory budget", lists each process\'s share)',
        lambda s: s.memory >= least,
        f"self.memory >= {least}",
    )


class Shard(_Model):
    """compact layout: the one task of the shard, running web, prosody, jicofo and a bridge.

    Sized from Jitsi's published guidance (the Jitsi Meet handbook's self-hosting requirements
    and the jitsi-helm chart's resource values, see FACTS.md "Sizing") and the memory budget
    (jitsi_ecs.memory): jicofo's JVM gets 512 MiB of heap, nginx, prosody and both JVMs their
    share beside the heaps, and the bridge's JVM the rest (~1.5 GB at 3 GiB, enough for about
    20 participants). Half a vCPU carries a small organisation's meetings; more
    participants start more bridges (jitsi.jvb.autoscaling), not a bigger shard. The shard
    still registers in Cloud Map: bridges added under load find its prosody there, and the
    telemetry function its jicofo."""

    cpu: FargateCpu = _key(512, "CPU units of the shard's task (1024 = 1 vCPU)")
    memory: int = _key(3072, "MiB of the shard's task, a size Fargate accepts for the cpu")

    RULES = (
        _FARGATE_SIZE,
        _holds("shard", "the shard's web, prosody, jicofo and bridge with their heaps"),
    )


class Web(_Model):
    """growth layout: the web service (nginx + app), stateless, across the AZs."""

    desired_count: Annotated[int, Field(ge=1, le=100)] = _key(2, "tasks behind the ALB")
    cpu: FargateCpu = _key(256, "CPU units per task (1024 = 1 vCPU)")
    memory: int = _key(512, "MiB per task, a size Fargate accepts for the cpu")
    spot: bool = _key(False, "all but one task on Fargate Spot (up to 70% cheaper; x86 only)")

    RULES = (_FARGATE_SIZE,)


class Xmpp(_Model):
    """growth layout: the signaling service (prosody + jicofo), always exactly one task."""

    cpu: FargateCpu = _key(512, "CPU units of the one signaling task")
    memory: int = _key(1024, "MiB of the one signaling task")

    RULES = (_FARGATE_SIZE, _holds("xmpp", "prosody and jicofo with its heap"))


class Autoscaling(_Model):
    """How many bridges run: target tracking on the bridges' average Stress (Jitsi telemetry)."""

    min_count: Annotated[int, Field(ge=1, le=50)] = _key(
        1, "bridges at least (compact: counting the shard's)"
    )
    max_count: Annotated[int, Field(ge=1, le=50)] = _key(3, "bridges at most")
    target_stress: Annotated[float, Field(gt=0, le=1)] = _key(
        0.6, "average bridge stress autoscaling keeps (0.8 is the alarm)"
    )

    RULES = (
        Rule(
            "min_count ({min_count}) must not be above max_count ({max_count})",
            lambda a: a.min_count <= a.max_count,
            "self.min_count <= self.max_count",
        ),
    )


class Jvb(_Model):
    """Bridges that run alone (every bridge in growth; compact adds them to the shard's)."""

    cpu: FargateCpu = _key(1024, "CPU units per bridge task")
    memory: int = _key(2048, "MiB per bridge task (the JVM heap is set below it)")
    udp_port: Annotated[int, Field(ge=1024, le=65535)] = _key(10000, "media port, UDP")
    # The bridge asks STUN once, at start, for its public address; with every server silent it
    # would advertise its private one (no media), so several operators, and health fails then.
    stun_servers: Annotated[list[StunServer], Field(min_length=2)] = _key(
        [
            "meet-jit-si-turnrelay.jitsi.net:443",
            "stun.l.google.com:19302",
            "stun.cloudflare.com:3478",
        ],
        "host:port STUN servers the bridge asks for its public IP (at least 2)",
    )
    spot: bool = _key(
        False, "bridges on Fargate Spot (x86 only): a reclaimed one ends its meetings"
    )
    autoscaling: Autoscaling = _key(Autoscaling(), "how many bridges run")

    RULES = (_FARGATE_SIZE, _holds("jvb", "a bridge and its guard with the bridge's heap"))


class Schedule(_Model):
    """Scale every service to zero outside these hours (UTC)."""

    days: CronDays = _key("MON-FRI", "cron day list")
    start_hour: Annotated[int, Field(ge=0, le=23)] = _key(8, "hour (UTC) the services start")
    # cron hours are 0-23: "24" would render cron(0 24 ...), which AWS refuses.
    stop_hour: Annotated[int, Field(ge=1, le=23)] = _key(18, "hour (UTC) they stop")

    def days_per_week(self) -> int:
        if self.days == "*":
            return 7
        count = 0
        for part in self.days.split(","):
            first, _, last = part.partition("-")
            count += WEEKDAYS.index(last or first) - WEEKDAYS.index(first) + 1
        return count

    def hours_per_week(self) -> int:
        return (self.stop_hour - self.start_hour) * self.days_per_week()

    def awake_fraction(self) -> float:
        """Share of the week the stack runs."""
        return self.hours_per_week() / (7 * 24)

    RULES = (
        Rule(
            "start_hour ({start_hour}) must be before stop_hour ({stop_hour})",
            lambda s: s.start_hour < s.stop_hour,
            "self.start_hour < self.stop_hour",
        ),
    )


class Turn(_Model):
    """TURN over TLS on port 443 (coturn behind a network load balancer), for participants whose
    network lets only HTTPS out. Off by default: about $44/month in us-west-2 (load balancer,
    its addresses, a small task and its metrics), in the estimate when on."""

    enabled: bool = _key(False, "adds coturn, a network load balancer and the host name below")
    host: DomainName | None = _key(
        None, "public name of the TURN server; default turn.<domain>", example="turn.example.com"
    )
    certificate_arn: str | None = _key(
        None,
        "ACM certificate for host (or route53_zone_id makes a DNS-validated one)",
        example="arn:aws:acm:us-west-2:111122223333:certificate/...",
    )
    image: Annotated[
        str,
        Matches(
            r"^[a-z0-9][a-z0-9./_-]*:[0-9][A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?$",
            "a pinned image whose tag starts with a version, such as coturn/coturn:4.17.0-r0",
        ),
    ] = _key("coturn/coturn:4.17.0-r0", "pinned coturn image (multi-arch)")
    cpu: FargateCpu = _key(256, "CPU units of the coturn task")
    memory: int = _key(512, "MiB of the coturn task")
    credential_ttl_hours: Annotated[int, Field(ge=1, le=24)] = _key(
        8,
        "how long the TURN credentials prosody hands out stay valid (a meeting on TURN longer "
        "than this loses its relay at the next refresh)",
    )

    RULES = (_FARGATE_SIZE,)


class Jitsi(_Model):
    """The Jitsi services: layout, image line, sizes, counts, auth."""

    layout: Literal["compact", "growth"] = _key(
        "compact",
        "compact: one task per shard (web + prosody + jicofo + a bridge), more bridges alone; "
        "growth: web across the AZs, signaling alone, bridges alone",
    )
    image: Image = _key(Image(), "image line")
    cpu_architecture: Literal["X86_64", "ARM64"] = _key(
        "ARM64", "ARM64 (Graviton, ~20% cheaper; the images are multi-arch) or X86_64"
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
    shard: Shard = _key(Shard(), "compact: the shard's one task")
    web: Web = _key(Web(), "growth: nginx + app, stateless")
    xmpp: Xmpp = _key(Xmpp(), "growth: prosody + jicofo, always one task")
    jvb: Jvb = _key(Jvb(), "bridges: public IP each, media on UDP udp_port")
    turn: Turn = _key(Turn(), "TURN over TLS on 443 for networks that block UDP (off)")
    schedule: Schedule | None = _key(
        None, "scale everything to zero outside these hours (UTC)", example=Schedule()
    )

    RULES = (
        Rule(
            "Fargate Spot runs x86 tasks only: jitsi.cpu_architecture = ARM64 cannot go with "
            "jitsi.web.spot or jitsi.jvb.spot",
            lambda j: j.cpu_architecture != "ARM64" or not (j.web.spot or j.jvb.spot),
            'self.cpu_architecture != "ARM64" || !(self.web.spot || self.jvb.spot)',
        ),
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
    token_ttl_hours: Annotated[int, Field(ge=1, le=24)] = _key(
        1,
        "how long a link from /auth/ stays valid (a removed member's last link works this long)",
    )
    mfa: Literal["optional", "required"] = _key(
        "optional",
        "cognito: a TOTP authenticator app as a second factor; required asks every member to "
        "set one up at the next login",
    )
    login_rate_limit: Annotated[int, Field(ge=0, le=2_000_000_000)] = _key(
        0,
        "cognito: login requests one IP address may send the user pool in 5 minutes before a "
        "WAF rate rule blocks it; 10 or more (AWS WAF's minimum), e.g. 100; 0 = off. Costs "
        "~$6/month plus $0.60 per million requests",
    )

    RULES = (
        Rule(
            "provider = oidc needs an [auth.oidc] section",
            lambda a: a.provider != "oidc" or a.oidc is not None,
            'self.provider != "oidc" || self.oidc != null',
        ),
        Rule(
            "login_rate_limit is 0 (off) or at least 10, AWS WAF's minimum for a rate rule "
            "(got {login_rate_limit})",
            lambda a: a.login_rate_limit == 0 or a.login_rate_limit >= 10,
            "self.login_rate_limit == 0 || self.login_rate_limit >= 10",
        ),
        Rule(
            "login_rate_limit guards the Cognito user pool: with provider = oidc your IdP "
            "rate-limits its own logins; set it to 0",
            lambda a: a.login_rate_limit == 0 or a.provider == "cognito",
            'self.login_rate_limit == 0 || self.provider == "cognito"',
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

    path: UrlPath = _key("/", "never /health: it is a room page that always answers 200")
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


# ---------------------------------------------------------------- services

# Paths the Jitsi web image answers itself: no service may take them (Jitsi lives at the
# root, see infra/README.md). The one list, from its sources:
# - the `location` blocks of nginx's meet.conf in jitsi/docker-jitsi-meet
#   (web/rootfs/defaults/meet.conf at stable-11031 and stable-11146-2, the optional ones
#   included: etherpad, rtcstats, whiteboard, load test). /colibri-ws/ and /colibri-relay-ws/
#   are 11031's alone (11146 removed colibri websockets); they stay while 11031 is selectable;
# - the files the jitsi-meet-web package puts at the web root (jitsi/jitsi-meet,
#   debian/jitsi-meet-web.install), which nginx serves at /<file>.
# A path ending in / stands for everything under it. Rooms (/<room>) and tenants
# (/<tenant>/<room>) are names people choose: a service on /api/v1/* only means that no
# room can be called "api".
JITSI_PATHS: tuple[str, ...] = (
    "/",
    "/config.js",
    "/interface_config.js",
    "/external_api.js",
    "/logging_config.js",
    "/index.html",
    "/manifest.json",
    "/pwa-worker.js",
    "/favicon.ico",
    "/robots.txt",
    "/http-bind",
    "/xmpp-websocket",
    "/_api/room-info",
    "/rtcstats-ws/",
    "/socket.io/",
    "/rtc-visualizer",
    "/rtc-visualizer/",
    "/colibri-ws/",
    "/colibri-relay-ws/",
    "/etherpad/",
    "/_load-test/",
    "/libs/",
    "/css/",
    "/static/",
    "/images/",
    "/fonts/",
    "/lang/",
    "/sounds/",
    "/connection_optimization/",
    "/.well-known/",
    "/transcripts/",
)
# What the /auth/ function owns while auth.enabled: its page, and the ALB's login callback
# (https://<domain>/oauth2/idpresponse, FACTS.md).
AUTH_PATHS: tuple[str, ...] = ("/auth", "/auth/", "/oauth2/")
# Names of Jitsi's own services, containers and the tool's functions: a service named like
# one would share its log stream prefix, alarm names or ECS service name.
JITSI_NAMES: tuple[str, ...] = (
    "web", "xmpp", "prosody", "jicofo", "jvb", "jibri", "jigasi", "jitsi", "shard",
    "signaling", "auth", "telemetry",
)  # fmt: skip
# Tags that move: pinning one pins nothing (a digest after it does).
MOVING_TAG = r"(?i):(latest|stable|edge|nightly|main|master|mainline|dev|develop)$"
# A plain environment variable with one of these in its name is a secret in the open; verify
# flags it in any container, and the config refuses it for services.
SECRET_NAME = r"PASSWORD|SECRET|TOKEN|PRIVATE_KEY"


def _samples(paths: tuple[str, ...]) -> list[str]:
    """One request path per entry: the path itself, or something under a directory."""
    return [p + "x" if p.endswith("/") and p != "/" else p for p in paths]


def _directories(paths: tuple[str, ...]) -> list[str]:
    return [p for p in paths if p.endswith("/") and p != "/"]


def _pattern_regex(pattern: str) -> str:
    """An ALB path pattern as a regular expression: * is any run of characters, ? one.
    (Patterns hold only letters, digits and _ . ~ / - * ?, so only . needs escaping.)"""
    return "^" + pattern.replace(".", "\\.").replace("*", ".*").replace("?", ".") + "$"


def takes(pattern: str, paths: tuple[str, ...]) -> bool:
    """Whether an ALB path pattern would take any of paths (or a directory's contents)."""
    return any(re.match(_pattern_regex(pattern), s) for s in _samples(paths)) or any(
        pattern.startswith(d) for d in _directories(paths)
    )


def _takes_hcl(patterns: str, paths: tuple[str, ...]) -> str:
    """HCL for `not any(takes(p, paths) for p in patterns)`, the same test as takes()."""
    regex = '"^${replace(replace(replace(p, ".", "\\\\."), "*", ".*"), "?", ".")}$"'
    return (
        f"alltrue([for p in {patterns} : "
        f"alltrue([for s in {hcl_value(_samples(paths))} : !can(regex({regex}, s))]) && "
        f"alltrue([for d in {hcl_value(_directories(paths))} : !startswith(p, d)])])"
    )


ServiceName = Annotated[
    str,
    Matches(
        r"^[a-z]([a-z0-9-]{0,19}[a-z0-9])?$",
        "1-21 lowercase letters, digits and dashes, starting with a letter, not ending in a dash",
    ),
]
ServiceImage = Annotated[
    str,
    Matches(
        r"^([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*"
        r"(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*"
        r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$",
        "an image with a pinned tag or digest, such as public.ecr.aws/nginx/nginx:1.27.3 or "
        "repo/app@sha256:<64 hex> (untagged images are refused)",
    ),
]
ServicePath = Annotated[
    str,
    Matches(
        r"^/[A-Za-z0-9_.~/*?-]*$",
        "an ALB path pattern starting with / (letters, digits, _ . ~ / - and the wildcards * ?)",
    ),
]
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
EgressRule = Annotated[
    str,
    Matches(
        rf"^(tcp|udp):[1-9][0-9]{{0,4}}(-[1-9][0-9]{{0,4}})?:({_OCTET}\.){{3}}{_OCTET}"
        r"/([0-9]|[12][0-9]|3[0-2])$",
        "protocol:port[-port]:IPv4 CIDR, such as tcp:5432:10.42.0.0/16 or udp:53:0.0.0.0/0",
    ),
]


def _egress_ok(rule: str) -> bool:
    """Ports 1-65535, low to high, and a canonical CIDR (after the pattern)."""
    _, ports, cidr = rule.split(":")
    low, _, high = ports.partition("-")
    try:
        canonical = str(ipaddress.IPv4Network(cidr, strict=True)) == cidr
    except ValueError:
        return False
    return canonical and 1 <= int(low) <= int(high or low) <= 65535


_EGRESS_OK_HCL = (
    "alltrue([for e in self.egress : try("
    'tonumber(split("-", split(":", e)[1])[0]) <= '
    'tonumber(reverse(split("-", split(":", e)[1]))[0])'
    ' && tonumber(reverse(split("-", split(":", e)[1]))[0]) <= 65535'
    ' && cidrsubnet(split(":", e)[2], 0, 0) == split(":", e)[2], false)])'
)

EnvName = Annotated[
    str,
    Matches(
        r"^[A-Za-z_][A-Za-z0-9_]*$",
        "an environment variable name (letters, digits and _, not starting with a digit)",
    ),
]


class Service(_Model):
    """An operator service behind the ALB, with the safety nets of the Jitsi services.

    Its own task definition (jitsi.cpu_architecture), ECS service (circuit breaker and rollback,
    deployment alarms on its own target group), target group and listener rule, container
    health check on health_path, logs in the log group under its own stream prefix, a security
    group open to the ALB only, jitsi.schedule and its own Spot lever. The container check runs
    `curl` or `wget` through /bin/sh in the image (see docs/services.md).
    """

    image: ServiceImage = _key(..., "container image, pinned (a version tag or a digest)")
    port: Annotated[int, Field(ge=1, le=65535)] = _key(..., "container port the ALB sends to")
    path_patterns: Annotated[list[ServicePath], Field(min_length=1, max_length=5)] = _key(
        ..., "ALB path patterns (1-5) sent to this service, e.g. /api/v1/*"
    )
    priority: Annotated[int, Field(ge=10, le=50000)] = _key(
        ..., "listener rule priority (1-9 are kept for the tool's own rules, such as /auth/)"
    )
    cpu: FargateCpu = _key(256, "CPU units per task (1024 = 1 vCPU)")
    memory: int = _key(512, "MiB per task, a size Fargate accepts for the cpu")
    desired_count: Annotated[int, Field(ge=1, le=100)] = _key(1, "tasks (2 or more span AZs)")
    health_path: UrlPath = _key(
        "/", "GET path answering 200: the target group and the container check"
    )
    environment: dict[EnvName, str] = _key({}, "plain environment variables (no secrets)")
    secrets: list[EnvName] = _key(
        [], "SSM SecureString parameters the stack creates; set with `jitsi-ecs secret set`"
    )
    adot: bool = _key(False, "collector-less ADOT variables and IAM, for an ADOT-instrumented app")
    spot: bool = _key(False, "all but one task on Fargate Spot (X86_64 only)")
    egress: list[EgressRule] = _key(
        [],
        "outbound beyond HTTPS (always open: image pulls, AWS APIs), as protocol:port[-port]:cidr",
    )

    RULES = (
        _FARGATE_SIZE,
        Rule(
            "egress {egress}: ports go from 1 to 65535, low to high, to a canonical CIDR "
            "(such as 10.42.0.0/16)",
            lambda s: all(_egress_ok(e) for e in s.egress),
            _EGRESS_OK_HCL,
        ),
        Rule(
            "image {image} has a moving tag: pin a version (such as nginx:1.27.3) or add a "
            "digest (@sha256:...)",
            lambda s: not re.search(MOVING_TAG, s.image),
            f"!can(regex({hcl_value(MOVING_TAG)}, self.image))",
        ),
        Rule(
            "path_patterns {path_patterns} take paths the Jitsi web image serves itself (/, "
            "/config.js, /http-bind, /xmpp-websocket, /colibri-ws/, /libs/, ...: "
            "config.JITSI_PATHS); Jitsi lives at the root",
            lambda s: not any(takes(p, JITSI_PATHS) for p in s.path_patterns),
            _takes_hcl("self.path_patterns", JITSI_PATHS),
        ),
        Rule(
            "secrets {secrets} are also set in environment: a name is one or the other",
            lambda s: not set(s.secrets) & set(s.environment),
            "length(setintersection(toset(self.secrets), toset(keys(self.environment)))) == 0",
        ),
        Rule(
            "environment holds a secret-looking name (PASSWORD, SECRET, TOKEN, PRIVATE_KEY): "
            "put it in secrets, which reach the container through ECS secrets",
            lambda s: not any(re.search(SECRET_NAME, k) for k in s.environment),
            "alltrue([for k in keys(self.environment) : "
            f"!can(regex({hcl_value(SECRET_NAME)}, k))])",
        ),
        Rule(
            "environment sets OTEL_ variables, which adot = true sets itself",
            lambda s: not s.adot or not any(k.startswith("OTEL_") for k in s.environment),
            '!self.adot || alltrue([for k in keys(self.environment) : !startswith(k, "OTEL_")])',
        ),
    )


# ---------------------------------------------------------------- observability


class Observability(_Model):
    """Logs, ADOT export and the X-Ray Transaction Search prerequisite."""

    log_group_name: str = _key("/ecs/jitsi-app", "log group of every container")
    log_retention_days: LogRetention = _key(30, "days CloudWatch keeps the logs")
    adot_containers: list[Literal["web", "prosody", "jicofo", "jvb"]] = _key(
        [], "containers given collector-less ADOT variables (only ADOT-instrumented ones use them)"
    )
    metric_namespace: str = _key("Jitsi", "CloudWatch namespace of the Jitsi metrics")
    container_insights: bool = _key(
        False,
        "ECS Container Insights (~$2-6/month of metrics per service; the alarms do not need it)",
    )
    transaction_search: bool = _key(True, "let X-Ray write spans to CloudWatch Logs")


class Alarms(_Model):
    """Alarm thresholds and the SNS topic they notify."""

    topic_name: str = _key(
        "deployment-alerts", "SNS topic of the alarms, after the stack name: <name>-<topic_name>"
    )
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
    topic_name: str = _key(
        "budget-alerts", "SNS topic of the budgets, after the stack name: <name>-<topic_name>"
    )

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

    def runs_per_hour(self) -> float:
        """How often the collector runs (a cron expression is counted as every minute)."""
        match = re.match(
            r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$", self.schedule_expression
        )
        if not match:
            return 60.0
        every = int(match.group(1)) * {"m": 1, "h": 60, "d": 1440}[match.group(2)[0]]
        return 60.0 / every


class Usage(_Model):
    """Assumptions behind the usage-driven part of the cost estimate (not sent to Terraform)."""

    meetings_per_month: Annotated[int, Field(ge=0)] = _key(60, "meetings a month")
    participants_per_meeting: Annotated[int, Field(ge=1)] = _key(4, "people per meeting")
    meeting_hours: Annotated[float, Field(ge=0)] = _key(1.0, "hours per meeting")
    video_kbps_per_stream: Annotated[float, Field(ge=0)] = _key(
        500.0, "360p; 180p ~200, 720p ~2500"
    )
    log_gb_per_month: Annotated[float, Field(ge=0)] = _key(1.0, "container log volume")
    bucket_log_gb_per_month: Annotated[float, Field(ge=0)] = _key(
        0.5, "ALB access and VPC flow logs a month, when alb.access_logs or network.flow_logs"
    )
    alb_average_lcu: Annotated[float, Field(ge=0)] = _key(
        0.05, "load balancer capacity units in use, on average (60 small meetings: well under)"
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
    account_id: Annotated[str, Matches(r"^[0-9]{12}$", "a 12-digit AWS account ID")] | None = _key(
        None,
        "--target aws refuses credentials of any other account (unset: any account)",
        example="111122223333",
        terraform=False,
    )
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
    state_version_days: Annotated[int, Field(ge=1, le=3650)] = _key(
        30,
        "aws: days the state bucket keeps a replaced state version (older states hold the "
        "app client secret of their time)",
        terraform=False,
    )
    network: Network = _key(Network(), "public subnets only, no NAT gateway")
    alb: Alb = _key(Alb(), "the load balancer's protection, logs and headers")
    jitsi: Jitsi = _key(Jitsi(), "the Jitsi services")
    health_check: HealthCheck = _key(HealthCheck(), "health checks")
    auth: Auth = _key(Auth(), "members get meeting links at /auth/")
    services: dict[ServiceName, Service] = _key(
        {},
        "operator services behind the same ALB, each with the Jitsi services' safety nets",
        example={
            "api": Service(
                image="public.ecr.aws/nginx/nginx:1.27.3",
                port=8004,
                path_patterns=["/api/v1/*"],
                priority=40,
                desired_count=2,
                health_path="/api/v1/health",
                environment={"LOG_LEVEL": "info"},
                secrets=["API_KEY"],
                adot=True,
            )
        },
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
            "jitsi.turn needs a certificate for its host: set jitsi.turn.certificate_arn or "
            "route53_zone_id",
            lambda c: (
                not c.jitsi.turn.enabled
                or c.jitsi.turn.certificate_arn is not None
                or c.route53_zone_id is not None
            ),
            "!self.jitsi.turn.enabled || self.jitsi.turn.certificate_arn != null || "
            "self.route53_zone_id != null",
            deploy_only=True,
        ),
        Rule(
            "auth.enabled needs jitsi.auth_type = jwt: without tokens there is nothing to issue",
            lambda c: not c.auth.enabled or c.jitsi.auth_type == "jwt",
            '!self.auth.enabled || self.jitsi.auth_type == "jwt"',
        ),
        Rule(
            "services: /auth, /auth/* and /oauth2/* belong to the /auth/ page while "
            "auth.enabled is true; choose other path patterns",
            lambda c: (
                not c.auth.enabled
                or not any(
                    takes(p, AUTH_PATHS) for s in c.services.values() for p in s.path_patterns
                )
            ),
            _takes_hcl("flatten([for s in values(self.services) : s.path_patterns])", AUTH_PATHS)
            + " || !self.auth.enabled",
        ),
        Rule(
            "services: each listener rule needs its own priority",
            lambda c: len({s.priority for s in c.services.values()}) == len(c.services),
            "length(distinct([for s in values(self.services) : s.priority])) == "
            "length(self.services)",
        ),
        Rule(
            "services: a path pattern may go to one service only",
            lambda c: (
                len({p for s in c.services.values() for p in s.path_patterns})
                == sum(len(s.path_patterns) for s in c.services.values())
            ),
            "length(distinct(flatten([for s in values(self.services) : s.path_patterns]))) == "
            "length(flatten([for s in values(self.services) : s.path_patterns]))",
        ),
        Rule(
            "services: " + ", ".join(JITSI_NAMES) + " name Jitsi's own services and the tool's "
            "functions; choose another service name",
            lambda c: not set(c.services) & set(JITSI_NAMES),
            "length(setintersection(toset(keys(self.services)), "
            f"toset({hcl_value(list(JITSI_NAMES))}))) == 0",
        ),
        Rule(
            "services: the stack name, a dash and the service name must fit a target group "
            "name (32 characters)",
            lambda c: all(len(c.name) + 1 + len(n) <= 32 for n in c.services),
            "alltrue([for n in keys(self.services) : length(self.name) + 1 + length(n) <= 32])",
        ),
        Rule(
            "services: spot needs jitsi.cpu_architecture = X86_64 (Fargate Spot has no ARM64)",
            lambda c: (
                c.jitsi.cpu_architecture == "X86_64" or not any(s.spot for s in c.services.values())
            ),
            "alltrue([for s in values(self.services) : !s.spot]) || "
            'self.jitsi.cpu_architecture == "X86_64"',
        ),
    )

    def check_deployable(self) -> None:
        """The rules that hold once a target has filled in what it provides (see Rule)."""
        for rule in self.RULES:
            if rule.deploy_only and not rule.check(self):
                raise ConfigError(rule_message(rule, self))

    def terraform_vars(self) -> dict[str, Any]:
        """The Terraform root variables: every key Terraform reads, None left to its defaults
        (keys only the CLI reads, `terraform=False`, are left out)."""
        cli_only = {
            name
            for name, field in type(self).model_fields.items()
            if isinstance(field.json_schema_extra, dict)
            and field.json_schema_extra.get("terraform") is False
        }
        return self.model_dump(exclude=cli_only, exclude_none=True)


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


def _routes_rewritten(routes: Any) -> str:
    """The [services.*] blocks an old `routes` table becomes (the image is the user's to add)."""
    blocks = []
    for name, route in (routes or {}).items() if isinstance(routes, dict) else []:
        route = route if isinstance(route, dict) else {}
        lines = [f"[services.{name}]", 'image         = "<image>:<pinned tag>"']
        for key in ("port", "path_patterns", "priority"):
            if key in route:
                lines.append(f"{key:<13} = {json.dumps(route[key])}")
        # routes checked /health unless told otherwise; services default to /.
        lines.append(f"health_path   = {json.dumps(route.get('health_path', '/health'))}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def parse_config(data: dict[str, Any], source: str = DEFAULT_CONFIG_FILE) -> Config:
    if "routes" in data:
        # routes made a target group and a listener rule and left the service to the user;
        # [services.*] run it too. Not migrated silently: only the user knows the image.
        raise ConfigError(
            f"{source}: routes: replaced by [services.<name>], which also run the service "
            "behind the rule (task definition, ECS service, alarms, logs). Replace the routes "
            "table with one block per route, naming its image:\n\n"
            + (_routes_rewritten(data["routes"]) or "[services.api]\nimage = ...")
            + "\n",
            hint="Every key is in docs/services.md (cpu, memory, desired_count, "
            "environment, secrets, adot, spot); `jitsi-ecs plan` checks the result.",
        )
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
