"""The config model is the one contract: variables.tf and the init file are generated from it."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field, ValidationError

from jitsi_ecs.config import Config, _Model
from jitsi_ecs.schema import Matches, Rule, render_variables_tf, rule_message, variables_tf
from tests.conftest import INFRA


def test_variables_tf_is_generated_from_the_model() -> None:
    assert (INFRA / "variables.tf").read_text() == variables_tf(Config), (
        "infra/variables.tf is stale: run `python -m jitsi_ecs.schema`"
    )


def test_every_terraform_key_is_a_root_variable_and_usage_is_not() -> None:
    text = render_variables_tf(Config)
    for key in Config().terraform_vars():
        assert f'variable "{key}"' in text, key
    assert 'variable "usage"' not in text


class _Demo(_Model):
    low: Annotated[int, Field(ge=1, le=9)] = 1
    high: int = 5
    word: Annotated[str, Matches(r"^[a-z]+$", "lowercase letters")] = "ab"

    RULES = (
        Rule(
            "low ({low}) must be below high ({high})",
            lambda d: d.low < d.high,
            "self.low < self.high",
        ),
    )


class _Root(_Model):
    demo: _Demo = _Demo()
    items: dict[str, _Demo] = Field(default_factory=dict)


def test_one_rule_gives_the_python_check_and_the_terraform_condition() -> None:
    with pytest.raises(ValidationError, match=r"low \(6\) must be below high \(5\)"):
        _Demo(low=6)
    text = render_variables_tf(_Root)
    assert "condition = var.demo.low < var.demo.high" in text
    assert (
        'error_message = "demo: low (${try(jsonencode(var.demo.low), "")}) must be below high '
        '(${try(jsonencode(var.demo.high), "")})"'
    ) in text
    assert "condition = var.demo.low >= 1 && var.demo.low <= 9" in text
    assert 'condition = can(regex("^[a-z]+$", var.demo.word))' in text
    # inside a map, every element is checked
    assert "alltrue([for v_key, v in var.items : v.low < v.high])" in text


def test_rule_messages_render_values_as_json_as_terraform_jsonencode_does() -> None:
    config = Config()
    rule = Rule("{name} {budgets.limits} {jitsi.web}", lambda _: False, "false")
    assert rule_message(rule, config) == (
        '"jitsi" [5, 10, 20, 40, 60] {"desired_count": 2, "cpu": 256, "memory": 512, "spot": false}'
    )


def test_matches_refuses_a_newline_that_a_dollar_would_let_through() -> None:
    with pytest.raises(ValidationError):
        _Demo(word="ab\n")
