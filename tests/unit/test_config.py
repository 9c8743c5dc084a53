"""A corpus of bad configs: each is refused with a message naming the key and the rule."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from jitsi_ecs.config import Config, load_config, parse_config
from jitsi_ecs.errors import EXIT_USAGE, ConfigError

BAD: list[tuple[str, dict[str, Any], str]] = [
    (
        "wrong type",
        {"jitsi": {"web": {"desired_count": "three"}}},
        "jitsi.web.desired_count: Input should be a valid integer",
    ),
    ("unknown key", {"jitsi": {"webb": {}}}, "jitsi.webb: unknown key"),
    ("unknown top-level key", {"budget": {}}, "budget: unknown key"),
    (
        "domain with scheme",
        {"domain": "https://meet.example.com"},
        "domain: 'https://meet.example.com' is not a lowercase DNS name",
    ),
    ("domain with path", {"domain": "meet.example.com/x"}, "is not a lowercase DNS name"),
    (
        "bad alarm email",
        {"alarms": {"emails": ["ops-at-example.com"]}},
        "alarms.emails: 'ops-at-example.com' is not an email address",
    ),
    (
        "bad budget email",
        {"budgets": {"emails": ["x@y"]}},
        "budgets.emails: 'x@y' is not an email address",
    ),
    (
        "unhealthy threshold 1",
        {"health_check": {"target_group": {"unhealthy_threshold": 1}}},
        "health_check.target_group.unhealthy_threshold: "
        "Input should be greater than or equal to 2 (got 1)",
    ),
    (
        "container interval 400",
        {"health_check": {"container": {"interval": 400}}},
        "health_check.container.interval: Input should be less than or equal to 300",
    ),
    (
        "container timeout not below interval",
        {"health_check": {"container": {"interval": 10, "timeout": 10}}},
        "health_check.container: timeout (10) must be below interval (10)",
    ),
    (
        "tg timeout not below interval",
        {"health_check": {"target_group": {"interval": 6, "timeout": 6}}},
        "health_check.target_group: timeout (6) must be below interval (6)",
    ),
    (
        "health path /health",
        {"health_check": {"target_group": {"path": "/health"}}},
        "/health is a Jitsi room page that always answers 200",
    ),
    (
        "grace too short",
        {"health_check": {"grace_period": 30}},
        "health_check: grace_period (30) must be at least start_period + 2 x interval (120)",
    ),
    (
        "budgets not ascending",
        {"budgets": {"limits": [5, 20, 10]}},
        "budgets.limits: [5.0, 20.0, 10.0] is not in strictly ascending order",
    ),
    ("budgets duplicate", {"budgets": {"limits": [5, 5]}}, "is not in strictly ascending order"),
    ("budget zero", {"budgets": {"limits": [0, 5]}}, "every limit must be a positive amount"),
    (
        "duplicate route priority",
        {
            "routes": {
                "auth": {"path_patterns": ["/auth/*"], "priority": 10, "port": 8001},
                "api": {"path_patterns": ["/api/v1/*"], "priority": 10, "port": 8004},
            }
        },
        "routes: two routes have the same priority [10]",
    ),
    (
        "duplicate route path",
        {
            "routes": {
                "auth": {"path_patterns": ["/auth/*"], "priority": 10, "port": 8001},
                "auth2": {"path_patterns": ["/auth/*"], "priority": 11, "port": 8005},
            }
        },
        "routes: path pattern ['/auth/*'] appears in two routes",
    ),
    (
        "relative route path",
        {"routes": {"x": {"path_patterns": ["auth/*"], "priority": 1, "port": 8001}}},
        "path pattern 'auth/*' must start with /",
    ),
    (
        "moving image tag",
        {"jitsi": {"image": {"tag": "stable"}}},
        "jitsi.image.tag: 'stable' is not a pinned stable-NNNNN[-N] tag",
    ),
    (
        "bad fargate cpu",
        {"jitsi": {"jvb": {"cpu": 300}}},
        "jitsi.jvb: cpu 300 is not a Fargate size",
    ),
    (
        "memory out of range",
        {"jitsi": {"web": {"cpu": 256, "memory": 4096}}},
        "jitsi.web: memory 4096 MiB must be 512-2048 MiB for cpu 256",
    ),
    (
        "bad architecture",
        {"jitsi": {"cpu_architecture": "arm"}},
        "jitsi.cpu_architecture: Input should be 'X86_64' or 'ARM64'",
    ),
    (
        "bad retention",
        {"observability": {"log_retention_days": 10}},
        "10 is not a CloudWatch retention value",
    ),
    (
        "adot unknown container",
        {"observability": {"adot_containers": ["nginx"]}},
        "observability.adot_containers.0: Input should be 'web', 'prosody', 'jicofo' or 'jvb'",
    ),
    ("bad region", {"region": "mars-1"}, "region: 'mars-1' is not an AWS region"),
    ("bad name", {"name": "Jitsi_Prod"}, "name: must be 2-20 lowercase letters"),
    (
        "existing vpc without subnets",
        {"network": {"vpc_id": "vpc-1"}},
        "network: vpc_id needs public_subnet_ids with at least 2 subnets",
    ),
]


@pytest.mark.parametrize(("case", "data", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_config_is_refused_with_its_key_named(
    case: str, data: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(data, "jitsi-ecs.toml")
    assert message in info.value.message
    assert info.value.message.startswith("jitsi-ecs.toml: ")
    assert info.value.exit_code == EXIT_USAGE


def test_defaults_follow_the_plan_and_facts() -> None:
    config = Config()
    assert config.budgets.limits == [5, 10, 20, 40, 60]
    hc = config.health_check
    assert (
        hc.container.interval,
        hc.container.timeout,
        hc.container.retries,
        hc.container.start_period,
    ) == (30, 5, 3, 60)
    tg = hc.target_group
    assert (tg.interval, tg.timeout, tg.healthy_threshold, tg.unhealthy_threshold, tg.path) == (
        30,
        5,
        2,
        3,
        "/",
    )
    assert hc.grace_period == 120
    assert config.jitsi.web.desired_count == 3
    assert config.jitsi.image.tag == "stable-11031"


def test_terraform_vars_mirror_the_model_without_usage() -> None:
    variables = Config(
        routes={"auth": {"path_patterns": ["/auth/*"], "priority": 10, "port": 8001}}
    ).terraform_vars()
    assert "usage" not in variables
    assert variables["routes"]["auth"]["port"] == 8001
    assert variables["health_check"]["target_group"]["unhealthy_threshold"] == 3
    assert "certificate_arn" not in variables  # None values are left to Terraform's defaults


def test_every_config_key_is_a_terraform_variable() -> None:
    variables_tf = (Path(__file__).resolve().parents[2] / "infra" / "variables.tf").read_text()
    for key in Config().terraform_vars():
        assert f'variable "{key}"' in variables_tf, key


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("name = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)


def test_no_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None) == Config()


def test_file_values_are_read(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('domain = "video.example.org"\n[jitsi.jvb]\ndesired_count = 2\n')
    config = load_config(path)
    assert config.domain == "video.example.org" and config.jitsi.jvb.desired_count == 2
    assert tomllib.loads(path.read_text())["jitsi"]["jvb"]["desired_count"] == 2
