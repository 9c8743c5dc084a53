"""ECS services (safety nets, counts) and their task definitions (checks, secrets, logs, ADOT).

Which services exist and which containers each runs come from Terraform's outputs; what each
container must look like comes from the config: the rules below for Jitsi's containers, the
[services.*] block for an operator service's one container (`expected`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jitsi_ecs import config as config_rules
from jitsi_ecs.config import Config
from jitsi_ecs.outputs import SIGNALING
from jitsi_ecs.telemetry.sources import JICOFO_PORT, JVB_PORT
from jitsi_ecs.verify.result import Check, VerifyContext, compare, missing

# A plain environment variable with one of these in its name is a leaked secret.
SECRET_NAME = re.compile(config_rules.SECRET_NAME)
# Names that look like a secret but are not: web's TOKEN_AUTH_URL is the /auth/ page's public
# URL, which Jitsi puts in config.js for every browser.
NOT_SECRET = {"TOKEN_AUTH_URL"}
# The sidecar beside every bridge (the compact shard's too): not essential, no health check
# of its own, no secrets, no ADOT; the jitsi group checks what it runs.
GUARD = "guard"


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
        "jicofo": f"127.0.0.1:{JICOFO_PORT}/about/version",  # never /about/health (README)
        "jvb": f"127.0.0.1:{JVB_PORT}/about/health",
    }[container]


@dataclass(frozen=True)
class Expected:
    """What one container must look like."""

    probe: str  # part of its health check command
    secrets: list[str]  # names handed in through ECS secrets
    adot: bool  # given the collector-less ADOT variables


def expected(config: Config, service: str, container: str, web_port: int) -> Expected | None:
    """None for a container the config does not describe (a service deployed, then removed
    from the config without `up`)."""
    operator = config.services.get(service)
    if operator is not None:
        return Expected(
            f"http://127.0.0.1:{operator.port}{operator.health_path} ",
            sorted(operator.secrets),
            operator.adot,
        )
    if container == GUARD:
        return Expected("", [], False)
    if container not in expected_secrets(config):
        return None
    return Expected(
        health_probe(container, web_port),
        expected_secrets(config)[container],
        container in config.observability.adot_containers,
    )


def adot_expected(config: Config, container: str, enabled: bool) -> dict[str, str]:
    if not enabled:
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
    yield from autoscaling_checks(ctx)


def _service_checks(ctx: VerifyContext, key: str, service: Any) -> Iterator[Check]:
    config, outputs = ctx.config, ctx.outputs
    deploy = service.get("deploymentConfiguration", {})
    breaker = deploy.get("deploymentCircuitBreaker", {})
    yield compare(
        f"service.{key}.circuit-breaker",
        {"enable": True, "rollback": True},
        {"enable": breaker.get("enable"), "rollback": breaker.get("rollback")},
    )
    alarms = deploy.get("alarms") or {}
    wanted = sorted(outputs.deployment_alarms(key))
    enabled = bool(alarms.get("enable"))
    yield compare(
        f"service.{key}.deployment-alarms",
        {"alarms": wanted, "rollback": bool(wanted)},
        {
            "alarms": sorted(alarms.get("alarmNames", [])) if enabled else [],
            "rollback": enabled and bool(alarms.get("rollback")),
        },
        "the alarms that mean something for this service roll it back: web alone also on the "
        "ALB's 5xx; the shard (web beside signaling, replaced 0%/100%) on its target group's "
        "own 5xx and p99 only, since the ALB answers 503 while no target is healthy; "
        "signaling or bridges alone: the circuit breaker",
    )
    yield compare(
        f"service.{key}.grace-period",
        config.health_check.grace_period,
        service.get("healthCheckGracePeriodSeconds", 0),
    )
    counts = outputs.task_counts.get(key, {})
    desired = service.get("desiredCount")
    yield compare(
        f"service.{key}.desired-count",
        {"min": counts.get("min"), "max": counts.get("max")},
        {"min": counts.get("min"), "max": counts.get("max")}
        if desired is not None and counts.get("min", 0) <= desired <= counts.get("max", -1)
        else {"desired": desired},
        "tasks within what Application Auto Scaling may run while the stack is awake",
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


def autoscaling_checks(ctx: VerifyContext) -> Iterator[Check]:
    """Every Jitsi service's count is owned by Application Auto Scaling (an operator service's
    only with a schedule); bridges follow Stress."""
    outputs, config = ctx.outputs, ctx.config
    ids = [f"service/{outputs.cluster_name}/{name}" for name in outputs.service_names.values()]
    targets = {
        t["ResourceId"]: t
        for t in ctx.aws.autoscaling.describe_scalable_targets(
            ServiceNamespace="ecs", ResourceIds=ids
        )["ScalableTargets"]
    }
    policies = ctx.aws.autoscaling.describe_scaling_policies(ServiceNamespace="ecs")[
        "ScalingPolicies"
    ]
    for key, name in outputs.service_names.items():
        resource = f"service/{outputs.cluster_name}/{name}"
        counts = outputs.task_counts.get(key, {})
        target = targets.get(resource)
        # An operator service has a scalable target only to follow jitsi.schedule
        # (modules/schedule); without a schedule ECS keeps its count (desired-count above).
        operator = key in config.services or key in outputs.service_target_group_arns
        owned = not operator or config.jitsi.schedule is not None
        yield compare(
            f"service.{key}.scalable-target",
            {"min": counts.get("min"), "max": counts.get("max")} if owned else None,
            {"min": target.get("MinCapacity"), "max": target.get("MaxCapacity")}
            if target
            else None,
            "" if owned else "no schedule: the service keeps its desired count, no scaling",
        )
        if key not in outputs.autoscaled_services:
            continue
        tracking = [
            p["TargetTrackingScalingPolicyConfiguration"]
            for p in policies
            if p.get("ResourceId") == resource and p.get("PolicyType") == "TargetTrackingScaling"
        ]
        metric = tracking[0].get("CustomizedMetricSpecification", {}) if tracking else {}
        yield compare(
            f"service.{key}.autoscaling",
            {
                "metric": f"{config.observability.metric_namespace}/Stress",
                "target": config.jitsi.jvb.autoscaling.target_stress,
            },
            {
                "metric": f"{metric.get('Namespace')}/{metric.get('MetricName')}",
                "target": tracking[0].get("TargetValue"),
            }
            if tracking
            else None,
            "bridges follow their average Stress",
        )


def _task_checks(ctx: VerifyContext, service: str, task_def: Any) -> Iterator[Check]:
    containers = {c["name"]: c for c in task_def.get("containerDefinitions", [])}
    wanted_names = ctx.outputs.service_containers.get(service, [])
    observed_secrets: dict[str, Any] = {}
    secrets_wanted: dict[str, list[str]] = {}
    leaked: list[str] = []
    for name in wanted_names:
        spec = expected(ctx.config, service, name, ctx.outputs.web_port)
        container = containers.get(name)
        prefix = f"task.{service}.{name}"
        if spec is None:
            yield Check(
                f"{prefix}.config",
                "fail",
                f"[services.{service}] in the config",
                "deployed, not in the config",
                "run `jitsi-ecs up` to remove it, or put its block back",
            )
            continue
        secrets_wanted[name] = spec.secrets
        if container is None:
            yield missing(f"{prefix}.health-check", name, f"container {name}")
            continue
        env = {e["name"]: e.get("value", "") for e in container.get("environment", [])}
        observed_secrets[name] = sorted(s["name"] for s in container.get("secrets", []))
        leaked += [f"{name}:{k}" for k in env if SECRET_NAME.search(k) and k not in NOT_SECRET]

        # The sidecar (the bridge's guard) has no health check: its own checks are in the
        # jitsi group. (The shard's bridge is not essential either, but has one: its guard
        # heals it by it.)
        if name != GUARD:
            yield _health_check(ctx, prefix, container, spec.probe)
        log = container.get("logConfiguration", {})
        options = log.get("options", {})
        yield compare(
            f"{prefix}.logs",
            {
                "driver": "awslogs",
                "group": ctx.outputs.log_group_name,
                "stream_prefix": ctx.outputs.log_stream_prefix(name),
            },
            {
                "driver": log.get("logDriver"),
                "group": options.get("awslogs-group"),
                "stream_prefix": options.get("awslogs-stream-prefix"),
            },
        )
        wanted = adot_expected(ctx.config, name, spec.adot)
        seen = (
            {k: env.get(k) for k in wanted}
            if wanted
            else {k: v for k, v in env.items() if k.startswith("OTEL_")}
        )
        yield compare(f"{prefix}.adot", wanted, seen, "collector-less ADOT variables (FACTS.md)")
    yield compare(
        f"task.{service}.secrets",
        {"secrets": secrets_wanted, "plain_env_secrets": []},
        {"secrets": observed_secrets, "plain_env_secrets": sorted(leaked)},
        "secrets only through ECS `secrets`, never plain environment",
    )


def _health_check(ctx: VerifyContext, prefix: str, container: Any, probe: str) -> Check:
    hc = ctx.config.health_check.container
    check = container.get("healthCheck", {})
    command = " ".join(check.get("command", []))
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
