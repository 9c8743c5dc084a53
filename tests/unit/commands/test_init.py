from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from jitsi_ecs.commands import init
from jitsi_ecs.config import Config, parse_config
from jitsi_ecs.errors import UsageError
from jitsi_ecs.schema import fields, init_template

TEMPLATE = init_template(Config)


def test_template_is_exactly_the_defaults() -> None:
    assert parse_config(tomllib.loads(TEMPLATE)) == Config()


def test_every_key_has_a_description() -> None:
    def walk(model: type) -> None:
        for node in fields(model):
            assert node.description, f"{model.__name__}.{node.name} has no description"
            for arg in (node.annotation, *getattr(node.annotation, "__args__", ())):
                if isinstance(arg, type) and hasattr(arg, "model_fields"):
                    walk(arg)

    walk(Config)


def test_template_shows_every_section() -> None:
    for section in (
        "[network]",
        "[jitsi.web]",
        "[jitsi.xmpp]",
        "[jitsi.jvb]",
        "[health_check.container]",
        "[health_check.target_group]",
        "[services]",
        "[observability]",
        "[alarms]",
        "[budgets]",
        "[usage]",
        "certificate_arn",
        "route53_zone_id",
    ):
        assert section in TEMPLATE, section


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "jitsi-ecs.toml"
    assert init.run(path, force=False) == 0
    path.write_text("# mine")
    with pytest.raises(UsageError, match="already exists"):
        init.run(path, force=False)
    assert path.read_text() == "# mine"
    assert init.run(path, force=True) == 0
    assert path.read_text() == TEMPLATE
