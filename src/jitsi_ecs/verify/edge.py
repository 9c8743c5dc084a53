"""ALB: listeners, redirect, TLS policy, each service's rule, target group health checks."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from jitsi_ecs.aws import or_none
from jitsi_ecs.verify.result import Check, VerifyContext, compare, missing


def _listeners(ctx: VerifyContext) -> dict[int, Any]:
    found = ctx.aws.elbv2.describe_listeners(LoadBalancerArn=ctx.outputs.alb_arn)["Listeners"]
    return {int(listener["Port"]): listener for listener in found}


def health_settings(tg: Any) -> dict[str, Any]:
    """A target group's health check as verify compares it."""
    return {
        "path": tg.get("HealthCheckPath"),
        "interval": tg.get("HealthCheckIntervalSeconds"),
        "timeout": tg.get("HealthCheckTimeoutSeconds"),
        "healthy_threshold": tg.get("HealthyThresholdCount"),
        "unhealthy_threshold": tg.get("UnhealthyThresholdCount"),
    }


def checks(ctx: VerifyContext) -> Iterator[Check]:
    listeners = _listeners(ctx)
    https, http = listeners.get(443), listeners.get(80)

    if https is None:
        yield missing("edge.https-listener", {"port": 443, "protocol": "HTTPS"}, "listener 443")
    else:
        yield compare(
            "edge.https-listener",
            {"port": 443, "protocol": "HTTPS", "certificate": True},
            {
                "port": 443,
                "protocol": https["Protocol"],
                "certificate": bool(https.get("Certificates")),
            },
        )
        yield compare("edge.tls-policy", ctx.config.ssl_policy, https.get("SslPolicy"))
        default = https["DefaultActions"][0]
        yield compare(
            "edge.default-route",
            {"type": "forward", "target_group": ctx.outputs.web_target_group_arn},
            {"type": default["Type"], "target_group": default.get("TargetGroupArn")},
            "Jitsi web is the default action (it must live at the root path)",
        )
        yield from _service_rules(ctx, https["ListenerArn"])

    if http is None:
        yield missing("edge.http-redirect", {"port": 80}, "listener 80")
    else:
        action = http["DefaultActions"][0]
        redirect = action.get("RedirectConfig", {})
        yield compare(
            "edge.http-redirect",
            {"type": "redirect", "protocol": "HTTPS", "port": "443", "status": "HTTP_301"},
            {
                "type": action["Type"],
                "protocol": redirect.get("Protocol"),
                "port": redirect.get("Port"),
                "status": redirect.get("StatusCode"),
            },
        )

    yield from _target_groups(ctx)


def _service_rules(ctx: VerifyContext, listener_arn: str) -> Iterator[Check]:
    """Each operator service's listener rule: its priority and paths, to its target group."""
    rules = ctx.aws.elbv2.describe_rules(ListenerArn=listener_arn)["Rules"]
    by_tg: dict[str, Any] = {}
    for each in rules:
        if each.get("IsDefault"):  # the default action has its own check (edge.default-route)
            continue
        for action in each.get("Actions", []):
            if action.get("TargetGroupArn"):
                by_tg[action["TargetGroupArn"]] = each
    target_groups = ctx.outputs.service_target_group_arns
    for name, service in ctx.config.services.items():
        check_id = f"edge.service.{name}"
        expected = {"priority": str(service.priority), "paths": sorted(service.path_patterns)}
        rule = by_tg.get(target_groups.get(name, ""))
        if rule is None:
            yield missing(check_id, expected, f"listener rule for service {name}")
            continue
        paths = [
            v
            for cond in rule.get("Conditions", [])
            if cond.get("Field") == "path-pattern"
            for v in cond.get("PathPatternConfig", {}).get("Values", cond.get("Values", []))
        ]
        yield compare(check_id, expected, {"priority": rule["Priority"], "paths": sorted(paths)})


def _target_groups(ctx: VerifyContext) -> Iterator[Check]:
    elb = ctx.aws.elbv2
    tg_check = ctx.config.health_check.target_group
    wanted: dict[str, tuple[str | None, str]] = {
        "tg.web.health-check": (ctx.outputs.web_target_group_arn, tg_check.path),
    }
    for name, service in ctx.config.services.items():
        arn = ctx.outputs.service_target_group_arns.get(name)
        wanted[f"tg.service.{name}.health-check"] = (arn, service.health_path)
    for check_id, (arn, path) in wanted.items():
        expected = {
            "path": path,
            "interval": tg_check.interval,
            "timeout": tg_check.timeout,
            "healthy_threshold": tg_check.healthy_threshold,
            "unhealthy_threshold": tg_check.unhealthy_threshold,
        }
        found = or_none(partial(elb.describe_target_groups, TargetGroupArns=[arn])) if arn else None
        tg = found["TargetGroups"][0] if found else None
        if tg is None:
            yield missing(check_id, expected, f"target group {arn}")
            continue
        yield compare(check_id, expected, health_settings(tg))
