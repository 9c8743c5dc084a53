"""What each container must look like: Jitsi's from the rules, a service's from its block."""

from __future__ import annotations

from jitsi_ecs.config import Config
from jitsi_ecs.verify.ecs import Expected, expected
from tests.bad_configs import service


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
