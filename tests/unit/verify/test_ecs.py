"""verify's ecs group against real ECS services and task definitions in moto: safety nets,
counts, the signaling invariant, container checks, secrets, logs and ADOT variables."""

from __future__ import annotations

from typing import Any

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.verify import ecs
from jitsi_ecs.verify.result import Check
from tests.unit.deployed import (
    CONFIG,
    DEPLOYMENT_ALARMS,
    NAME,
    Deployed,
    by_id,
    containers,
    deployment_configuration,
    failed,
    redeploy,
    update_service,
)
from tests.unit.deployed import ecs as build

SERVICE_IDS = {
    f"service.{s}.{c}"
    for s in ("web", "xmpp", "jvb")
    for c in ("circuit-breaker", "deployment-alarms", "grace-period", "desired-count")
} | {"service.web.deployment-percent", "service.jvb.deployment-percent"}
SERVICE_IDS.add("service.xmpp.one-signaling-task")
TASK_IDS = {
    f"task.{s}.{c}.{k}"
    for s, cs in (("web", ["web"]), ("xmpp", ["prosody", "jicofo"]), ("jvb", ["jvb"]))
    for c in cs
    for k in ("health-check", "logs", "adot")
} | {"task.web.secrets", "task.xmpp.secrets", "task.jvb.secrets"}


@pytest.fixture
def d(deployed: Deployed) -> Deployed:
    return build(deployed)


def _checks(d: Deployed, config: Config | None = None, **outputs: Any) -> dict[str, Check]:
    return by_id(ecs.checks(d.context(config, **outputs)))


def _with(d: Deployed, service: str, container: str, **changes: Any) -> list[dict[str, Any]]:
    """The service's container definitions with one container changed."""
    defs = containers(d, service)
    for each in defs:
        if each["name"] == container:
            each.update(changes)
    return defs


def test_the_deployed_services_pass(d: Deployed) -> None:
    checks = _checks(d)
    assert set(checks) == SERVICE_IDS | TASK_IDS
    assert failed(checks) == set()
    assert checks["task.xmpp.secrets"].observed == {
        "secrets": {
            "prosody": ["JICOFO_AUTH_PASSWORD", "JVB_AUTH_PASSWORD", "JWT_APP_SECRET"],
            "jicofo": ["JICOFO_AUTH_PASSWORD"],
        },
        "plain_env_secrets": [],
    }


def test_a_service_without_circuit_breaker_fails(d: Deployed) -> None:
    config = deployment_configuration("web")
    config["deploymentCircuitBreaker"] = {"enable": False, "rollback": False}
    update_service(d, "web", deploymentConfiguration=config)
    checks = _checks(d)
    assert failed(checks) == {"service.web.circuit-breaker"}
    assert checks["service.web.circuit-breaker"].observed == {"enable": False, "rollback": False}


def test_a_breaker_that_does_not_roll_back_fails(d: Deployed) -> None:
    config = deployment_configuration("jvb")
    config["deploymentCircuitBreaker"] = {"enable": True, "rollback": False}
    update_service(d, "jvb", deploymentConfiguration=config)
    assert failed(_checks(d)) == {"service.jvb.circuit-breaker"}


def test_deployment_alarms_off_or_incomplete_fail(d: Deployed) -> None:
    web = deployment_configuration("web")
    web["alarms"] = {"alarmNames": DEPLOYMENT_ALARMS[:1], "enable": True, "rollback": True}
    update_service(d, "web", deploymentConfiguration=web)
    jvb = deployment_configuration("jvb")
    jvb["alarms"] = {"alarmNames": DEPLOYMENT_ALARMS, "enable": True, "rollback": False}
    update_service(d, "jvb", deploymentConfiguration=jvb)
    checks = _checks(d)
    assert failed(checks) == {"service.web.deployment-alarms", "service.jvb.deployment-alarms"}
    assert checks["service.web.deployment-alarms"].observed["alarms"] == [f"{NAME}-target-5xx"]


def test_a_shorter_grace_period_fails(d: Deployed) -> None:
    update_service(d, "xmpp", healthCheckGracePeriodSeconds=30)
    checks = _checks(d)
    assert failed(checks) == {"service.xmpp.grace-period"}
    assert (
        checks["service.xmpp.grace-period"].expected,
        checks["service.xmpp.grace-period"].observed,
    ) == (120, 30)


def test_web_scaled_by_hand_fails_its_desired_count(d: Deployed) -> None:
    update_service(d, "web", desiredCount=2)
    checks = _checks(d)
    assert failed(checks) == {"service.web.desired-count"}
    assert checks["service.web.desired-count"].observed == 2


def test_two_signaling_tasks_fail_the_invariant(d: Deployed) -> None:
    update_service(d, "xmpp", desiredCount=2)
    checks = _checks(d)
    assert failed(checks) == {"service.xmpp.desired-count", "service.xmpp.one-signaling-task"}
    assert checks["service.xmpp.one-signaling-task"].observed == {
        "desired": 2,
        "min": 0,
        "max": 100,
    }


def test_signaling_deployed_like_a_stateless_service_fails(d: Deployed) -> None:
    # 100% / 200% starts the new prosody before the old one stops: two shards for a while.
    config = deployment_configuration("xmpp")
    config.update(minimumHealthyPercent=100, maximumPercent=200)
    update_service(d, "xmpp", deploymentConfiguration=config)
    checks = _checks(d)
    assert failed(checks) == {"service.xmpp.one-signaling-task"}
    assert checks["service.xmpp.one-signaling-task"].observed == {
        "desired": 1,
        "min": 100,
        "max": 200,
    }


def test_a_stateless_service_that_stops_before_starting_fails(d: Deployed) -> None:
    config = deployment_configuration("web")
    config.update(minimumHealthyPercent=50, maximumPercent=100)
    update_service(d, "web", deploymentConfiguration=config)
    checks = _checks(d)
    assert failed(checks) == {"service.web.deployment-percent"}


def test_the_signaling_rule_follows_the_prosody_container_not_the_name(d: Deployed) -> None:
    # Outputs say web runs prosody: it is then held to the one-task rule (and its tasks are
    # checked for a prosody container that is not there).
    containers_ = {"web": ["prosody"], "xmpp": ["prosody", "jicofo"], "jvb": ["jvb"]}
    checks = _checks(d, service_containers=containers_)
    assert "service.web.one-signaling-task" in failed(checks)
    assert "service.web.deployment-percent" not in checks
    assert checks["task.web.prosody.health-check"].detail == "container prosody not found"


def test_a_secret_in_plain_environment_fails(d: Deployed) -> None:
    env = [{"name": "JVB_AUTH_PASSWORD", "value": "leaked"}]
    redeploy(d, "jvb", _with(d, "jvb", "jvb", environment=env))
    checks = _checks(d)
    assert failed(checks) == {"task.jvb.secrets"}
    assert checks["task.jvb.secrets"].observed["plain_env_secrets"] == ["jvb:JVB_AUTH_PASSWORD"]


@pytest.mark.parametrize("name", ["JWT_APP_SECRET", "SOME_TOKEN", "TLS_PRIVATE_KEY"])
def test_any_secret_looking_variable_is_a_leak(d: Deployed, name: str) -> None:
    redeploy(d, "web", _with(d, "web", "web", environment=[{"name": name, "value": "x"}]))
    assert failed(_checks(d)) == {"task.web.secrets"}


def test_a_secret_missing_from_ecs_secrets_fails(d: Deployed) -> None:
    defs = containers(d, "xmpp")
    defs[0]["secrets"] = [s for s in defs[0]["secrets"] if s["name"] != "JWT_APP_SECRET"]
    redeploy(d, "xmpp", defs)
    checks = _checks(d)
    assert failed(checks) == {"task.xmpp.secrets"}
    assert checks["task.xmpp.secrets"].observed["secrets"]["prosody"] == [
        "JICOFO_AUTH_PASSWORD",
        "JVB_AUTH_PASSWORD",
    ]


def test_without_jwt_prosody_must_not_hold_the_jwt_secret(d: Deployed) -> None:
    config = Config.model_validate(
        {**CONFIG.model_dump(), "jitsi": {"auth_type": "none"}, "auth": {"enabled": False}}
    )
    checks = _checks(d, config)
    assert failed(checks) == {"task.xmpp.secrets"}


def test_web_checked_on_the_room_page_fails(d: Deployed) -> None:
    hc = containers(d, "web")[0]["healthCheck"]
    hc = {**hc, "command": ["CMD-SHELL", "curl -f http://127.0.0.1:80/health || exit 1"]}
    redeploy(d, "web", _with(d, "web", "web", healthCheck=hc))
    checks = _checks(d)
    assert failed(checks) == {"task.web.web.health-check"}
    check = checks["task.web.web.health-check"]
    assert check.expected["probe"] == "http://127.0.0.1:80/ "
    assert check.observed["probe"] == "CMD-SHELL curl -f http://127.0.0.1:80/health || exit 1"


def test_jicofo_checked_on_about_health_fails(d: Deployed) -> None:
    # /about/health fails whenever no bridge is connected: it would take signaling down.
    defs = containers(d, "xmpp")
    defs[1]["healthCheck"] = {
        **defs[1]["healthCheck"],
        "command": ["CMD-SHELL", "curl -f http://127.0.0.1:8888/about/health || exit 1"],
    }
    redeploy(d, "xmpp", defs)
    checks = _checks(d)
    assert failed(checks) == {"task.xmpp.jicofo.health-check"}
    assert checks["task.xmpp.jicofo.health-check"].expected["probe"] == (
        "127.0.0.1:8888/about/version"
    )


def test_a_container_check_with_other_timings_fails(d: Deployed) -> None:
    hc = {**containers(d, "jvb")[0]["healthCheck"], "retries": 10, "startPeriod": 0}
    redeploy(d, "jvb", _with(d, "jvb", "jvb", healthCheck=hc))
    checks = _checks(d)
    assert failed(checks) == {"task.jvb.jvb.health-check"}
    assert checks["task.jvb.jvb.health-check"].observed["retries"] == 10


def test_a_container_without_health_check_fails(d: Deployed) -> None:
    defs = containers(d, "jvb")
    del defs[0]["healthCheck"]
    redeploy(d, "jvb", defs)
    checks = _checks(d)
    assert failed(checks) == {"task.jvb.jvb.health-check"}
    assert checks["task.jvb.jvb.health-check"].observed["interval"] is None


def test_a_missing_container_fails(d: Deployed) -> None:
    redeploy(d, "xmpp", containers(d, "xmpp")[:1])
    checks = _checks(d)
    assert checks["task.xmpp.jicofo.health-check"].detail == "container jicofo not found"
    assert failed(checks) == {"task.xmpp.jicofo.health-check", "task.xmpp.secrets"}
    assert "task.xmpp.jicofo.logs" not in checks


def test_logs_to_another_group_or_prefix_fail(d: Deployed) -> None:
    log = containers(d, "web")[0]["logConfiguration"]
    log = {**log, "options": {**log["options"], "awslogs-group": "/ecs/other"}}
    redeploy(d, "web", _with(d, "web", "web", logConfiguration=log))
    prefix = containers(d, "jvb")[0]["logConfiguration"]
    prefix = {**prefix, "options": {**prefix["options"], "awslogs-stream-prefix": "ecs"}}
    redeploy(d, "jvb", _with(d, "jvb", "jvb", logConfiguration=prefix))
    checks = _checks(d)
    assert failed(checks) == {"task.web.web.logs", "task.jvb.jvb.logs"}
    assert checks["task.jvb.jvb.logs"].observed["stream_prefix"] == "ecs"


def test_adot_variables_are_required_where_configured(d: Deployed) -> None:
    config = Config.model_validate(
        {**CONFIG.model_dump(), "observability": {"adot_containers": ["jvb"]}}
    )
    checks = _checks(d, config)
    assert failed(checks) == {"task.jvb.jvb.adot"}
    expected = ecs.adot_expected(config, "jvb")
    env = [{"name": k, "value": v} for k, v in expected.items()]
    redeploy(d, "jvb", _with(d, "jvb", "jvb", environment=env))
    assert failed(_checks(d, config)) == set()


def test_stray_otel_variables_fail_where_adot_is_not_configured(d: Deployed) -> None:
    env = [{"name": "OTEL_TRACES_EXPORTER", "value": "otlp"}]
    redeploy(d, "web", _with(d, "web", "web", environment=env))
    checks = _checks(d)
    assert failed(checks) == {"task.web.web.adot"}
    assert checks["task.web.web.adot"].observed == {"OTEL_TRACES_EXPORTER": "otlp"}


def test_a_deleted_service_fails_once(d: Deployed) -> None:
    d.aws.ecs.delete_service(cluster=NAME, service="jvb", force=True)
    checks = _checks(d)
    assert failed(checks) == {"service.jvb"}
    assert checks["service.jvb"].detail == "ECS service jvb not found"
    assert not [i for i in checks if i.startswith(("service.jvb.", "task.jvb."))]
