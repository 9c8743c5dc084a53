"""A corpus of bad configs: each is refused with a message naming the key and the rule."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from jitsi_ecs.config import Config, load_config, parse_config
from jitsi_ecs.errors import EXIT_USAGE, ConfigError
from tests.bad_configs import BAD, Bad, service


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
    # issue 11: one task per shard, on Graviton, sized from Jitsi's guidance, 1-3 bridges
    assert config.jitsi.layout == "compact" and config.jitsi.cpu_architecture == "ARM64"
    assert (config.jitsi.shard.cpu, config.jitsi.shard.memory) == (512, 3072)
    autoscaling = config.jitsi.jvb.autoscaling
    assert (autoscaling.min_count, autoscaling.max_count) == (1, 3)
    assert not config.observability.container_insights and config.usage.alb_average_lcu == 0.05
    assert config.jitsi.image.tag == "stable-11146-2"  # the maintained (rootless) line
    assert len(config.jitsi.jvb.stun_servers) >= 2
    assert config.jitsi.image.digests == {}


def test_terraform_vars_mirror_the_model_without_usage() -> None:
    variables = Config(services={"api": service()}).terraform_vars()
    assert "usage" not in variables
    assert variables["services"]["api"]["port"] == 8004
    assert variables["services"]["api"]["secrets"] == []
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
    path.write_text('domain = "video.example.org"\n[jitsi.jvb.autoscaling]\nmax_count = 5\n')
    config = load_config(path)
    assert config.domain == "video.example.org" and config.jitsi.jvb.autoscaling.max_count == 5
    assert tomllib.loads(path.read_text())["jitsi"]["jvb"]["autoscaling"]["max_count"] == 5


CONTRACT = (
    """
[jitsi]
cpu_architecture = "X86_64"   # Fargate Spot (the stream service) runs x86 tasks only

[services.api]
image         = "public.ecr.aws/nginx/nginx:1.27"
port          = 8004
path_patterns = ["/api/v1/*"]
priority      = 40
cpu           = 256
memory        = 512
desired_count = 2
health_path   = "/api/v1/health"
environment   = { LOG_LEVEL = "info" }
secrets       = ["API_KEY"]
adot          = true

[services.stream]
image         = "ghcr.io/example/stream@sha256:"""
    + "a" * 64
    + """"
port          = 8002
path_patterns = ["/stream/*"]
priority      = 20
spot          = true
"""
)


def test_the_issue_contract_block_is_a_valid_config(tmp_path: Path) -> None:
    path = tmp_path / "jitsi-ecs.toml"
    path.write_text(CONTRACT)
    config = load_config(path)
    api, stream = config.services["api"], config.services["stream"]
    assert (api.port, api.priority, api.desired_count, api.health_path) == (
        8004,
        40,
        2,
        "/api/v1/health",
    )
    assert api.environment == {"LOG_LEVEL": "info"} and api.secrets == ["API_KEY"] and api.adot
    assert (stream.cpu, stream.memory, stream.desired_count, stream.spot) == (256, 512, 1, True)


@pytest.mark.parametrize(
    "image",
    [
        "nginx:1.27.3",
        "public.ecr.aws/nginx/nginx:1.27",
        "registry.example.com:5000/team/app:v2-rc1",
        "123456789012.dkr.ecr.us-west-2.amazonaws.com/api:2026.11.27",
        "nginx:latest@sha256:" + "0" * 64,  # the digest pins it
    ],
)
def test_pinned_images_of_any_registry_are_accepted(image: str) -> None:
    assert Config(services={"api": service(image=image)}).services["api"].image == image


@pytest.mark.parametrize("image", ["nginx", "nginx:latest", "nginx:STABLE", "ghcr.io/a/b:main"])
def test_untagged_and_moving_images_are_refused(image: str) -> None:
    with pytest.raises(ConfigError, match=r"services\.api"):
        parse_config({"services": {"api": service(image=image)}})


def test_auth_paths_are_free_once_auth_is_off() -> None:
    config = parse_config(
        {"auth": {"enabled": False}, "services": {"api": service(path_patterns=["/auth/*"])}}
    )
    assert config.services["api"].path_patterns == ["/auth/*"]


def test_an_old_routes_table_says_how_to_rewrite_it() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(
            {"routes": {"api": {"path_patterns": ["/api/v1/*"], "priority": 40, "port": 8004}}}
        )
    message = info.value.message
    assert info.value.exit_code == EXIT_USAGE
    assert message.startswith("jitsi-ecs.toml: routes: replaced by [services.<name>]")
    block = message.split("\n\n", 1)[1]
    assert "[services.api]" in block and 'path_patterns = ["/api/v1/*"]' in block
    assert 'health_path   = "/health"' in block  # what the route checked
    # Once the image is filled in, the block is a valid config.
    rewritten = tomllib.loads(block.replace("<image>:<pinned tag>", "nginx:1.27.3"))
    assert parse_config(rewritten).services["api"].port == 8004
