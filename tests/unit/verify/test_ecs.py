"""verify's ecs group: what each container must look like (Jitsi's from the rules, an operator
service's from its block), then against real ECS services, task definitions and scalable targets
in moto: safety nets, counts, the signaling invariant, autoscaling, container checks, secrets,
logs and ADOT variables, in both layouts."""

from __future__ import annotations

from typing import Any

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.verify import ecs
from jitsi_ecs.verify.ecs import Expected, expected
from jitsi_ecs.verify.result import Check
from tests.bad_configs import service
from tests.unit.deployed import (
    CONFIG,
    GROWTH,
    NAME,
    SHARD_DEPLOYMENT_ALARMS,
    WEB_DEPLOYMENT_ALARMS,
    Deployed,
    all_services,
    by_id,
    containers,
    deployment_configuration,
    failed,
    redeploy,
    stress_policy,
    update_service,
)
from tests.unit.deployed import ecs as build

# ---------------------------------------------------------------- expected containers


def test_an_operator_service_is_held_to_its_own_block() -> None:
    config = Config(services={"api": service(secrets=["API_KEY"], adot=True, health_path="/up")})
    assert expected(config, "api", "api", 80) == Expected(
        "http://127.0.0.1:8004/up ", ["API_KEY"], True
    )


def test_jitsi_containers_keep_their_rules() -> None:
    web = expected(Config(), "web", "web", 80)
    assert web is not None and web.probe == "http://127.0.0.1:80/ " and web.secrets == []


def test_a_deployed_service_missing_from_the_config_is_not_guessed() -> None:
    assert expected(Config(), "api", "api", 80) is None


# ---------------------------------------------------------------- against moto


def ids(config: Config) -> set[str]:
    """Every check id the ecs group makes for a deployment of config."""
    found = set()
    for key, names in all_services(config).items():
        found |= {
            f"service.{key}.{c}"
            for c in ("circuit-breaker", "deployment-alarms", "grace-period", "desired-count")
        }
        found.add(f"service.{key}.scalable-target")
        signaling = "prosody" in names
        found.add(f"service.{key}.{'one-signaling-task' if signaling else 'deployment-percent'}")
        found |= {f"task.{key}.{c}.{k}" for c in names for k in ("health-check", "logs", "adot")}
        if "jvb" in names:  # the bridge's guard: not essential, so no health check of its own
            found |= {f"task.{key}.guard.{k}" for k in ("logs", "adot")}
        found.add(f"task.{key}.secrets")
    return found | {"service.jvb.autoscaling"}


@pytest.fixture
def d(deployed: Deployed) -> Deployed:
    return build(deployed)


@pytest.fixture
def growth(deployed: Deployed) -> Deployed:
    deployed.config = GROWTH
    return build(deployed)


def _checks(d: Deployed, config: Config | None = None, **outputs: Any) -> dict[str, Check]:
    return by_id(ecs.checks(d.context(config, **outputs)))


def _config(**changes: Any) -> Config:
    return Config.model_validate({**CONFIG.model_dump(), **changes})


def _with(d: Deployed, service: str, container: str, **changes: Any) -> list[dict[str, Any]]:
    """The service's container definitions with one container changed."""
    defs = containers(d, service)
    for each in defs:
        if each["name"] == container:
            each.update(changes)
    return defs


def test_the_deployed_services_pass(d: Deployed) -> None:
    checks = _checks(d)
    assert set(checks) == ids(CONFIG)
    assert {i.split(".")[1] for i in checks} == {"shard", "jvb", "api"}
    assert failed(checks) == set()
    assert checks["task.shard.secrets"].observed == {
        "secrets": {
            "web": [],
            "prosody": ["JICOFO_AUTH_PASSWORD", "JVB_AUTH_PASSWORD", "JWT_APP_SECRET"],
            "jicofo": ["JICOFO_AUTH_PASSWORD"],
            "jvb": ["JVB_AUTH_PASSWORD"],
            "guard": [],
        },
        "plain_env_secrets": [],
    }
    # The bridges alone: none while idle (the shard runs one), two more at most.
    assert checks["service.jvb.desired-count"].observed == {"min": 0, "max": 2}
    assert checks["service.jvb.autoscaling"].observed == {"metric": "Jitsi/Stress", "target": 0.6}
    assert checks["task.api.api.health-check"].observed["probe"] == (
        "http://127.0.0.1:8004/api/v1/health "
    )
    assert checks["task.api.secrets"].observed["secrets"] == {"api": ["API_KEY"]}


def test_the_growth_layout_passes(growth: Deployed) -> None:
    checks = _checks(growth)
    assert set(checks) == ids(GROWTH)
    assert {i.split(".")[1] for i in checks} == {"web", "xmpp", "jvb", "api"}
    assert failed(checks) == set()
    assert checks["service.web.deployment-alarms"].observed == {
        "alarms": sorted(WEB_DEPLOYMENT_ALARMS),
        "rollback": True,
    }
    assert checks["service.jvb.desired-count"].observed == {"min": 1, "max": 3}
    # A bridge release that cannot join the brewery rolls back (telemetry's alarm).
    assert checks["service.jvb.deployment-alarms"].observed == {
        "alarms": [f"{NAME}-bridges-not-joined"],
        "rollback": True,
    }
    assert checks["service.xmpp.deployment-alarms"].observed == {"alarms": [], "rollback": False}


def test_a_service_without_circuit_breaker_fails(d: Deployed) -> None:
    config = deployment_configuration(d, "shard")
    config["deploymentCircuitBreaker"] = {"enable": False, "rollback": False}
    update_service(d, "shard", deploymentConfiguration=config)
    checks = _checks(d)
    assert failed(checks) == {"service.shard.circuit-breaker"}
    assert checks["service.shard.circuit-breaker"].observed == {"enable": False, "rollback": False}


def test_a_breaker_that_does_not_roll_back_fails(d: Deployed) -> None:
    config = deployment_configuration(d, "jvb")
    config["deploymentCircuitBreaker"] = {"enable": True, "rollback": False}
    update_service(d, "jvb", deploymentConfiguration=config)
    assert failed(_checks(d)) == {"service.jvb.circuit-breaker"}


def test_deployment_alarms_off_or_incomplete_fail(growth: Deployed) -> None:
    web = deployment_configuration(growth, "web")
    web["alarms"] = {"alarmNames": WEB_DEPLOYMENT_ALARMS[:1], "enable": True, "rollback": True}
    update_service(growth, "web", deploymentConfiguration=web)
    api = deployment_configuration(growth, "api")
    api["alarms"] = {**api["alarms"], "rollback": False}
    update_service(growth, "api", deploymentConfiguration=api)
    checks = _checks(growth)
    assert failed(checks) == {"service.web.deployment-alarms", "service.api.deployment-alarms"}
    assert checks["service.web.deployment-alarms"].observed["alarms"] == [f"{NAME}-target-5xx"]


def test_the_alb_s_5xx_rolling_back_the_shard_fails(d: Deployed) -> None:
    # A signaling replacement leaves no healthy target for a minute by design (0%/100%): the
    # ALB's own 5xx would roll back every shard deployment. The shard's are the target
    # group's own 5xx and p99, which judge the new task.
    checks = _checks(d)
    assert checks["service.shard.deployment-alarms"].expected == {
        "alarms": sorted(SHARD_DEPLOYMENT_ALARMS),
        "rollback": True,
    }
    assert checks["service.shard.deployment-alarms"].status == "pass"
    config = deployment_configuration(d, "shard")
    config["alarms"] = {"alarmNames": WEB_DEPLOYMENT_ALARMS, "enable": True, "rollback": True}
    update_service(d, "shard", deploymentConfiguration=config)
    checks = _checks(d)
    assert failed(checks) == {"service.shard.deployment-alarms"}
    config["alarms"] = {**config["alarms"], "alarmNames": SHARD_DEPLOYMENT_ALARMS, "enable": False}
    update_service(d, "shard", deploymentConfiguration=config)
    assert failed(_checks(d)) == {"service.shard.deployment-alarms"}


def test_a_shorter_grace_period_fails(d: Deployed) -> None:
    update_service(d, "shard", healthCheckGracePeriodSeconds=30)
    checks = _checks(d)
    assert failed(checks) == {"service.shard.grace-period"}
    check = checks["service.shard.grace-period"]
    assert (check.expected, check.observed) == (120, 30)


def test_web_scaled_by_hand_fails_its_desired_count(growth: Deployed) -> None:
    update_service(growth, "web", desiredCount=3)
    checks = _checks(growth)
    assert failed(checks) == {"service.web.desired-count"}
    assert checks["service.web.desired-count"].observed == {"desired": 3}


def test_bridges_may_run_anywhere_in_their_range(d: Deployed) -> None:
    update_service(d, "jvb", desiredCount=2)  # autoscaling's business: fine
    assert failed(_checks(d)) == set()
    update_service(d, "jvb", desiredCount=3)  # beyond max_count (the shard's bridge counts)
    checks = _checks(d)
    assert failed(checks) == {"service.jvb.desired-count"}
    assert checks["service.jvb.desired-count"].expected == {"min": 0, "max": 2}


def test_two_signaling_tasks_fail_the_invariant(d: Deployed) -> None:
    update_service(d, "shard", desiredCount=2)
    checks = _checks(d)
    assert failed(checks) == {"service.shard.desired-count", "service.shard.one-signaling-task"}
    assert checks["service.shard.one-signaling-task"].observed == {
        "desired": 2,
        "min": 0,
        "max": 100,
    }


def test_signaling_deployed_like_a_stateless_service_fails(growth: Deployed) -> None:
    # 100% / 200% starts the new prosody before the old one stops: two shards for a while.
    config = deployment_configuration(growth, "xmpp")
    config.update(minimumHealthyPercent=100, maximumPercent=200)
    update_service(growth, "xmpp", deploymentConfiguration=config)
    checks = _checks(growth)
    assert failed(checks) == {"service.xmpp.one-signaling-task"}
    assert checks["service.xmpp.one-signaling-task"].observed == {
        "desired": 1,
        "min": 100,
        "max": 200,
    }


def test_a_stateless_service_that_stops_before_starting_fails(d: Deployed) -> None:
    config = deployment_configuration(d, "api")
    config.update(minimumHealthyPercent=50, maximumPercent=100)
    update_service(d, "api", deploymentConfiguration=config)
    checks = _checks(d)
    assert failed(checks) == {"service.api.deployment-percent"}


def test_the_signaling_rule_follows_the_prosody_container_not_the_name(d: Deployed) -> None:
    # Outputs say jvb runs prosody: it is then held to the one-task rule (and its tasks are
    # checked for a prosody container that is not there).
    containers_ = {**all_services(CONFIG), "jvb": ["prosody"]}
    checks = _checks(d, service_containers=containers_)
    assert "service.jvb.one-signaling-task" in failed(checks)
    assert "service.jvb.deployment-percent" not in checks
    assert checks["task.jvb.prosody.health-check"].detail == "container prosody not found"


def test_a_scalable_target_with_another_range_fails(d: Deployed) -> None:
    d.aws.autoscaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=f"service/{NAME}/jvb",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=0,
        MaxCapacity=9,
    )
    checks = _checks(d)
    assert failed(checks) == {"service.jvb.scalable-target"}
    assert checks["service.jvb.scalable-target"].observed == {"min": 0, "max": 9}


def test_a_service_without_its_scalable_target_fails(d: Deployed) -> None:
    d.aws.autoscaling.deregister_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=f"service/{NAME}/shard",
        ScalableDimension="ecs:service:DesiredCount",
    )
    checks = _checks(d)
    assert failed(checks) == {"service.shard.scalable-target"}
    assert checks["service.shard.scalable-target"].observed is None


def test_bridges_tracking_another_target_or_metric_fail(d: Deployed) -> None:
    stress_policy(d, TargetValue=0.9)
    checks = _checks(d)
    assert failed(checks) == {"service.jvb.autoscaling"}
    assert checks["service.jvb.autoscaling"].observed == {"metric": "Jitsi/Stress", "target": 0.9}
    assert failed(_checks(d, _config(observability={"metric_namespace": "Other"}))) == {
        "service.jvb.autoscaling"
    }


def test_bridges_without_their_policy_fail(d: Deployed) -> None:
    d.aws.autoscaling.delete_scaling_policy(
        PolicyName=f"{NAME}-jvb-stress",
        ServiceNamespace="ecs",
        ResourceId=f"service/{NAME}/jvb",
        ScalableDimension="ecs:service:DesiredCount",
    )
    checks = _checks(d)
    assert failed(checks) == {"service.jvb.autoscaling"}
    assert checks["service.jvb.autoscaling"].observed is None


def test_an_operator_service_s_count_is_scaled_only_to_follow_a_schedule(d: Deployed) -> None:
    # Without a schedule nothing scales it (modules/schedule makes no target): none expected.
    checks = _checks(d)
    check = checks["service.api.scalable-target"]
    assert (check.status, check.expected, check.observed) == ("pass", None, None)
    scheduled = _config(jitsi={"schedule": {}})
    checks = _checks(d, scheduled)
    assert failed(checks) == {"service.api.scalable-target"}
    assert checks["service.api.scalable-target"].expected == {"min": 1, "max": 1}
    d.aws.autoscaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=f"service/{NAME}/api",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=1,
    )
    assert failed(_checks(d, scheduled)) == set()
    assert failed(_checks(d)) == {"service.api.scalable-target"}  # not the config's


def test_a_secret_in_plain_environment_fails(d: Deployed) -> None:
    env = [{"name": "JVB_AUTH_PASSWORD", "value": "leaked"}]
    redeploy(d, "jvb", _with(d, "jvb", "jvb", environment=env))
    checks = _checks(d)
    assert failed(checks) == {"task.jvb.secrets"}
    assert checks["task.jvb.secrets"].observed["plain_env_secrets"] == ["jvb:JVB_AUTH_PASSWORD"]


@pytest.mark.parametrize("name", ["JWT_APP_SECRET", "SOME_TOKEN", "TLS_PRIVATE_KEY"])
def test_any_secret_looking_variable_is_a_leak(d: Deployed, name: str) -> None:
    redeploy(d, "shard", _with(d, "shard", "web", environment=[{"name": name, "value": "x"}]))
    assert failed(_checks(d)) == {"task.shard.secrets"}


def test_a_secret_missing_from_ecs_secrets_fails(d: Deployed) -> None:
    defs = containers(d, "shard")
    prosody = next(c for c in defs if c["name"] == "prosody")
    prosody["secrets"] = [s for s in prosody["secrets"] if s["name"] != "JWT_APP_SECRET"]
    redeploy(d, "shard", defs)
    checks = _checks(d)
    assert failed(checks) == {"task.shard.secrets"}
    assert checks["task.shard.secrets"].observed["secrets"]["prosody"] == [
        "JICOFO_AUTH_PASSWORD",
        "JVB_AUTH_PASSWORD",
    ]


def test_without_jwt_prosody_must_not_hold_the_jwt_secret(d: Deployed) -> None:
    config = _config(jitsi={"auth_type": "none"}, auth={"enabled": False})
    assert failed(_checks(d, config)) == {"task.shard.secrets"}


def test_an_operator_secret_missing_from_ecs_secrets_fails(d: Deployed) -> None:
    redeploy(d, "api", _with(d, "api", "api", secrets=[]))
    checks = _checks(d)
    assert failed(checks) == {"task.api.secrets"}
    assert checks["task.api.secrets"].observed["secrets"] == {"api": []}


def test_web_checked_on_the_room_page_fails(d: Deployed) -> None:
    hc = _with(d, "shard", "web")[0]["healthCheck"]
    # The rootless line's nginx listens on 8000 (outputs.web_port): the check must follow it.
    hc = {**hc, "command": ["CMD-SHELL", "curl -f http://127.0.0.1:8000/health || exit 1"]}
    redeploy(d, "shard", _with(d, "shard", "web", healthCheck=hc))
    checks = _checks(d)
    assert failed(checks) == {"task.shard.web.health-check"}
    check = checks["task.shard.web.health-check"]
    assert check.expected["probe"] == "http://127.0.0.1:8000/ "
    assert check.observed["probe"] == "CMD-SHELL curl -f http://127.0.0.1:8000/health || exit 1"


def test_jicofo_checked_on_about_health_fails(d: Deployed) -> None:
    # /about/health fails whenever no bridge is connected: it would take signaling down.
    command = ["CMD-SHELL", "curl -f http://127.0.0.1:8888/about/health || exit 1"]
    defs = containers(d, "shard")
    jicofo = next(c for c in defs if c["name"] == "jicofo")
    jicofo["healthCheck"] = {**jicofo["healthCheck"], "command": command}
    redeploy(d, "shard", defs)
    checks = _checks(d)
    assert failed(checks) == {"task.shard.jicofo.health-check"}
    assert checks["task.shard.jicofo.health-check"].expected["probe"] == (
        "127.0.0.1:8888/about/version"
    )


def test_an_operator_service_checked_elsewhere_than_its_health_path_fails(d: Deployed) -> None:
    hc = containers(d, "api")[0]["healthCheck"]
    hc = {**hc, "command": ["CMD-SHELL", "curl -f http://127.0.0.1:8004/ || exit 1"]}
    redeploy(d, "api", _with(d, "api", "api", healthCheck=hc))
    checks = _checks(d)
    assert failed(checks) == {"task.api.api.health-check"}
    assert checks["task.api.api.health-check"].expected["probe"] == (
        "http://127.0.0.1:8004/api/v1/health "
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
    redeploy(d, "shard", [c for c in containers(d, "shard") if c["name"] != "jicofo"])
    checks = _checks(d)
    assert checks["task.shard.jicofo.health-check"].detail == "container jicofo not found"
    assert failed(checks) == {"task.shard.jicofo.health-check", "task.shard.secrets"}
    assert "task.shard.jicofo.logs" not in checks


def test_logs_to_another_group_or_prefix_fail(d: Deployed) -> None:
    log = containers(d, "api")[0]["logConfiguration"]
    log = {**log, "options": {**log["options"], "awslogs-group": "/ecs/other"}}
    redeploy(d, "api", _with(d, "api", "api", logConfiguration=log))
    prefix = containers(d, "jvb")[0]["logConfiguration"]
    prefix = {**prefix, "options": {**prefix["options"], "awslogs-stream-prefix": "ecs"}}
    redeploy(d, "jvb", _with(d, "jvb", "jvb", logConfiguration=prefix))
    checks = _checks(d)
    assert failed(checks) == {"task.api.api.logs", "task.jvb.jvb.logs"}
    assert checks["task.jvb.jvb.logs"].observed["stream_prefix"] == "ecs"


def test_adot_variables_are_required_where_configured(d: Deployed) -> None:
    # A container named in adot_containers gets them wherever it runs: the shard's bridge too.
    config = _config(observability={"adot_containers": ["jvb"]})
    checks = _checks(d, config)
    assert failed(checks) == {"task.jvb.jvb.adot", "task.shard.jvb.adot"}
    env = [{"name": k, "value": v} for k, v in ecs.adot_expected(config, "jvb", True).items()]
    redeploy(d, "jvb", _with(d, "jvb", "jvb", environment=env))
    redeploy(d, "shard", _with(d, "shard", "jvb", environment=env))
    assert failed(_checks(d, config)) == set()


def test_an_operator_service_asks_for_adot_in_its_own_block(d: Deployed) -> None:
    config = _config(services={"api": {**CONFIG.services["api"].model_dump(), "adot": True}})
    checks = _checks(d, config)
    assert failed(checks) == {"task.api.api.adot"}
    assert checks["task.api.api.adot"].expected["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] == (
        "x-aws-log-group=/ecs/jitsi-app,x-aws-log-stream=otel/api,x-aws-metric-namespace=Jitsi"
    )


def test_stray_otel_variables_fail_where_adot_is_not_configured(d: Deployed) -> None:
    env = [{"name": "OTEL_TRACES_EXPORTER", "value": "otlp"}]
    redeploy(d, "shard", _with(d, "shard", "web", environment=env))
    checks = _checks(d)
    assert failed(checks) == {"task.shard.web.adot"}
    assert checks["task.shard.web.adot"].observed == {"OTEL_TRACES_EXPORTER": "otlp"}


def test_a_deployed_service_the_config_no_longer_names_fails_plainly(d: Deployed) -> None:
    # Terraform's outputs still name api (and its target group) until the next `up`.
    tg = f"arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/{NAME}-api/0"
    checks = _checks(d, _config(services={}), service_target_group_arns={"api": tg})
    assert failed(checks) == {"task.api.api.config"}
    check = checks["task.api.api.config"]
    assert (check.expected, check.observed) == (
        "[services.api] in the config",
        "deployed, not in the config",
    )
    assert "task.api.api.health-check" not in checks


def test_a_deleted_service_fails_once(d: Deployed) -> None:
    d.aws.ecs.delete_service(cluster=NAME, service="jvb", force=True)
    checks = _checks(d)
    assert failed(checks) == {"service.jvb"}
    assert checks["service.jvb"].detail == "ECS service jvb not found"
    assert not [i for i in checks if i.startswith("task.jvb.")]
    # What remains of it is its scaling, a resource of its own, still as configured.
    assert {i for i in checks if i.startswith("service.jvb.")} == {
        "service.jvb.scalable-target",
        "service.jvb.autoscaling",
    }
