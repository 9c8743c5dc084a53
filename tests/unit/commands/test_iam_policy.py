"""`jitsi-ecs iam-policy`: the policies from the config alone, as JSON other tooling reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jitsi_ecs import permissions
from jitsi_ecs.cli import app
from jitsi_ecs.config import Config

runner = CliRunner()


def test_json_is_the_policies_of_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "jitsi-ecs.toml").write_text('name = "meet"\nregion = "eu-west-1"\n')
    # No credentials and no endpoint: nothing reaches AWS.
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    result = runner.invoke(app, ["iam-policy", "--json", "--account", "111122223333"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"policies"}
    assert all(set(p) == {"name", "document"} for p in data["policies"])
    config = Config.model_validate({"name": "meet", "region": "eu-west-1"})
    assert data["policies"] == permissions.policies(config, "111122223333")


def test_text_output_names_each_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["iam-policy"])
    assert result.exit_code == 0, result.output
    assert "# jitsi-deploy-state" in result.stdout and "any account" in result.stderr
    first = result.stdout.split("# jitsi-deploy-network")[0].split("\n", 1)[1]
    assert json.loads(first)["Version"] == "2012-10-17"


def test_a_bad_account_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["iam-policy", "--account", "12345"])
    assert result.exit_code == 2
    assert "--account" in result.output and "Traceback" not in result.output


def test_github_adds_the_trust_policy_with_the_subject_pinned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app,
        ["iam-policy", "--json", "--account", "111122223333", "--github", "acme/meet:production"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"policies", "trust_policy"}
    statement = data["trust_policy"]["Statement"][0]
    assert statement["Principal"]["Federated"] == (
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    )
    assert "repo:acme/meet:environment:production" in json.dumps(statement["Condition"])
    bad = runner.invoke(app, ["iam-policy", "--github", "not a repo"])
    assert bad.exit_code == 2 and "--github" in bad.output
