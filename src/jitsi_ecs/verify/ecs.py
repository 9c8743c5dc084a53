"""ECS services (safety nets, counts) and their task definitions (checks, secrets, logs, ADOT).

Which services exist and which containers each runs come from Terraform's outputs; what each
container must look like comes from the config and the rules below, keyed by container.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from jitsi_ecs.config import Config
from jitsi_ecs.verify.result import Check, VerifyContext, compare, missing

# A plain environment variable with one of these in its name is a leaked secret.
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE_KEY")
# The container that makes a service "signaling": one per shard, never two at once.
SIGNALING = "prosody"


def expected_secrets(config: Config) -> dict[str, list[str]]:
    prosody = ["JICOFO_AUTH_PASSWORD", "JVB_AUTH_PASSWORD"]
    if config.jitsi.auth_type == "jwt":
        prosody.append("JWT_APP_SECRET")
    if config.jitsi.turn.enabled:
        prosody.append("TURN_CREDENTIALS")
    return {
        "web": [],
        "prosody": sorted(prosody),
        "jicofo": ["JICOFO_AUTH_PASSWORD"],
        "jvb": ["JVB_AUTH_PASSWORD"],
    }


def health_probe(container: str, web_port: int) -> str:
    """What each container's check must call: something real, never web's /health page."""
    return {
        "web": f"http://127.0.0.1:{web_port}/ ",
        "prosody": "127.0.0.1:5280/health",
        "jicofo": "127.0.0.1:8888/about/",
        "jvb": "127.0.0.1:8080/about/health",
    }[container]


def adot_expected(config: Config, container: str) -> dict[str, str]:
    if container not in config.observability.adot_containers:
        return {}
    region, obs = config.region, config.observability
    return {
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"https://xray.{region}.amazonaws.com/v1/traces",
        "OTEL_LOGS_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": f"https://logs.{region}.amazonaws.com/v1/logs",
        "OTEL_EXPORTER_OTLP_LOGS_HEADERS": (
            f"x-aws-log-group={obs.log_group_name},x-aws-log-stream=otel/{container},"
            f"x-aws-metric-namespace={obs.metric_namespace}"
        ),
        "OTEL_METRICS_EXPORTER": "awsemf",
    }


def checks(ctx: VerifyContext) -> Iterator[Check]:
    outputs = ctx.outputs
    for key, name in outputs.service_names.items():
        service = ctx.aws.service(outputs.cluster_name, name)
        if service is None:
            yield missing(f"service.{key}", "ACTIVE", f"ECS service {name}")
            continue
        yield from _service_checks(ctx, key, service)
        task_def: Any = ctx.aws.task_definition(service["taskDefinition"])
        yield from _task_checks(ctx, key, task_def)


def _service_checks(ctx: VerifyContext, key: str, service: Any) -> Iterator[Check]:
    config, outputs = ctx.config, ctx.outputs
    deploy = service.get("deploymentConfiguration", {})
    breaker = deploy.get("deploymentCircuitBreaker", {})
    yield compare(
        f"service.{key}.circuit-breaker",
        {"enable": True, "rollback": True},
        {"enable": breaker.get("enable"), "rollback": breaker.get("rollback")},
    )
    alarms = deploy.get("alarms", {})
    yield compare(
        f"service.{key}.deployment-alarms",
        {"enable": True, "rollback": True, "alarms": sorted(outputs.deployment_alarm_names)},
        {
            "enable": alarms.get("enable"),
            "rollback": alarms.get("rollback"),
            "alarms": sorted(alarms.get("alarmNames", [])),
        },
    )
    yield compare(
        f"service.{key}.grace-period",
        config.health_check.grace_period,
        service.get("healthCheckGracePeriodSeconds", 0),
    )
    yield compare(
        f"service.{key}.desired-count", outputs.desired_counts.get(key), service.get("desiredCount")
    )
    signaling = SIGNALING in outputs.service_containers.get(key, [])
    if signaling:
        # The invariant: exactly one prosody + jicofo per shard, never two at once.
        yield compare(
            f"service.{key}.one-signaling-task",
            {"desired": 1, "min": 0, "max": 100},
            {
                "desired": service.get("desiredCount"),
                "min": deploy.get("minimumHealthyPercent"),
                "max": deploy.get("maximumPercent"),
            },
            "one prosody + jicofo per shard: desired 1, deployed 0%/100% so two never run",
        )
    else:
        yield compare(
            f"service.{key}.deployment-percent",
            {"min": 100, "max": 200},
            {"min": deploy.get("minimumHealthyPercent"), "max": deploy.get("maximumPercent")},
            "stateless: new tasks start before old ones stop",
        )


def _task_checks(ctx: VerifyContext, service: str, task_def: Any) -> Iterator[Check]:
    containers = {c["name"]: c for c in task_def.get("containerDefinitions", [])}
    secrets_wanted = expected_secrets(ctx.config)
    wanted_names = ctx.outputs.service_containers.get(service, [])
    observed_secrets: dict[str, Any] = {}
    leaked: list[str] = []
    for name in wanted_names:
        container = containers.get(name)
        prefix = f"task.{service}.{name}"
        if container is None:
            yield missing(f"{prefix}.health-check", name, f"container {name}")
            continue
        env = {e["name"]: e.get("value", "") for e in container.get("environment", [])}
        observed_secrets[name] = sorted(s["name"] for s in container.get("secrets", []))
        leaked += [f"{name}:{k}" for k in env if SECRET_NAME.search(k)]

        # A sidecar (the bridge's guard) is not essential: its health decides nothing, and
        # its own checks are in the jitsi group.
        if container.get("essential", True):
            yield _health_check(ctx, prefix, name, container)
        log = container.get("logConfiguration", {})
        options = log.get("options", {})
        yield compare(
            f"{prefix}.logs",
            {
                "driver": "awslogs",
                "group": ctx.outputs.log_group_name,
                "stream_prefix": name,
            },
            {
                "driver": log.get("logDriver"),
                "group": options.get("awslogs-group"),
                "stream_prefix": options.get("awslogs-stream-prefix"),
            },
        )
        wanted = adot_expected(ctx.config, name)
        seen = (
            {k: env.get(k) for k in wanted}
            if wanted
            else {k: v for k, v in env.items() if k.startswith("OTEL_")}
        )
        yield compare(f"{prefix}.adot", wanted, seen, "collector-less ADOT variables (FACTS.md)")
    yield compare(
        f"task.{service}.secrets",
        {
            "secrets": {n: secrets_wanted.get(n, []) for n in wanted_names},
            "plain_env_secrets": [],
        },
        {"secrets": observed_secrets, "plain_env_secrets": sorted(leaked)},
        "secrets only through ECS `secrets`, never plain environment",
    )


def _health_check(ctx: VerifyContext, prefix: str, name: str, container: Any) -> Check:
    hc = ctx.config.health_check.container
    check = container.get("healthCheck", {})
    command = " ".join(check.get("command", []))
    probe = health_probe(name, ctx.outputs.web_port)
    return compare(
        f"{prefix}.health-check",
        {
            "interval": hc.interval,
            "timeout": hc.timeout,
            "retries": hc.retries,
            "start_period": hc.start_period,
            "probe": probe,
        },
        {
            "interval": check.get("interval"),
            "timeout": check.get("timeout"),
            "retries": check.get("retries"),
            "start_period": check.get("startPeriod"),
            "probe": probe if probe in command else command,
        },
    )
