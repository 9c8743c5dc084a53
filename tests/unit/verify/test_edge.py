"""verify's edge group against a real ALB in moto: listeners, TLS, each operator service's
listener rule, target groups."""

from __future__ import annotations

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.verify import edge
from tests.unit.deployed import CONFIG, REGION, Deployed, by_id, failed
from tests.unit.deployed import edge as build

IDS = {
    "edge.https-listener",
    "edge.tls-policy",
    "edge.default-route",
    "edge.service.api",
    "edge.http-redirect",
    "tg.web.health-check",
    "tg.service.api.health-check",
}


@pytest.fixture
def d(deployed: Deployed) -> Deployed:
    return build(deployed)


def _checks(d: Deployed, config: Config | None = None, **outputs: object) -> dict:
    return by_id(edge.checks(d.context(config, **outputs)))


def test_the_deployed_edge_passes(d: Deployed) -> None:
    checks = _checks(d)
    assert set(checks) == IDS
    assert failed(checks) == set()
    assert checks["edge.tls-policy"].observed == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert checks["edge.service.api"].observed == {"priority": "40", "paths": ["/api/v1/*"]}


def test_a_weaker_tls_policy_fails(d: Deployed) -> None:
    d.aws.elbv2.modify_listener(
        ListenerArn=d.outputs["https_listener_arn"], SslPolicy="ELBSecurityPolicy-2016-08"
    )
    checks = _checks(d)
    assert failed(checks) == {"edge.tls-policy"}
    assert checks["edge.tls-policy"].expected == CONFIG.ssl_policy
    assert checks["edge.tls-policy"].observed == "ELBSecurityPolicy-2016-08"


def test_a_missing_https_listener_fails_once_and_hides_what_hangs_off_it(d: Deployed) -> None:
    d.aws.elbv2.delete_listener(ListenerArn=d.outputs["https_listener_arn"])
    checks = _checks(d)
    assert failed(checks) == {"edge.https-listener"}
    assert checks["edge.https-listener"].observed is None
    assert checks["edge.https-listener"].detail == "listener 443 not found"
    # TLS policy, default route and service rules live on that listener: not reported twice.
    assert set(checks) == IDS - {"edge.tls-policy", "edge.default-route", "edge.service.api"}


def test_a_missing_http_listener_fails(d: Deployed) -> None:
    d.aws.elbv2.delete_listener(ListenerArn=d.outputs["http_listener_arn"])
    checks = _checks(d)
    assert failed(checks) == {"edge.http-redirect"}
    assert checks["edge.http-redirect"].detail == "listener 80 not found"


def test_http_that_forwards_instead_of_redirecting_fails(d: Deployed) -> None:
    d.aws.elbv2.modify_listener(
        ListenerArn=d.outputs["http_listener_arn"],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": d.outputs["web_target_group_arn"]}],
    )
    checks = _checks(d)
    assert failed(checks) == {"edge.http-redirect"}
    assert checks["edge.http-redirect"].observed["type"] == "forward"


def test_a_temporary_redirect_fails(d: Deployed) -> None:
    d.aws.elbv2.modify_listener(
        ListenerArn=d.outputs["http_listener_arn"],
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_302"},
            }
        ],
    )
    checks = _checks(d)
    assert failed(checks) == {"edge.http-redirect"}
    assert checks["edge.http-redirect"].observed["status"] == "HTTP_302"


def test_default_action_to_another_service_fails_only_the_default_route(d: Deployed) -> None:
    api = d.outputs["service_target_group_arns"]["api"]
    d.aws.elbv2.modify_listener(
        ListenerArn=d.outputs["https_listener_arn"],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": api}],
    )
    checks = _checks(d)
    assert failed(checks) == {"edge.default-route"}
    assert checks["edge.default-route"].observed == {"type": "forward", "target_group": api}
    # The api service's own rule is intact; the listener's default rule is not a service's.
    assert checks["edge.service.api"].observed == {"priority": "40", "paths": ["/api/v1/*"]}


def test_a_deleted_service_rule_fails(d: Deployed) -> None:
    rules = d.aws.elbv2.describe_rules(ListenerArn=d.outputs["https_listener_arn"])["Rules"]
    for rule in rules:
        if not rule["IsDefault"]:
            d.aws.elbv2.delete_rule(RuleArn=rule["RuleArn"])
    checks = _checks(d)
    assert failed(checks) == {"edge.service.api"}
    assert checks["edge.service.api"].detail == "listener rule for service api not found"


def test_a_service_rule_with_other_paths_or_priority_fails(d: Deployed) -> None:
    rules = d.aws.elbv2.describe_rules(ListenerArn=d.outputs["https_listener_arn"])["Rules"]
    rule = next(r for r in rules if not r["IsDefault"])
    d.aws.elbv2.modify_rule(
        RuleArn=rule["RuleArn"],
        Conditions=[{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}}],
    )
    d.aws.elbv2.set_rule_priorities(RulePriorities=[{"RuleArn": rule["RuleArn"], "Priority": 7}])
    checks = _checks(d)
    assert failed(checks) == {"edge.service.api"}
    assert checks["edge.service.api"].observed == {"priority": "7", "paths": ["/api/*"]}


def test_a_configured_service_that_was_never_deployed_fails(d: Deployed) -> None:
    stream = {**CONFIG.services["api"].model_dump(), "path_patterns": ["/stream/*"], "priority": 41}
    config = Config.model_validate(
        {**CONFIG.model_dump(), "services": {**CONFIG.model_dump()["services"], "stream": stream}}
    )
    checks = _checks(d, config)
    assert failed(checks) == {"edge.service.stream", "tg.service.stream.health-check"}
    assert checks["edge.service.stream"].detail == "listener rule for service stream not found"
    assert checks["tg.service.stream.health-check"].observed is None


def test_web_health_check_on_the_room_page_fails(d: Deployed) -> None:
    d.aws.elbv2.modify_target_group(
        TargetGroupArn=d.outputs["web_target_group_arn"], HealthCheckPath="/health"
    )
    checks = _checks(d)
    assert failed(checks) == {"tg.web.health-check"}
    assert checks["tg.web.health-check"].observed["path"] == "/health"
    assert checks["tg.web.health-check"].expected["path"] == "/"


def test_a_changed_threshold_in_the_config_fails_every_target_group(d: Deployed) -> None:
    config = Config.model_validate(
        {**CONFIG.model_dump(), "health_check": {"target_group": {"unhealthy_threshold": 5}}}
    )
    checks = _checks(d, config)
    assert failed(checks) == {"tg.web.health-check", "tg.service.api.health-check"}
    assert checks["tg.web.health-check"].observed["unhealthy_threshold"] == 3


def test_a_missing_target_group_fails(d: Deployed) -> None:
    gone = f"arn:aws:elasticloadbalancing:{REGION}:123456789012:targetgroup/gone/0123456789abcdef"
    checks = _checks(d, service_target_group_arns={"api": gone})
    assert "tg.service.api.health-check" in failed(checks)
    assert checks["tg.service.api.health-check"].detail == f"target group {gone} not found"
