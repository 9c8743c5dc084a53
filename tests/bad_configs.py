"""One corpus of bad configs, refused by the CLI and by Terraform alike.

tests/unit/test_config.py feeds each case to the config model (exit 2, the key named);
tests/infra/test_terraform_modules.py feeds the same values to the root module through
`terraform test` (infra/tests/validation.tftest.hcl is generated from this list with
expect_failures, and each case also runs once without it so its message can be read).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bad:
    id: str
    data: dict[str, Any]
    message: str  # what the CLI says (after "jitsi-ecs.toml: ")
    key: str = ""  # the dotted key both sides name; default: the message's key
    # Why Terraform cannot refuse it, when it cannot (its object types drop unknown keys).
    cli_only: str = ""
    deploy_only: bool = False  # refused when a target deploys it, not when the file is read
    # Terraform refuses it while converting the value to the variable's type, before any
    # validation block runs (so expect_failures cannot name it); its message says this instead.
    terraform_type_error: str = ""

    @property
    def named_key(self) -> str:
        return self.key or self.message.split(":", 1)[0].removeprefix("(top level)")

    @property
    def variable(self) -> str:
        """The root variable Terraform reports it on."""
        return self.named_key.split(".")[0]


DROPPED = "Terraform object types drop unknown attributes; the CLI refuses them"


def service(**change: Any) -> dict[str, Any]:
    """A valid [services.api] block, with some keys changed."""
    return {
        "image": "public.ecr.aws/nginx/nginx:1.27.3",
        "port": 8004,
        "path_patterns": ["/api/v1/*"],
        "priority": 40,
        **change,
    }


BAD: list[Bad] = [
    Bad(
        "wrong_type",
        {"jitsi": {"web": {"desired_count": "three"}}},
        "jitsi.web.desired_count: Input should be a valid integer",
        terraform_type_error="a number is required",
    ),
    Bad("unknown_key", {"jitsi": {"webb": {}}}, "jitsi.webb: unknown key", cli_only=DROPPED),
    Bad("unknown_top_level_key", {"budget": {}}, "budget: unknown key", cli_only=DROPPED),
    Bad(
        "domain_with_scheme",
        {"domain": "https://meet.example.com"},
        "domain: 'https://meet.example.com' is not a lowercase DNS name",
    ),
    Bad(
        "domain_with_path", {"domain": "meet.example.com/x"}, "domain: 'meet.example.com/x' is not"
    ),
    Bad(
        "bad_alarm_email",
        {"alarms": {"emails": ["ops-at-example.com"]}},
        "alarms.emails.0: 'ops-at-example.com' is not an email address",
        key="alarms.emails",
    ),
    Bad(
        "bad_budget_email",
        {"budgets": {"emails": ["x@y"]}},
        "budgets.emails.0: 'x@y' is not an email address",
        key="budgets.emails",
    ),
    Bad(
        "eleven_budget_emails",
        {"budgets": {"emails": [f"a{i}@example.com" for i in range(11)]}},
        "budgets.emails: List should have at most 10 items",
    ),
    Bad(
        "unhealthy_threshold_1",
        {"health_check": {"target_group": {"unhealthy_threshold": 1}}},
        "health_check.target_group.unhealthy_threshold: "
        "Input should be greater than or equal to 2 (got 1)",
    ),
    Bad(
        "container_interval_400",
        {"health_check": {"container": {"interval": 400}}},
        "health_check.container.interval: Input should be less than or equal to 300",
    ),
    Bad(
        "container_timeout_not_below_interval",
        {"health_check": {"container": {"interval": 10, "timeout": 10}}},
        "health_check.container: timeout (10) must be below interval (10)",
    ),
    Bad(
        "tg_timeout_not_below_interval",
        {"health_check": {"target_group": {"interval": 6, "timeout": 6}}},
        "health_check.target_group: timeout (6) must be below interval (6)",
    ),
    Bad(
        "health_path_health",
        {"health_check": {"target_group": {"path": "/health"}}},
        "health_check.target_group: /health is a Jitsi room page that always answers 200",
    ),
    Bad(
        "health_path_relative",
        {"health_check": {"target_group": {"path": "index.html"}}},
        "health_check.target_group.path: 'index.html' is not a URL path starting with /",
    ),
    Bad(
        # issue 21: the path reaches the container check's `sh -c`
        "service_health_path_shell",
        {"services": {"api": service(health_path="/up;touch${IFS}/tmp/x")}},
        "services.api.health_path: '/up;touch${IFS}/tmp/x' is not a URL path starting with /",
        key="services",
    ),
    Bad(
        "mfa_off",
        {"auth": {"mfa": "off"}},
        "auth.mfa: Input should be 'optional' or 'required'",
    ),
    Bad(
        # issue 21: more than HTTPS out only as declared, in a form both sides can check
        "service_egress_all",
        {"services": {"api": service(egress=["all:0:0.0.0.0/0"])}},
        "services.api.egress.0: 'all:0:0.0.0.0/0' is not protocol:port[-port]:IPv4 CIDR",
        key="services",
    ),
    Bad(
        "service_egress_ports_reversed",
        {"services": {"api": service(egress=["tcp:90-80:10.42.0.0/16"])}},
        'services.api: egress ["tcp:90-80:10.42.0.0/16"]: ports go from 1 to 65535',
        key="services",
    ),
    Bad(
        "service_egress_port_too_high",
        {"services": {"api": service(egress=["udp:70000:0.0.0.0/0"])}},
        'services.api: egress ["udp:70000:0.0.0.0/0"]: ports go from 1 to 65535',
        key="services",
    ),
    Bad(
        "service_egress_cidr_not_canonical",
        {"services": {"api": service(egress=["tcp:5432:10.42.0.1/16"])}},
        'services.api: egress ["tcp:5432:10.42.0.1/16"]: ports go from 1 to 65535',
        key="services",
    ),
    Bad(
        "service_health_path_substitution",
        {"services": {"api": service(health_path="/$(id)")}},
        "services.api.health_path: '/$(id)' is not a URL path starting with /",
        key="services",
    ),
    Bad(
        "service_health_path_query",
        {"services": {"api": service(health_path="/up?x=1 &")}},
        "services.api.health_path: '/up?x=1 &' is not a URL path starting with /",
        key="services",
    ),
    Bad(
        "grace_too_short",
        {"health_check": {"grace_period": 30}},
        "health_check: grace_period (30) must be at least start_period + 2 x interval",
    ),
    Bad(
        "budgets_not_ascending",
        {"budgets": {"limits": [5, 20, 10]}},
        "budgets: limits [5.0, 20.0, 10.0] must be positive amounts in strictly ascending order",
    ),
    Bad(
        "budgets_duplicate",
        {"budgets": {"limits": [5, 5]}},
        "budgets: limits [5.0, 5.0] must be positive amounts in strictly ascending order",
    ),
    Bad("budget_zero", {"budgets": {"limits": [0, 5]}}, "budgets: limits [0.0, 5.0] must be"),
    Bad("budgets_empty", {"budgets": {"limits": []}}, "budgets.limits: List should have at least"),
    Bad(
        "services_same_priority",
        {
            "services": {
                "stream": service(path_patterns=["/stream/*"], priority=10),
                "api": service(priority=10),
            }
        },
        "(top level): services: each listener rule needs its own priority",
        key="services",
    ),
    Bad(
        "services_same_path",
        {"services": {"api": service(), "api2": service(priority=41)}},
        "(top level): services: a path pattern may go to one service only",
        key="services",
    ),
    Bad(
        "service_relative_path",
        {"services": {"x": service(path_patterns=["api/*"])}},
        "services.x.path_patterns.0: 'api/*' is not an ALB path pattern starting with /",
        key="services",
    ),
    Bad(
        "service_bad_name",
        {"services": {"Api": service()}},
        "services.Api.[key]: 'Api' is not 1-21 lowercase letters, digits and dashes",
        key="services",
    ),
    Bad(
        "service_named_like_jitsi",
        {"services": {"web": service()}},
        "(top level): services: web, xmpp, prosody, jicofo, jvb",
        key="services",
    ),
    Bad(
        "service_priority_kept_for_the_tool",
        {"services": {"api": service(priority=5)}},
        "services.api.priority: Input should be greater than or equal to 10",
        key="services",
    ),
    Bad(
        "service_takes_the_root",
        {"services": {"api": service(path_patterns=["/*"])}},
        'services.api: path_patterns ["/*"] take paths the Jitsi web image serves itself',
        key="services",
    ),
    Bad(
        "service_takes_bosh",
        {"services": {"api": service(path_patterns=["/http-bind"])}},
        'services.api: path_patterns ["/http-bind"] take paths the Jitsi web image serves',
        key="services",
    ),
    Bad(
        "service_takes_xmpp_websocket",
        {"services": {"api": service(path_patterns=["/xmpp-*"])}},
        'services.api: path_patterns ["/xmpp-*"] take paths the Jitsi web image serves',
        key="services",
    ),
    Bad(
        "service_takes_colibri_ws",
        {"services": {"api": service(path_patterns=["/colibri-ws/*"])}},
        'services.api: path_patterns ["/colibri-ws/*"] take paths the Jitsi web image serves',
        key="services",
    ),
    Bad(
        "service_takes_config_js",
        {"services": {"api": service(path_patterns=["/api/*", "/config.js"])}},
        'services.api: path_patterns ["/api/*", "/config.js"] take paths the Jitsi web image',
        key="services",
    ),
    Bad(
        "service_takes_static_files",
        {"services": {"api": service(path_patterns=["/libs/api/*"])}},
        'services.api: path_patterns ["/libs/api/*"] take paths the Jitsi web image serves',
        key="services",
    ),
    Bad(
        "service_latest_image",
        {"services": {"api": service(image="nginx:latest")}},
        'services.api: image "nginx:latest" has a moving tag',
        key="services",
    ),
    Bad(
        "service_untagged_image",
        {"services": {"api": service(image="public.ecr.aws/nginx/nginx")}},
        "services.api.image: 'public.ecr.aws/nginx/nginx' is not an image with a pinned tag",
        key="services",
    ),
    Bad(
        "service_fargate_size",
        {"services": {"api": service(cpu=256, memory=4096)}},
        "services.api: cpu 256 with memory 4096 MiB is not a Fargate task size",
        key="services",
    ),
    Bad(
        "service_secret_not_an_env_name",
        {"services": {"api": service(secrets=["api-key"])}},
        "services.api.secrets.0: 'api-key' is not an environment variable name",
        key="services",
    ),
    Bad(
        "service_secret_also_in_environment",
        {"services": {"api": service(secrets=["API_KEY"], environment={"API_KEY": "x"})}},
        'services.api: secrets ["API_KEY"] are also set in environment',
        key="services",
    ),
    Bad(
        "service_secret_in_plain_environment",
        {"services": {"api": service(environment={"DB_PASSWORD": "hunter2"})}},
        "services.api: environment holds a secret-looking name",
        key="services",
    ),
    Bad(
        "service_spot_on_arm",
        {"jitsi": {"cpu_architecture": "ARM64"}, "services": {"api": service(spot=True)}},
        "(top level): services: spot needs jitsi.cpu_architecture = X86_64",
        key="services",
    ),
    Bad(
        "service_name_too_long_for_a_target_group",
        {"name": "a-twenty-char-stack1", "services": {"an-api-of-twenty-one1": service()}},
        "(top level): services: the stack name, a dash and the service name must fit",
        key="services",
    ),
    Bad(
        "routes_are_replaced_by_services",
        {"routes": {"api": {"path_patterns": ["/api/v1/*"], "priority": 40, "port": 8004}}},
        "routes: replaced by [services.<name>]",
        cli_only="routes is no longer a root variable: Terraform refuses it as undeclared",
    ),
    Bad(
        "moving_image_tag",
        {"jitsi": {"image": {"tag": "stable"}}},
        "jitsi.image.tag: 'stable' is not a pinned stable-NNNNN[-N] tag",
    ),
    Bad(
        "latest_image_tag",
        {"jitsi": {"image": {"tag": "latest"}}},
        "jitsi.image.tag: 'latest' is not a pinned stable-NNNNN[-N] tag",
    ),
    Bad(
        "bad_fargate_cpu",
        {"jitsi": {"jvb": {"cpu": 300}}},
        "jitsi.jvb.cpu: Input should be 256, 512, 1024, 2048, 4096, 8192 or 16384",
    ),
    Bad(
        "memory_out_of_range",
        {"jitsi": {"web": {"cpu": 256, "memory": 4096}}},
        "jitsi.web: cpu 256 with memory 4096 MiB is not a Fargate task size",
    ),
    Bad(
        "memory_between_steps",
        {"jitsi": {"xmpp": {"cpu": 512, "memory": 1536}}},
        "jitsi.xmpp: cpu 512 with memory 1536 MiB is not a Fargate task size",
    ),
    Bad(
        "bad_architecture",
        {"jitsi": {"cpu_architecture": "arm"}},
        "jitsi.cpu_architecture: Input should be 'X86_64' or 'ARM64'",
    ),
    Bad(
        "desired_count_0",
        {"jitsi": {"web": {"desired_count": 0}}},
        "jitsi.web.desired_count: Input should be greater than or equal to 1",
    ),
    Bad(
        "udp_port_80",
        {"jitsi": {"jvb": {"udp_port": 80}}},
        "jitsi.jvb.udp_port: Input should be greater than or equal to 1024",
    ),
    Bad(
        "schedule_stop_24",
        {"jitsi": {"schedule": {"stop_hour": 24}}},
        "jitsi.schedule.stop_hour: Input should be less than or equal to 23",
    ),
    Bad(
        "schedule_backwards",
        {"jitsi": {"schedule": {"start_hour": 19, "stop_hour": 7}}},
        "jitsi.schedule: start_hour (19) must be before stop_hour (7)",
    ),
    Bad(
        "schedule_bad_days",
        {"jitsi": {"schedule": {"days": "weekdays"}}},
        "jitsi.schedule.days: 'weekdays' is not a cron day list",
    ),
    Bad(
        "bad_retention",
        {"observability": {"log_retention_days": 10}},
        "observability.log_retention_days: Input should be 1, 3, 5, 7",
    ),
    Bad(
        "adot_unknown_container",
        {"observability": {"adot_containers": ["nginx"]}},
        "observability.adot_containers.0: Input should be 'web', 'prosody', 'jicofo' or 'jvb'",
        key="observability.adot_containers",
    ),
    Bad(
        "alarm_period_45",
        {"alarms": {"period": 45}},
        "alarms.period: Input should be 10, 30, 60, 120, 300, 600, 900 or 3600",
    ),
    Bad(
        "telemetry_bad_schedule",
        {"telemetry": {"schedule_expression": "every minute"}},
        "telemetry.schedule_expression: 'every minute' is not rate(...) or cron(...)",
    ),
    Bad("bad_region", {"region": "mars-1"}, "region: 'mars-1' is not an AWS region"),
    Bad("bad_name", {"name": "Jitsi_Prod"}, "name: 'Jitsi_Prod' is not 2-20 lowercase letters"),
    Bad(
        "tls_1_0_policy",
        {"ssl_policy": "ELBSecurityPolicy-TLS13-1-0-2021-06"},
        "ssl_policy: Input should be 'ELBSecurityPolicy-TLS13-1-2-2021-06'",
    ),
    Bad(
        "tls_1_1_policy",
        {"ssl_policy": "ELBSecurityPolicy-TLS13-1-1-2021-06"},
        "ssl_policy: Input should be",
    ),
    Bad(
        "cidr_not_a_cidr",
        {"network": {"cidr": "banana"}},
        'network: cidr "banana" is not a canonical IPv4 CIDR block',
    ),
    Bad(
        "cidr_too_small",
        {"network": {"cidr": "10.42.0.0/26"}},
        'network: cidr "10.42.0.0/26" is not a canonical IPv4 CIDR block from /16 to /24',
    ),
    Bad(
        "cidr_host_bits",
        {"network": {"cidr": "10.42.1.0/16"}},
        'network: cidr "10.42.1.0/16" is not a canonical',
    ),
    Bad(
        "az_count_5",
        {"network": {"az_count": 5}},
        "network.az_count: Input should be less than or equal to 4",
    ),
    Bad(
        "hsts_negative",
        {"alb": {"hsts_max_age": -1}},
        "alb.hsts_max_age: Input should be greater than or equal to 0",
    ),
    Bad(
        "hsts_beyond_two_years",
        {"alb": {"hsts_max_age": 63072001}},
        "alb.hsts_max_age: Input should be less than or equal to 63072000",
    ),
    Bad(
        "existing_vpc_without_subnets",
        {"network": {"vpc_id": "vpc-1"}},
        "network: vpc_id needs public_subnet_ids with at least 2 subnets",
    ),
    Bad(
        "stress_threshold_0",
        {"telemetry": {"stress_threshold": 0}},
        "telemetry.stress_threshold: Input should be greater than 0",
    ),
    Bad(
        "oidc_without_settings",
        {"auth": {"provider": "oidc"}},
        "auth: provider = oidc needs an [auth.oidc] section",
    ),
    Bad(
        "oidc_plain_http_issuer",
        {
            "auth": {
                "provider": "oidc",
                "oidc": {
                    "issuer": "http://idp.example.com",
                    "authorization_endpoint": "https://idp.example.com/a",
                    "token_endpoint": "https://idp.example.com/t",
                    "user_info_endpoint": "https://idp.example.com/u",
                    "client_id": "x",
                    "client_secret_parameter": "/x",
                },
            }
        },
        "auth.oidc.issuer: 'http://idp.example.com' is not an https:// URL",
    ),
    Bad(
        "login_rate_limit_below_waf_minimum",
        {"auth": {"login_rate_limit": 9}},
        "auth: login_rate_limit is 0 (off) or at least 10, AWS WAF's minimum for a rate rule "
        "(got 9)",
    ),
    Bad(
        "login_rate_limit_with_oidc",
        {
            "auth": {
                "login_rate_limit": 100,
                "provider": "oidc",
                "oidc": {
                    "issuer": "https://idp.example.com",
                    "authorization_endpoint": "https://idp.example.com/a",
                    "token_endpoint": "https://idp.example.com/t",
                    "user_info_endpoint": "https://idp.example.com/u",
                    "client_id": "x",
                    "client_secret_parameter": "/x",
                },
            }
        },
        "auth: login_rate_limit guards the Cognito user pool",
    ),
    Bad(
        "auth_without_jwt",
        {"jitsi": {"auth_type": "none"}},
        "(top level): auth.enabled needs jitsi.auth_type = jwt",
        key="auth",
    ),
    Bad(
        "token_ttl_too_long",
        {"auth": {"token_ttl_hours": 25}},
        "auth.token_ttl_hours: Input should be less than or equal to 24",
    ),
    Bad(
        "service_takes_auth_path",
        {"services": {"api": service(path_patterns=["/auth/*"])}},
        "(top level): services: /auth, /auth/* and /oauth2/* belong to the /auth/ page",
        key="services",
    ),
    Bad(
        "service_takes_auth_page_by_wildcard",
        {"services": {"api": service(path_patterns=["/a*"])}},
        "(top level): services: /auth, /auth/* and /oauth2/* belong to the /auth/ page",
        key="services",
    ),
    Bad(
        "service_takes_auth_priority",
        {"services": {"api": service(priority=1)}},
        "services.api.priority: Input should be greater than or equal to 10",
        key="services",
    ),
    Bad(
        "bad_jwt_app_id",
        {"jitsi": {"jwt_app_id": "my app"}},
        "jitsi.jwt_app_id: 'my app' is not 1-64 letters",
    ),
    Bad(
        "arm64_on_spot",
        {"jitsi": {"web": {"spot": True}}},
        "jitsi: Fargate Spot runs x86 tasks only: jitsi.cpu_architecture = ARM64 cannot go with",
    ),
    Bad(
        "arm64_bridges_on_spot",
        {"jitsi": {"cpu_architecture": "ARM64", "jvb": {"spot": True}}},
        "jitsi: Fargate Spot runs x86 tasks only",
    ),
    Bad(
        "autoscaling_min_above_max",
        {"jitsi": {"jvb": {"autoscaling": {"min_count": 4, "max_count": 2}}}},
        "jitsi.jvb.autoscaling: min_count (4) must not be above max_count (2)",
    ),
    Bad(
        "target_stress_above_1",
        {"jitsi": {"jvb": {"autoscaling": {"target_stress": 1.5}}}},
        "jitsi.jvb.autoscaling.target_stress: Input should be less than or equal to 1",
    ),
    Bad(
        "bad_layout",
        {"jitsi": {"layout": "big"}},
        "jitsi.layout: Input should be 'compact' or 'growth'",
    ),
    Bad(
        "shard_too_small_for_memory",
        {"jitsi": {"shard": {"cpu": 256, "memory": 3072}}},
        "jitsi.shard: cpu 256 with memory 3072 MiB is not a Fargate task size",
    ),
    Bad(
        "shard_cannot_hold_its_memory_budget",
        {"jitsi": {"shard": {"cpu": 512, "memory": 2048}}},
        "jitsi.shard: memory 2048 MiB cannot hold the shard's web, prosody, jicofo and bridge "
        "with their heaps: at least 2592 MiB",
    ),
    Bad(
        "bridge_cannot_hold_its_memory_budget",
        {"jitsi": {"jvb": {"cpu": 512, "memory": 1024}}},
        "jitsi.jvb: memory 1024 MiB cannot hold a bridge and its guard with the bridge's heap: "
        "at least 1472 MiB",
    ),
    Bad(
        "signaling_cannot_hold_its_memory_budget",
        {"jitsi": {"layout": "growth", "xmpp": {"cpu": 256, "memory": 512}}},
        "jitsi.xmpp: memory 512 MiB cannot hold prosody and jicofo with its heap: at least "
        "1008 MiB",
    ),
    Bad(
        "one_stun_server",
        {"jitsi": {"jvb": {"stun_servers": ["stun.l.google.com:19302"]}}},
        "jitsi.jvb.stun_servers: List should have at least 2 items",
    ),
    Bad(
        "stun_server_with_scheme",
        {"jitsi": {"jvb": {"stun_servers": ["stun.l.google.com:19302", "stun:x.org:3478"]}}},
        "jitsi.jvb.stun_servers.1: 'stun:x.org:3478' is not host:port of a STUN server",
        key="jitsi.jvb.stun_servers",
    ),
    Bad(
        "short_image_digest",
        {"jitsi": {"image": {"digests": {"web": "sha256:abc"}}}},
        "jitsi.image.digests.web: 'sha256:abc' is not an image digest",
        key="jitsi.image.digests",
    ),
    Bad(
        "digest_for_unknown_image",
        {"jitsi": {"image": {"digests": {"webb": "sha256:" + "a" * 64}}}},
        "jitsi.image.digests.webb.[key]: Input should be 'web', 'prosody', 'jicofo' or 'jvb'",
        key="jitsi.image.digests",
    ),
    Bad(
        "turn_without_certificate",
        {"jitsi": {"turn": {"enabled": True}}, "route53_zone_id": None, "certificate_arn": "arn:c"},
        "jitsi.turn needs a certificate for its host",
        key="jitsi.turn",
        deploy_only=True,
    ),
    Bad(
        "turn_image_by_moving_tag",
        {"jitsi": {"turn": {"image": "coturn/coturn:latest"}}},
        "jitsi.turn.image: 'coturn/coturn:latest' is not a pinned image",
    ),
    Bad(
        "no_certificate_source",
        {"route53_zone_id": None},
        "HTTPS needs a certificate: set certificate_arn",
        key="route53_zone_id",
        deploy_only=True,
    ),
]
