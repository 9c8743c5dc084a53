"""A corpus of bad configs: each is refused with a message naming the key and the rule."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from jitsi_ecs.config import Config, load_config, parse_config
from jitsi_ecs.errors import EXIT_USAGE, ConfigError
from tests.bad_configs import BAD, Bad


@pytest.mark.parametrize("case", BAD, ids=[b.id for b in BAD])
def test_bad_config_is_refused_with_its_key_named(case: Bad) -> None:
    with pytest.raises(ConfigError) as info:
        config = parse_config(case.data, "jitsi-ecs.toml")
        assert case.deploy_only, "parsed, but only deploy-time rules may wait until then"
        config.check_deployable()
    assert case.message in info.value.message
    assert info.value.message.startswith("jitsi-ecs.toml: ") or case.deploy_only
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
    assert config.jitsi.image.tag == "stable-11146-2"  # the maintained (rootless) line
    assert len(config.jitsi.jvb.stun_servers) >= 2
    assert config.jitsi.image.digests == {}


def test_terraform_vars_mirror_the_model_without_usage() -> None:
    variables = Config(
        routes={"api": {"path_patterns": ["/api/v1/*"], "priority": 40, "port": 8004}}
    ).terraform_vars()
    assert "usage" not in variables
    assert variables["routes"]["api"]["port"] == 8004
    assert variables["health_check"]["target_group"]["unhealthy_threshold"] == 3
    assert "certificate_arn" not in variables  # None values are left to Terraform's defaults


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
