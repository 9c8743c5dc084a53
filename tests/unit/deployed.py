"""A small but real deployment in moto, built with boto3 the way the Terraform modules build it,
and the StackOutputs that point at it. Each check group's tests build only what the group
reads; `deploy_all` builds everything for run_checks and the CLI.

The defaults of `Config()` are what these resources match (the compact layout: a `shard`
service running web, prosody, jicofo and a bridge, plus the autoscaled `jvb` service of bridges
alone), with one operator service ("api") and two budgets, so that operator services and budget
keys are exercised without creating five of each. `Deployed(aws, GROWTH)` builds the growth
layout instead (web, xmpp and jvb services).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from jitsi_ecs import memory
from jitsi_ecs.auth.package import HANDLER as AUTH_HANDLER
from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.lambda_zip import RUNTIME
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.telemetry.package import HANDLER as TELEMETRY_HANDLER
from jitsi_ecs.verify import security
from jitsi_ecs.verify.observability import DASHBOARD_METRICS, INSIGHTS_METRICS, JITSI_METRICS
from jitsi_ecs.verify.result import Check, VerifyContext
from jitsi_ecs.workspace import infra_source

ACCOUNT = "123456789012"
REGION = "us-west-2"
NAME = "jitsi"
API = {
    "image": "public.ecr.aws/nginx/nginx:1.27.3",
    "port": 8004,
    "path_patterns": ["/api/v1/*"],
    "priority": 40,
    "health_path": "/api/v1/health",
    "secrets": ["API_KEY"],
}
CONFIG = Config.model_validate({"services": {"api": API}, "budgets": {"limits": [5, 20]}})
GROWTH = Config.model_validate({**CONFIG.model_dump(), "jitsi": {"layout": "growth"}})
# The same config as a jitsi-ecs.toml, for the CLI.
CONFIG_TOML = """\
[budgets]
limits = [5, 20]

[services.api]
image         = "public.ecr.aws/nginx/nginx:1.27.3"
port          = 8004
path_patterns = ["/api/v1/*"]
priority      = 40
health_path   = "/api/v1/health"
secrets       = ["API_KEY"]
"""
# Which security group each container's task gets (the jitsi module's role_security_group).
ROLE_GROUP = {"web": "web", "prosody": "xmpp", "jicofo": "xmpp", "jvb": "jvb"}
# The default image line (stable-11146-2): rootless, web on 8000, from ghcr.io.
REGISTRY, TAG, WEB_PORT = "ghcr.io/jitsi", "stable-11146-2", 8000
IMAGES = {n: f"{REGISTRY}/{n}:{TAG}" for n in ("web", "prosody", "jicofo", "jvb")}
ALB_IDLE_TIMEOUT = 120
# The sidecar beside every bridge (module jitsi, bridges.tf): in the shard too.
GUARD = "guard"
GUARD_SCRIPT = (infra_source() / "modules" / "jitsi" / "guard.sh").read_text(encoding="utf-8")
RELAY_ID_SCRIPT = (infra_source() / "modules" / "jitsi" / "relay-id.sh").read_text(encoding="utf-8")
PROTECTION_ACTIONS = ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"]
PROBES = {
    "web": f"127.0.0.1:{WEB_PORT}/",
    "prosody": "127.0.0.1:5280/health",
    "jicofo": "127.0.0.1:8888/about/version",
    "jvb": "127.0.0.1:8080/about/health",
}
SECRETS = {
    "web": [],
    "prosody": ["JICOFO_AUTH_PASSWORD", "JVB_AUTH_PASSWORD", "JWT_APP_SECRET"],
    "jicofo": ["JICOFO_AUTH_PASSWORD"],
    "jvb": ["JVB_AUTH_PASSWORD"],
}
WEB_DEPLOYMENT_ALARMS = [f"{NAME}-target-5xx", f"{NAME}-elb-5xx"]
# The shard serves web beside signaling: the web target group's own 5xx and p99 judge the new
# task (the ALB's 503 while no target is healthy, 0%/100%, is not theirs).
SHARD_DEPLOYMENT_ALARMS = [f"{NAME}-target-5xx", f"{NAME}-p99-latency"]
TELEMETRY_ALARMS = ("bridge-stress", "no-bridge", "jicofo-unhealthy", "bridges-not-joined")
# The bridges alone roll back on a running bridge jicofo cannot use (telemetry's alarm).
BRIDGE_DEPLOYMENT_ALARMS = [f"{NAME}-bridges-not-joined"]
OPERATOR_ALARMS = ("target-5xx", "p99-latency", "unhealthy-hosts")
JWT_PARAMETER = f"/{NAME}/jwt_app_secret"
AUTH_SECRET = "test-only-jwt-app-secret-0123456789"
# Outputs of a group that was not built point at nothing.
NOWHERE = f"arn:aws:sns:{REGION}:{ACCOUNT}:nothing"


# ---------------------------------------------------------------- what the config makes


def jitsi_services(config: Config) -> dict[str, list[str]]:
    """The Jitsi ECS services of the config's layout and their containers (module jitsi)."""
    jitsi = config.jitsi
    if jitsi.layout == "compact":
        services = {"shard": ["web", "prosody", "jicofo", "jvb"]}
        alone = jitsi.jvb.autoscaling.max_count - 1  # the shard runs one of the bridges
    else:
        services = {"web": ["web"], "xmpp": ["prosody", "jicofo"]}
        alone = jitsi.jvb.autoscaling.max_count
    return {**services, **({"jvb": ["jvb"]} if alone > 0 else {})}


def all_services(config: Config) -> dict[str, list[str]]:
    """Every ECS service (Jitsi's, then each operator service) and its containers."""
    return {**jitsi_services(config), **{name: [name] for name in config.services}}


def task_counts(config: Config) -> dict[str, dict[str, int]]:
    scaling = config.jitsi.jvb.autoscaling
    shard = 1 if config.jitsi.layout == "compact" else 0  # the shard's own bridge
    counts = {}
    for key, containers in jitsi_services(config).items():
        if key == "jvb":
            counts[key] = {"min": scaling.min_count - shard, "max": scaling.max_count - shard}
        elif "prosody" in containers:
            counts[key] = {"min": 1, "max": 1}
        else:
            web = config.jitsi.web.desired_count
            counts[key] = {"min": web, "max": web}
    for name, service in config.services.items():
        counts[name] = {"min": service.desired_count, "max": service.desired_count}
    return counts


def deployment_alarms(config: Config) -> dict[str, list[str]]:
    """web's 5xx alarms for a service serving web without signaling; the web target group's
    own 5xx and p99 for the shard (web beside signaling); an operator service's own target
    group alarms; nothing (the circuit breaker alone) for the rest."""
    bridges = list(BRIDGE_DEPLOYMENT_ALARMS) if config.telemetry.enabled else []
    alarms: dict[str, list[str]] = {
        key: (list(SHARD_DEPLOYMENT_ALARMS) if "prosody" in c else list(WEB_DEPLOYMENT_ALARMS))
        if "web" in c
        else ([] if "prosody" in c else bridges)
        for key, c in jitsi_services(config).items()
    }
    for name in config.services:
        alarms[name] = sorted(f"{NAME}-{name}-{kind}" for kind in OPERATOR_ALARMS)
    return alarms


def alarm_kinds(config: Config) -> list[str]:
    """Every alarm kind the modules make for the config (the keys of alarm_names)."""
    kinds = ["target-5xx", "elb-5xx", "unhealthy-hosts", "p99-latency", "no-healthy-target"]
    for key, counts in task_counts(config).items():
        if key in config.services:
            continue
        if counts["min"] > 0 and "web" not in jitsi_services(config)[key]:
            kinds.append(f"{key}-not-running")
        if config.observability.container_insights:
            kinds.append(f"{key}-running-tasks")
    if config.telemetry.enabled:
        kinds += TELEMETRY_ALARMS
    for name in config.services:
        kinds += [f"{name}-{kind}" for kind in (*OPERATOR_ALARMS, "no-healthy-target")]
    if config.auth.enabled:
        kinds.append("auth-errors")
    return kinds


def task_containers(config: Config) -> dict[str, list[str]]:
    """Every service's task containers (Terraform's service_containers): a task that runs a
    bridge runs its guard beside it."""
    return {k: [*c, GUARD] if "jvb" in c else c for k, c in all_services(config).items()}


def relay(config: Config) -> bool:
    """Bridge-to-bridge relay: on as soon as more than one bridge can run (root main.tf)."""
    return config.jitsi.jvb.autoscaling.max_count > 1


def bridge_dns_names(config: Config) -> list[str]:
    internal = config.jitsi.internal_domain
    return sorted(
        f"{'xmpp' if 'prosody' in c else 'jvb'}.{internal}"
        for c in jitsi_services(config).values()
        if "jvb" in c
    )


def parameter(secret: str, service: str = "api") -> str:
    """The SSM parameter of an operator service's secret (module service)."""
    return f"/{NAME}/{service}/{secret}"


# ---------------------------------------------------------------- the deployment


@dataclass
class Deployed:
    """What has been built so far, and the outputs Terraform would report for it."""

    aws: AwsContext
    config: Config = CONFIG
    outputs: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # network ids for later steps

    @property
    def services(self) -> dict[str, list[str]]:
        return all_services(self.config)

    def stack_outputs(self) -> StackOutputs:
        config = self.config
        containers = self.services
        base: dict[str, Any] = {
            "url": f"https://{config.domain}",
            "alb_arn": "",
            "https_listener_arn": "",
            "http_listener_arn": "",
            "web_target_group_arn": "",
            "service_target_group_arns": {},
            "service_secret_parameters": {
                name: {s: parameter(s, name) for s in service.secrets}
                for name, service in config.services.items()
            },
            "vpc_id": self.ids.get("vpc", "vpc-none"),
            "cluster_name": NAME,
            "service_names": {key: key for key in containers},
            "service_containers": task_containers(config),
            "task_counts": task_counts(config),
            "autoscaled_services": ["jvb"] if "jvb" in containers else [],
            "layout": config.jitsi.layout,
            "bridge_dns_names": bridge_dns_names(config),
            "jicofo_url": f"http://xmpp.{config.jitsi.internal_domain}:8888",
            "deployment_alerts_topic_arn": NOWHERE,
            "budget_alerts_topic_arn": NOWHERE,
            "alarm_names": {kind: f"{NAME}-{kind}" for kind in alarm_kinds(config)},
            "deployment_alarm_names": deployment_alarms(config),
            "log_stream_prefixes": {c: c for cs in task_containers(config).values() for c in cs},
            "budget_names": {"5": f"{NAME}-monthly-5usd", "20": f"{NAME}-monthly-20usd"},
            "log_group_name": config.observability.log_group_name,
            "dashboard_name": NAME,
            "web_port": WEB_PORT,
            "images": IMAGES,
            "image_rootless": True,
            "bridge_relay": relay(config),
            "telemetry_function_name": f"{NAME}-telemetry",
            "telemetry_schedule_rule_name": f"{NAME}-telemetry",
            "ecs_events_rule_name": f"{NAME}-ecs-failures",
            "secrets_version": 1,
            "auth_type": config.jitsi.auth_type,
            "jwt_app_id": config.jitsi.jwt_app_id if config.jitsi.auth_type == "jwt" else None,
            "jwt_secret_parameter_name": (
                JWT_PARAMETER if config.jitsi.auth_type == "jwt" else None
            ),
            "guests": config.jitsi.auth_type == "jwt" and config.jitsi.guests,
        }
        return StackOutputs.parse({**base, **self.outputs})

    def context(self, config: Config | None = None, **outputs: Any) -> VerifyContext:
        """The verify context, optionally with another config or outputs changed."""
        parsed = self.stack_outputs()
        if outputs:
            parsed = parsed.model_copy(update=outputs)
        return VerifyContext(config or self.config, self.aws, parsed)


def by_id(checks: Any) -> dict[str, Check]:
    found: dict[str, Check] = {}
    for check in checks:
        assert check.id not in found, f"check id {check.id} repeated"
        found[check.id] = check
    return found


def failed(checks: dict[str, Check]) -> set[str]:
    return {i for i, c in checks.items() if c.status == "fail"}


# ---------------------------------------------------------------- network


def network(d: Deployed) -> Deployed:
    """The stack's VPC and two public subnets (security groups come with `group`)."""
    if "vpc" in d.ids:
        return d
    ec2 = d.aws.ec2
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=f"{REGION}{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in enumerate("ab")
    ]
    d.ids["vpc"] = vpc
    d.ids["subnets"] = ",".join(subnets)
    return d


def group(d: Deployed, role: str) -> str:
    """The security group of alb, web, xmpp, jvb, collector or an operator service, made on
    first use."""
    key = f"sg-{role}"
    if key not in d.ids:
        network(d)
        d.ids[key] = d.aws.ec2.create_security_group(
            GroupName=f"{NAME}-{role}", Description=role, VpcId=d.ids["vpc"]
        )["GroupId"]
    return d.ids[key]


# Module jitsi's local.egress: (protocol, from, to, peer role or None for the internet).
JITSI_EGRESS: dict[str, list[tuple[str, int, int, str | None]]] = {
    "web": [("tcp", 443, 443, None), ("tcp", 5280, 5280, "xmpp")],
    "xmpp": [("tcp", 443, 443, None)],
    "jvb": [("tcp", 443, 443, None), ("tcp", 5222, 5222, "xmpp"), ("udp", 0, 65535, None)],
}


def narrow_egress(d: Deployed, role: str, rules: list[tuple[str, int, int, str | None]]) -> None:
    """Replace a group's default allow-all egress (the provider revokes it on create)."""
    ec2, gid = d.aws.ec2, group(d, role)
    everything = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ec2.revoke_security_group_egress(GroupId=gid, IpPermissions=[everything])
    permissions: list[Any] = [
        {
            "IpProtocol": protocol,
            "FromPort": low,
            "ToPort": high,
            **(
                {"UserIdGroupPairs": [{"GroupId": group(d, peer)}]}
                if peer
                else {"IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            ),
        }
        for protocol, low, high, peer in rules
    ]
    ec2.authorize_security_group_egress(GroupId=gid, IpPermissions=permissions)


def subnets(d: Deployed) -> list[str]:
    return d.ids["subnets"].split(",")


def ingress(
    d: Deployed,
    role: str,
    port: int,
    *,
    cidr: str | None = None,
    source: str | None = None,
    protocol: str = "tcp",
) -> None:
    """A rule into a role's group: from a CIDR or from another group."""
    permission: dict[str, Any] = {"IpProtocol": protocol, "FromPort": port, "ToPort": port}
    if cidr:
        permission["IpRanges"] = [{"CidrIp": cidr}]
    else:
        permission["UserIdGroupPairs"] = [{"GroupId": source}]
    d.aws.ec2.authorize_security_group_ingress(GroupId=group(d, role), IpPermissions=[permission])


# ---------------------------------------------------------------- edge


def edge(d: Deployed) -> Deployed:
    network(d)
    elb, tg_check = d.aws.elbv2, d.config.health_check.target_group
    # An IAM server certificate (ALBs take those too): moto's ACM makes an RSA key for each
    # certificate, a quarter of a second, and the check reads only that the listener has one.
    cert = d.aws.iam.upload_server_certificate(
        ServerCertificateName=NAME, CertificateBody="test", PrivateKey="test"
    )["ServerCertificateMetadata"]["Arn"]
    alb = elb.create_load_balancer(
        Name=NAME, Subnets=subnets(d), SecurityGroups=[group(d, "alb")], Type="application"
    )["LoadBalancers"][0]["LoadBalancerArn"]

    def target_group(name: str, port: int, path: str) -> str:
        return str(
            elb.create_target_group(
                Name=name,
                Protocol="HTTP",
                Port=port,
                VpcId=d.ids["vpc"],
                TargetType="ip",
                HealthCheckPath=path,
                HealthCheckIntervalSeconds=tg_check.interval,
                HealthCheckTimeoutSeconds=tg_check.timeout,
                HealthyThresholdCount=tg_check.healthy_threshold,
                UnhealthyThresholdCount=tg_check.unhealthy_threshold,
            )["TargetGroups"][0]["TargetGroupArn"]
        )

    web_tg = target_group(f"{NAME}-web", WEB_PORT, tg_check.path)
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=alb,
        Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": str(ALB_IDLE_TIMEOUT)}],
    )
    https = elb.create_listener(
        LoadBalancerArn=alb,
        Port=443,
        Protocol="HTTPS",
        SslPolicy=d.config.ssl_policy,
        Certificates=[{"CertificateArn": cert}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": web_tg}],
    )["Listeners"][0]["ListenerArn"]
    http = elb.create_listener(
        LoadBalancerArn=alb,
        Port=80,
        Protocol="HTTP",
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )["Listeners"][0]["ListenerArn"]
    # The response headers the edge module sets on both listeners.
    hsts = security.hsts_value(d.config.alb.hsts_max_age)
    for listener, extra in (
        (https, {security.HSTS: hsts, security.NOSNIFF: "nosniff"}),
        (http, {}),
    ):
        elb.modify_listener_attributes(
            ListenerArn=listener,
            Attributes=[
                {"Key": k, "Value": v} for k, v in {security.SERVER: "false", **extra}.items()
            ],
        )
    service_tgs = {}
    for name, service in d.config.services.items():
        service_tgs[name] = target_group(f"{NAME}-{name}", service.port, service.health_path)
        elb.create_rule(
            ListenerArn=https,
            Priority=service.priority,
            Conditions=[
                {"Field": "path-pattern", "PathPatternConfig": {"Values": service.path_patterns}}
            ],
            Actions=[{"Type": "forward", "TargetGroupArn": service_tgs[name]}],
        )
    d.outputs.update(
        alb_arn=alb,
        https_listener_arn=https,
        http_listener_arn=http,
        web_target_group_arn=web_tg,
        service_target_group_arns=service_tgs,
    )
    return d


# ---------------------------------------------------------------- ecs


def container(d: Deployed, name: str, **extra: Any) -> dict[str, Any]:
    """A Jitsi container as the jitsi module defines it (health check, logs, secrets from SSM),
    or an operator service's as the service module does."""
    hc = d.config.health_check.container
    operator = d.config.services.get(name)
    if operator is None:
        image = IMAGES[name]
        secrets = {s: f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{NAME}/{s}" for s in SECRETS[name]}
        check = f"curl -fsS -o /dev/null http://{PROBES[name]} || exit 1"
        environment = {
            "XMPP_SERVER": f"xmpp.{d.config.jitsi.internal_domain}",
            **JITSI_ENV.get(name, lambda _: {})(d.config),
            **token_environment(d.config, name),
        }
        extra = {**rootless(name), **JITSI_EXTRA.get(name, lambda _: {})(d.config), **extra}
    else:
        image = operator.image
        secrets = {
            s: f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{parameter(s, name)}"
            for s in operator.secrets
        }
        url = f"http://127.0.0.1:{operator.port}{operator.health_path}"
        check = f"curl -fsS -o /dev/null {url} || wget -q -O /dev/null {url} || exit 1"
        environment = dict(operator.environment)
    return {
        "name": name,
        "image": image,
        "essential": True,
        "environment": [{"name": k, "value": v} for k, v in environment.items()],
        "secrets": [{"name": s, "valueFrom": arn} for s, arn in secrets.items()],
        "healthCheck": {
            "command": ["CMD-SHELL", check],
            "interval": hc.interval,
            "timeout": hc.timeout,
            "retries": hc.retries,
            "startPeriod": hc.start_period,
        },
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": d.config.observability.log_group_name,
                "awslogs-region": REGION,
                "awslogs-stream-prefix": name,
            },
        },
        **extra,
    }


def _jvb_env(config: Config) -> dict[str, str]:
    octo = {"ENABLE_OCTO": "1", "JVB_OCTO_REGION": REGION} if relay(config) else {}
    return {
        "JVB_STUN_SERVERS": ",".join(config.jitsi.jvb.stun_servers),
        "JVB_REQUIRE_VALID_ADDRESS": "1",
        "JVB_ADVERTISE_PRIVATE_CANDIDATES": "0",
        "COLIBRI_REST_ENABLED": "true",
        "SHUTDOWN_REST_ENABLED": "true",
        "VIDEOBRIDGE_DEBUG_OPTIONS": "-Dvideobridge.rest.debug.enabled=false "
        "-Dvideobridge.rest.drain.enabled=false",
        **octo,
    }


def _jicofo_env(config: Config) -> dict[str, str]:
    if not relay(config):
        return {}
    return {
        "ENABLE_OCTO": "1",
        "JICOFO_OCTO_REGION": REGION,
        "OCTO_BRIDGE_SELECTION_STRATEGY": "IntraRegionBridgeSelectionStrategy",
    }


JITSI_ENV = {
    "web": lambda config: {
        "NGINX_KEEPALIVE_TIMEOUT": str(ALB_IDLE_TIMEOUT + 10),
        **(
            {"TOKEN_AUTH_URL": f"https://{config.domain}/auth/?room={{room}}"}
            if config.auth.enabled
            else {}
        ),
    },
    "jicofo": _jicofo_env,
    "jvb": _jvb_env,
}
JITSI_EXTRA = {
    "jvb": lambda config: {
        "stopTimeout": 120,
        **({"entryPoint": ["/bin/sh", "-c", RELAY_ID_SCRIPT]} if relay(config) else {}),
    }
}


def rootless(name: str) -> dict[str, Any]:
    """The rootless line's file system: read-only root, tmpfs for uid 1000 (tasks.tf)."""
    mounts = {
        "/run": ["exec", "nosuid", "nodev", "mode=1750", "uid=1000", "gid=1000"],
        "/tmp": ["noexec", "nosuid", "nodev", "mode=1777", "uid=1000", "gid=1000"],
    }
    if name == "prosody":
        mounts["/var/lib/prosody"] = [
            "noexec",
            "nosuid",
            "nodev",
            "mode=0750",
            "uid=1000",
            "gid=1000",
        ]
    return {
        "readonlyRootFilesystem": True,
        "linuxParameters": {
            "tmpfs": [
                {"containerPath": p, "size": 16, "mountOptions": o} for p, o in mounts.items()
            ]
        },
    }


def guard_container(d: Deployed, shard: bool = False) -> dict[str, Any]:
    """The bridge's guard as bridges.tf defines it (in the shard: GUARD_SHARD=1)."""
    return {
        "name": GUARD,
        "image": IMAGES["jvb"],
        "essential": False,
        "entryPoint": ["/bin/sh", "-c"],
        "command": [GUARD_SCRIPT],
        "environment": [
            {"name": "GUARD_PROTECTION_MINUTES", "value": "10"},
            {"name": "GUARD_STOP_SECONDS", "value": "105"},
            {"name": "GUARD_SHARD", "value": "1" if shard else "0"},
        ],
        "secrets": [],
        "dependsOn": [{"containerName": "jvb", "condition": "START"}],
        "stopTimeout": 120,
        "readonlyRootFilesystem": True,
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": d.config.observability.log_group_name,
                "awslogs-region": REGION,
                "awslogs-stream-prefix": GUARD,
            },
        },
    }


def token_environment(config: Config, container: str) -> dict[str, str]:
    """What web and prosody read for tokens and guests (module jitsi, local.shared/reads)."""
    jitsi = config.jitsi
    if jitsi.auth_type != "jwt":
        return {"ENABLE_AUTH": "0"} if container in ("web", "prosody") else {}
    guests = {"ENABLE_AUTH": "1", "ENABLE_GUESTS": "1" if jitsi.guests else "0"}
    if container == "web":
        return guests
    if container == "prosody":
        app = jitsi.jwt_app_id
        return {
            **guests,
            "AUTH_TYPE": "jwt",
            "JWT_APP_ID": app,
            "JWT_ACCEPTED_ISSUERS": app,
            "JWT_ACCEPTED_AUDIENCES": app,
        }
    return {}


def task_memory(d: Deployed, service: str) -> int:
    """The task's MiB: the config's for a Jitsi service (its heaps follow), else 1024."""
    section = getattr(d.config.jitsi, service, None) if service not in d.config.services else None
    return int(getattr(section, "memory", 1024))


HEAP_VARIABLES = {"jvb": "VIDEOBRIDGE_MAX_MEMORY", "jicofo": "JICOFO_MAX_MEMORY"}


def containers(d: Deployed, service: str) -> list[dict[str, Any]]:
    names = d.services[service]
    heaps = memory.heaps([*names, "guard"] if "jvb" in names else names, task_memory(d, service))
    defs = [
        container(d, name)
        if name not in heaps
        else container(
            d,
            name,
            environment=[
                *container(d, name)["environment"],
                {"name": HEAP_VARIABLES[name], "value": f"{heaps[name]}m"},
            ],
        )
        for name in names
    ]
    shard = "jvb" in names and "jicofo" in names
    if shard:  # the shard's bridge: not essential, restarted in place (tasks.tf)
        defs = [
            {
                **c,
                "essential": False,
                "restartPolicy": {"enabled": True, "restartAttemptPeriod": 60},
            }
            if c["name"] == "jvb"
            else c
            for c in defs
        ]
    return [*defs, guard_container(d, shard)] if "jvb" in names else defs


def register(d: Deployed, service: str, defs: list[dict[str, Any]]) -> str:
    role = {"executionRoleArn": d.ids[f"role-{service}"]} if f"role-{service}" in d.ids else {}
    if service not in d.config.services:
        role["taskRoleArn"] = task_role(d, service)
    return str(
        d.aws.ecs.register_task_definition(
            family=f"{NAME}-{service}",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="512",
            memory=str(task_memory(d, service)),
            containerDefinitions=defs,
            **role,
        )["taskDefinition"]["taskDefinitionArn"]
    )


def deployment_configuration(d: Deployed, service: str) -> dict[str, Any]:
    signaling = "prosody" in d.services[service]
    alarms = deployment_alarms(d.config)[service]
    return {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        # Where no alarm applies the block is there, disabled, naming web's (see tasks.tf).
        "alarms": {
            "alarmNames": alarms or list(WEB_DEPLOYMENT_ALARMS),
            "enable": bool(alarms),
            "rollback": bool(alarms),
        },
        "minimumHealthyPercent": 0 if signaling else 100,
        "maximumPercent": 100 if signaling else 200,
    }


def operator_secrets(d: Deployed, name: str) -> None:
    """An operator service's SecureString parameters (the placeholder, version 1) and its
    execution role, which may read exactly those."""
    service = d.config.services[name]
    arns = []
    for secret in service.secrets:
        d.aws.ssm.put_parameter(
            Name=parameter(secret, name), Type="SecureString", Value=f"unset: {secret}"
        )
        arns.append(f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{parameter(secret, name)}")
    role = d.aws.iam.create_role(
        RoleName=f"{NAME}-{name}-execution",
        AssumeRolePolicyDocument=assume_policy("ecs-tasks.amazonaws.com"),
    )["Role"]
    if arns:
        read = {"Effect": "Allow", "Action": ["ssm:GetParameters"], "Resource": arns}
        d.aws.iam.put_role_policy(
            RoleName=role["RoleName"],
            PolicyName=f"read-{name}-secrets",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [read]}),
        )
    d.ids[f"role-{name}"] = role["Arn"]


def ecs(d: Deployed) -> Deployed:
    """The cluster, a task definition per service, the services and their scalable targets
    (and the bridges' Stress policy); in the network's groups when the network was built
    (telemetry and the services group read them), else without network configuration."""
    ecs_ = d.aws.ecs
    ecs_.create_cluster(clusterName=NAME)
    counts = task_counts(d.config)
    arns = {}
    for name in d.config.services:
        operator_secrets(d, name)
    for service in d.services:
        arns[service] = register(d, service, containers(d, service))
        ecs_.create_service(
            cluster=NAME,
            serviceName=service,
            taskDefinition=arns[service],
            desiredCount=counts[service]["min"],
            launchType="FARGATE",
            healthCheckGracePeriodSeconds=d.config.health_check.grace_period,
            deploymentConfiguration=deployment_configuration(d, service),
            **network_configuration(d, service),
        )
        if service in d.config.services and d.config.jitsi.schedule is None:
            continue  # an operator service's count is the schedule module's only with one
        d.aws.autoscaling.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=f"service/{NAME}/{service}",
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=counts[service]["min"],
            MaxCapacity=counts[service]["max"],
        )
    if "jvb" in d.services:
        stress_policy(d)
    d.outputs["task_definition_arns"] = arns
    return d


def stress_policy(d: Deployed, **override: Any) -> None:
    """The bridges' target tracking on their average Stress (module jitsi, scaling.tf)."""
    d.aws.autoscaling.put_scaling_policy(
        PolicyName=f"{NAME}-jvb-stress",
        ServiceNamespace="ecs",
        ResourceId=f"service/{NAME}/jvb",
        ScalableDimension="ecs:service:DesiredCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": d.config.jitsi.jvb.autoscaling.target_stress,
            "CustomizedMetricSpecification": {
                "MetricName": "Stress",
                "Namespace": d.config.observability.metric_namespace,
                "Dimensions": [{"Name": "Service", "Value": "jvb"}],
                "Statistic": "Average",
            },
            "ScaleInCooldown": 600,
            "ScaleOutCooldown": 120,
            **override,
        },
    )


def network_configuration(d: Deployed, service: str) -> dict[str, Any]:
    """A task gets the groups of what it runs: an operator service its own, open to the ALB
    on its port."""
    if "vpc" not in d.ids:
        return {}
    if "sg-web" not in d.ids:  # the Jitsi groups, with the rules module jitsi gives them
        ingress(d, "web", WEB_PORT, source=group(d, "alb"))
        ingress(d, "xmpp", 5280, source=group(d, "web"))
        ingress(d, "xmpp", 5222, source=group(d, "jvb"))
        ingress(d, "jvb", d.config.jitsi.jvb.udp_port, cidr="0.0.0.0/0", protocol="udp")
        for role, rules in JITSI_EGRESS.items():
            narrow_egress(d, role, rules)
        if relay(d.config):  # bridge-to-bridge relay: UDP from the bridges' own group
            port = d.config.jitsi.jvb.udp_port
            for low, high in ((port, port), (32768, 65535)):
                d.aws.ec2.authorize_security_group_ingress(
                    GroupId=group(d, "jvb"),
                    IpPermissions=[
                        {
                            "IpProtocol": "udp",
                            "FromPort": low,
                            "ToPort": high,
                            "UserIdGroupPairs": [{"GroupId": group(d, "jvb")}],
                        }
                    ],
                )
    if service in d.config.services:
        roles = [service]
        if f"sg-{service}" not in d.ids:
            operator = d.config.services[service]
            ingress(d, service, operator.port, source=group(d, "alb"))
            narrow_egress(d, service, [("tcp", 443, 443, None)])  # module service's https rule
            declared = [e.split(":") for e in operator.egress]
            if declared:
                d.aws.ec2.authorize_security_group_egress(
                    GroupId=group(d, service),
                    IpPermissions=[
                        {
                            "IpProtocol": protocol,
                            "FromPort": int(ports.split("-")[0]),
                            "ToPort": int(ports.split("-")[-1]),
                            "IpRanges": [{"CidrIp": cidr}],
                        }
                        for protocol, ports, cidr in declared
                    ],
                )
    else:
        roles = sorted({ROLE_GROUP[c] for c in d.services[service]})
    awsvpc = {
        "subnets": subnets(d),
        "securityGroups": [group(d, role) for role in roles],
        "assignPublicIp": "ENABLED",
    }
    return {"networkConfiguration": {"awsvpcConfiguration": awsvpc}}


def update_service(d: Deployed, service: str, **changes: Any) -> None:
    d.aws.ecs.update_service(cluster=NAME, service=service, **changes)


def redeploy(d: Deployed, service: str, defs: list[dict[str, Any]]) -> None:
    """A new revision of the service's task definition, deployed (drift behind Terraform)."""
    update_service(d, service, taskDefinition=register(d, service, defs))


# ---------------------------------------------------------------- alerting


def alarm(d: Deployed, kind: str, **override: Any) -> None:
    """put_metric_alarm for one kind, as the alarms, service and telemetry modules define it."""
    cfg = d.config.alarms
    topic = d.outputs["deployment_alerts_topic_arn"]
    common: dict[str, Any] = {
        "AlarmName": f"{NAME}-{kind}",
        "EvaluationPeriods": 1,
        "AlarmActions": [topic],
        "OKActions": [topic],
    }
    alb_dims = [{"Name": "LoadBalancer", "Value": f"app/{NAME}/0123456789abcdef"}]
    web_tg = d.outputs.get("web_target_group_arn", ":targetgroup/jitsi-web/0")
    tg_dims = [*alb_dims, {"Name": "TargetGroup", "Value": web_tg.rsplit(":", 1)[-1]}]
    alb = {
        "Namespace": "AWS/ApplicationELB",
        "Period": cfg.period,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "Dimensions": alb_dims,
    }
    down = {
        "Period": 60,
        "ComparisonOperator": "LessThanThreshold",
        "TreatMissingData": "breaching",
    }
    jitsi = {"Namespace": d.config.observability.metric_namespace, "Period": 60}
    telemetry = d.config.telemetry
    shapes: dict[str, dict[str, Any]] = {
        "target-5xx": {
            **alb,
            "Dimensions": tg_dims,
            "MetricName": "HTTPCode_Target_5XX_Count",
            "Statistic": "Sum",
            "Threshold": cfg.target_5xx_threshold,
        },
        "elb-5xx": {
            **alb,
            "MetricName": "HTTPCode_ELB_5XX_Count",
            "Statistic": "Sum",
            "Threshold": cfg.elb_5xx_threshold,
        },
        "unhealthy-hosts": {
            **alb,
            "Dimensions": tg_dims,
            "MetricName": "UnHealthyHostCount",
            "Statistic": "Maximum",
            "Threshold": 0.0,
        },
        "p99-latency": {
            **alb,
            "Dimensions": tg_dims,
            "MetricName": "TargetResponseTime",
            "ExtendedStatistic": "p99",
            "Threshold": cfg.p99_latency_seconds,
        },
        "no-healthy-target": {
            **down,
            "Namespace": "AWS/ApplicationELB",
            "Dimensions": tg_dims,
            "MetricName": "HealthyHostCount",
            "Statistic": "Minimum",
            "Threshold": 1.0,
        },
        "bridge-stress": {
            **jitsi,
            "MetricName": "Stress",
            "Statistic": "Maximum",
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "Threshold": telemetry.stress_threshold,
        },
        "no-bridge": {
            **jitsi,
            "MetricName": "OperationalBridges",
            "Statistic": "Minimum",
            "ComparisonOperator": "LessThanThreshold",
            "TreatMissingData": "breaching",
            "Threshold": 1.0,
        },
        "auth-errors": {
            "Namespace": "AWS/Lambda",
            "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": f"{NAME}-auth"}],
            "Statistic": "Sum",
            "Period": 300,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "Threshold": 0.0,
        },
        "jicofo-unhealthy": {
            **jitsi,
            "MetricName": "SourceUp",
            "Statistic": "Minimum",
            "ComparisonOperator": "LessThanThreshold",
            "TreatMissingData": "breaching",
            "Threshold": 1.0,
        },
    }
    service, _, own = kind.partition("-")
    if kind.endswith("-running-tasks"):
        dims = [
            {"Name": "ClusterName", "Value": NAME},
            {"Name": "ServiceName", "Value": kind.removesuffix("-running-tasks")},
        ]
        shape: dict[str, Any] = {
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "breaching",
            "Threshold": 0.0,
            "Metrics": [
                {"Id": "missing", "Expression": "desired - running", "ReturnData": True},
                *(
                    {
                        "Id": metric_id,
                        "ReturnData": False,
                        "MetricStat": {
                            "Metric": {
                                "Namespace": "ECS/ContainerInsights",
                                "MetricName": metric,
                                "Dimensions": dims,
                            },
                            "Period": cfg.period,
                            "Stat": stat,
                        },
                    }
                    for metric_id, metric, stat in (
                        ("running", "RunningTaskCount", "Minimum"),
                        ("desired", "DesiredTaskCount", "Maximum"),
                    )
                ),
            ],
        }
    elif kind == "bridges-not-joined":
        shape = {
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "Threshold": 0.0,
            "EvaluationPeriods": 3,
            "Metrics": [
                {"Id": "missing", "Expression": "up - operational", "ReturnData": True},
                *(
                    {
                        "Id": metric_id,
                        "ReturnData": False,
                        "MetricStat": {
                            "Metric": {
                                "Namespace": d.config.observability.metric_namespace,
                                "MetricName": metric,
                                "Dimensions": [{"Name": "Service", "Value": service_dim}],
                            },
                            "Period": 60,
                            "Stat": stat,
                        },
                    }
                    for metric_id, metric, service_dim, stat in (
                        ("up", "BridgesUp", "summary", "Minimum"),
                        ("operational", "OperationalBridges", "jicofo", "Maximum"),
                    )
                ),
            ],
        }
    elif kind.endswith("-not-running"):
        shape = {
            **down,
            "Namespace": "AWS/ECS",
            "MetricName": "CPUUtilization",
            "Dimensions": [
                {"Name": "ClusterName", "Value": NAME},
                {"Name": "ServiceName", "Value": kind.removesuffix("-not-running")},
            ],
            "Statistic": "SampleCount",
            "Threshold": 1.0,
        }
    elif service in d.config.services:  # an operator service's own target group
        arn = d.outputs.get("service_target_group_arns", {}).get(service, f":tg/{service}")
        dims = [*alb_dims, {"Name": "TargetGroup", "Value": arn.rsplit(":", 1)[-1]}]
        # the same kinds as web's target group, on the service's own target group
        shape = {**shapes[own], "Dimensions": dims}
    else:
        shape = shapes[kind]
    d.aws.cloudwatch.put_metric_alarm(**{**common, **shape, **override})


def task_role(d: Deployed, service: str) -> str:
    """A Jitsi service's own task role, which only this account's ECS tasks may assume; where
    the service runs a bridge, it may read and set its own scale-in protection (the guard)."""
    key = f"task-role-{service}"
    if key not in d.ids:
        name = f"{NAME}-{service}-task"
        d.ids[key] = d.aws.iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=assume_policy(
                "ecs-tasks.amazonaws.com",
                {
                    "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:*"},
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                },
            ),
        )["Role"]["Arn"]
        if "jvb" in d.services.get(service, []):
            statement = {
                "Effect": "Allow",
                "Action": PROTECTION_ACTIONS,
                "Resource": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{NAME}/*",
            }
            d.aws.iam.put_role_policy(
                RoleName=name,
                PolicyName="own-task-scale-in-protection",
                PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
            )
    return d.ids[key]


def assume_policy(principal: str, condition: dict[str, Any] | None = None) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": principal},
                    "Action": "sts:AssumeRole",
                    **({"Condition": condition} if condition else {}),
                }
            ],
        }
    )


def topic(d: Deployed, name: str, *publishers: str) -> str:
    """An alerts topic as module alarms / budgets make it: named "<stack>-<topic>", each
    publisher scoped to this account (aws:SourceAccount)."""
    sns = d.aws.sns
    arn = str(sns.create_topic(Name=f"{NAME}-{name}")["TopicArn"])
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": f"Allow{i}",
                "Effect": "Allow",
                "Principal": {"Service": publisher},
                "Action": "SNS:Publish",
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
            for i, publisher in enumerate(publishers)
        ],
    }
    sns.set_topic_attributes(
        TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )
    return arn


def notification(kind: str) -> dict[str, Any]:
    return {
        "NotificationType": kind,
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": 100.0,
        "ThresholdType": "PERCENTAGE",
    }


def budget(
    d: Deployed, limit: float, kinds: tuple[str, ...] = ("FORECASTED", "ACTUAL"), amount: str = ""
) -> None:
    key = f"{limit:g}"
    name = f"{NAME}-monthly-{key}usd"
    topic_arn = d.outputs["budget_alerts_topic_arn"]
    d.aws.budgets.create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": name,
            "BudgetType": "COST",
            "TimeUnit": "MONTHLY",
            "BudgetLimit": {"Amount": amount or f"{limit:.2f}", "Unit": "USD"},
        },
        NotificationsWithSubscribers=[
            {
                "Notification": notification(kind),
                "Subscribers": [
                    {"SubscriptionType": "SNS", "Address": topic_arn},
                    *({"SubscriptionType": "EMAIL", "Address": e} for e in d.config.budgets.emails),
                ],
            }
            for kind in kinds
        ],
    )
    d.outputs.setdefault("budget_names", {})[key] = name


def alerting(d: Deployed) -> Deployed:
    d.outputs["deployment_alerts_topic_arn"] = topic(
        d, d.config.alarms.topic_name, "cloudwatch.amazonaws.com", "events.amazonaws.com"
    )
    d.outputs["budget_alerts_topic_arn"] = topic(
        d, d.config.budgets.topic_name, "budgets.amazonaws.com"
    )
    for email in d.config.alarms.emails:
        d.aws.sns.subscribe(
            TopicArn=d.outputs["deployment_alerts_topic_arn"], Protocol="email", Endpoint=email
        )
    for kind in alarm_kinds(d.config):
        alarm(d, kind)
    # Failed ECS tasks and deployments go to the same topic (module alarms).
    rule = f"{NAME}-ecs-failures"
    d.aws.events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["aws.ecs"]}))
    d.aws.events.put_targets(
        Rule=rule, Targets=[{"Id": "sns", "Arn": d.outputs["deployment_alerts_topic_arn"]}]
    )
    d.outputs["budget_names"] = {}
    for limit in d.config.budgets.limits:
        budget(d, limit)
    return d


# ---------------------------------------------------------------- observability


def dashboard_body(metrics: tuple[str, ...] | list[str]) -> str:
    widgets = [
        {
            "type": "metric",
            "properties": {"title": metric, "metrics": [["AWS/Whatever", metric, "Dim", "x"]]},
        }
        for metric in metrics
    ]
    return json.dumps({"widgets": widgets})


def observability(d: Deployed) -> Deployed:
    obs = d.config.observability
    d.aws.logs.create_log_group(logGroupName=obs.log_group_name)
    d.aws.logs.put_retention_policy(
        logGroupName=obs.log_group_name, retentionInDays=obs.log_retention_days
    )
    metrics = [
        *DASHBOARD_METRICS,
        *(INSIGHTS_METRICS if obs.container_insights else ()),
        *(JITSI_METRICS if d.config.telemetry.enabled else ()),
    ]
    d.aws.cloudwatch.put_dashboard(DashboardName=NAME, DashboardBody=dashboard_body(metrics))
    d.outputs["dashboard_name"] = NAME
    return d


# ---------------------------------------------------------------- telemetry


def function_environment(d: Deployed) -> dict[str, str]:
    internal = d.config.jitsi.internal_domain
    return {
        "JVB_DNS_NAMES": ",".join(bridge_dns_names(d.config)),
        "JVB_PORT": "8080",
        "JICOFO_URL": f"http://xmpp.{internal}:8888",
        "METRIC_NAMESPACE": d.config.observability.metric_namespace,
    }


def stats_rule(
    d: Deployed, role: str, port: int, *, cidr: str | None = None, source: str | None = None
) -> None:
    """Ingress to a role's group on a stats port: from a CIDR, a source group, or (the
    default) the collector's group."""
    ingress(d, role, port, cidr=cidr, source=source or group(d, "collector"))


def telemetry(d: Deployed) -> Deployed:
    network(d)
    role = d.aws.iam.create_role(
        RoleName=f"{NAME}-telemetry", AssumeRolePolicyDocument=assume_policy("lambda.amazonaws.com")
    )["Role"]["Arn"]
    fn = d.aws.lambda_.create_function(
        FunctionName=f"{NAME}-telemetry",
        Runtime=RUNTIME,
        Role=role,
        Handler=TELEMETRY_HANDLER,
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},  # an empty zip
        VpcConfig={"SubnetIds": subnets(d), "SecurityGroupIds": [group(d, "collector")]},
        Environment={"Variables": function_environment(d)},
    )["FunctionArn"]
    events = d.aws.events
    events.put_rule(
        Name=f"{NAME}-telemetry",
        ScheduleExpression=d.config.telemetry.schedule_expression,
        State="ENABLED",
    )
    events.put_targets(Rule=f"{NAME}-telemetry", Targets=[{"Id": "collector", "Arn": fn}])
    stats_rule(d, "jvb", 8080)
    stats_rule(d, "xmpp", 8888)
    d.ids["function_arn"] = fn
    return d


# ---------------------------------------------------------------- auth


def auth(d: Deployed) -> Deployed:
    """The /auth/ page as module auth makes it: a Cognito user pool, app client and domain, a
    Lambda target group behind the HTTPS listener's priority-1 rule, the function outside the
    VPC with its least-privilege role and invoke permission, and the `auth` log stream. Needs
    edge and observability (the listener, the log group)."""
    config = d.config
    domain = config.domain
    ssm = d.aws.ssm
    ssm.put_parameter(Name=JWT_PARAMETER, Type="SecureString", Value=AUTH_SECRET)
    secret_arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{JWT_PARAMETER}"
    d.outputs.setdefault("secret_parameter_arns", {})["JWT_APP_SECRET"] = secret_arn

    cognito = d.aws.cognito
    pool = cognito.create_user_pool(
        PoolName=NAME,
        UsernameAttributes=["email"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )["UserPool"]
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool["Id"],
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration={"optional": "OPTIONAL", "required": "ON"}[config.auth.mfa],
    )
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=f"{NAME}-alb",
        GenerateSecret=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email", "profile"],
        CallbackURLs=[f"https://{domain}/oauth2/idpresponse"],
        SupportedIdentityProviders=["COGNITO"],
        IdTokenValidity=60,
        AccessTokenValidity=60,
        RefreshTokenValidity=60,
        TokenValidityUnits={
            "IdToken": "minutes",
            "AccessToken": "minutes",
            "RefreshToken": "minutes",
        },
    )["UserPoolClient"]
    pool_domain = f"{NAME}-auth-{ACCOUNT}"
    cognito.create_user_pool_domain(Domain=pool_domain, UserPoolId=pool["Id"])

    group = d.config.observability.log_group_name
    logs = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:"
    stream = f"{logs}{group}:log-stream:auth"
    own = f"{logs}/aws/lambda/{NAME}-auth:*"
    statements = [
        {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": [secret_arn]},
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [own],
        },
        {
            "Effect": "Allow",
            "Action": [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
            ],
            "Resource": ["*"],
        },
        {
            "Effect": "Allow",
            "Action": ["logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": [f"{logs}{group}", stream],
        },
    ]
    role = d.aws.iam.create_role(
        RoleName=f"{NAME}-auth", AssumeRolePolicyDocument=assume_policy("lambda.amazonaws.com")
    )["Role"]
    d.aws.iam.put_role_policy(
        RoleName=role["RoleName"],
        PolicyName="auth",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    region = config.region
    fn = d.aws.lambda_.create_function(
        FunctionName=f"{NAME}-auth",
        Runtime=RUNTIME,
        Role=role["Arn"],
        Handler=AUTH_HANDLER,
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},  # an empty zip
        TracingConfig={"Mode": "Active"},
        Environment={
            "Variables": {
                "ALB_ARN": d.outputs.get("alb_arn", ""),
                "PUBLIC_URL": f"https://{domain}",
                "JWT_APP_ID": config.jitsi.jwt_app_id,
                "JWT_SECRET_PARAMETER": JWT_PARAMETER,
                "TOKEN_TTL_HOURS": str(config.auth.token_ttl_hours),
                "METRIC_NAMESPACE": config.observability.metric_namespace,
                "GUESTS": "true" if config.jitsi.guests else "false",
                "IDP_ISSUER": f"https://cognito-idp.{region}.amazonaws.com/{pool['Id']}",
                "IDP_CLIENT_ID": client["ClientId"],
                "OTEL_PYTHON_DISTRO": "aws_distro",
                "OTEL_PYTHON_CONFIGURATOR": "aws_configurator",
                "OTEL_TRACES_EXPORTER": "otlp",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"https://xray.{region}.amazonaws.com/v1/traces",
                "OTEL_LOGS_EXPORTER": "otlp",
                "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": f"https://logs.{region}.amazonaws.com/v1/logs",
                "OTEL_EXPORTER_OTLP_LOGS_HEADERS": (
                    f"x-aws-log-group={group},x-aws-log-stream=auth"
                ),
                "OTEL_METRICS_EXPORTER": "none",
                "OTEL_AWS_APPLICATION_SIGNALS_ENABLED": "false",
            }
        },
    )["FunctionArn"]

    elb = d.aws.elbv2
    target_group = elb.create_target_group(
        Name=f"{NAME}-auth",
        TargetType="lambda",
        HealthCheckEnabled=True,
        HealthCheckPath="/auth/health",
        HealthCheckIntervalSeconds=300,
        HealthCheckTimeoutSeconds=30,
        HealthyThresholdCount=2,
        UnhealthyThresholdCount=2,
    )["TargetGroups"][0]["TargetGroupArn"]
    d.aws.lambda_.add_permission(
        FunctionName=f"{NAME}-auth",
        StatementId="alb",
        Action="lambda:InvokeFunction",
        Principal="elasticloadbalancing.amazonaws.com",
        SourceArn=target_group,
    )
    elb.register_targets(TargetGroupArn=target_group, Targets=[{"Id": fn}])
    rule = elb.create_rule(
        ListenerArn=d.outputs["https_listener_arn"],
        Priority=1,
        Conditions=[
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/auth", "/auth/*"]}}
        ],
        Actions=[
            {
                "Type": "authenticate-cognito",
                "Order": 1,
                "AuthenticateCognitoConfig": {
                    "UserPoolArn": pool["Arn"],
                    "UserPoolClientId": client["ClientId"],
                    "UserPoolDomain": pool_domain,
                    "OnUnauthenticatedRequest": "authenticate",
                    "SessionTimeout": 3600,
                },
            },
            {"Type": "forward", "Order": 2, "TargetGroupArn": target_group},
        ],
    )["Rules"][0]["RuleArn"]
    d.aws.logs.create_log_stream(logGroupName=group, logStreamName="auth")
    d.outputs["auth"] = {
        "url": f"https://{domain}/auth/",
        "function_name": f"{NAME}-auth",
        "function_arn": fn,
        "role_name": role["RoleName"],
        "target_group_arn": target_group,
        "listener_rule_arn": rule,
        "provider": "cognito",
        "user_pool_id": pool["Id"],
        "user_pool_arn": pool["Arn"],
        "user_pool_client_id": client["ClientId"],
        "user_pool_domain": pool_domain,
        "callback_url": f"https://{domain}/oauth2/idpresponse",
        "log_stream_name": "auth",
        "adot_layer_arn": None,
    }
    return d


def deploy_all(d: Deployed) -> Deployed:
    for step in (network, edge, ecs, alerting, observability, telemetry, auth):
        step(d)
    return d
