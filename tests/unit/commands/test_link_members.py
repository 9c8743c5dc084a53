"""`link` and `members` against an in-process moto: what they print, what they refuse (exit 2
before reaching anything), and that the link's token passes prosody's rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jwt
import pytest
from moto import mock_aws
from typer.testing import CliRunner

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.cli import app
from jitsi_ecs.commands import link as link_cmd
from jitsi_ecs.commands import members as members_cmd
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.tokens import ProsodyRules

runner = CliRunner()
SECRET = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"


def outputs(**changes: Any) -> StackOutputs:
    raw: dict[str, Any] = {
        "url": "https://meet.example.com",
        "alb_arn": "arn:alb",
        "https_listener_arn": "arn:https",
        "http_listener_arn": "arn:http",
        "web_target_group_arn": "arn:tg",
        "cluster_name": "jitsi",
        "service_names": {},
        "service_containers": {},
        "task_counts": {},
        "layout": "compact",
        "bridge_dns_names": [],
        "vpc_id": "vpc-00000000000000000",
        "deployment_alerts_topic_arn": "arn:topic",
        "budget_alerts_topic_arn": "arn:budget-topic",
        "alarm_names": {},
        "deployment_alarm_names": {},
        "ecs_events_rule_name": "jitsi-ecs-failures",
        "secrets_version": 1,
        "budget_names": {},
        "log_group_name": "/ecs/jitsi-app",
        "dashboard_name": "jitsi",
        "web_port": 80,
        "auth_type": "jwt",
        "jwt_app_id": "jitsi",
        "jwt_secret_parameter_name": "/jitsi/jwt_app_secret",
        "guests": True,
        "auth": None,
    }
    raw.update(changes)
    return StackOutputs.parse(raw)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[AwsContext]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        context = AwsContext(region="us-west-2")
        context.ssm.put_parameter(Name="/jitsi/jwt_app_secret", Value=SECRET, Type="SecureString")
        yield context


def deploy(monkeypatch: pytest.MonkeyPatch, aws: AwsContext, found: StackOutputs) -> list[str]:
    """Stand in for a deployment: `deployed()` answers with these outputs."""
    calls: list[str] = []

    def deployed(g: Any, command: str) -> tuple[Any, StackOutputs]:
        calls.append(command)
        return SimpleNamespace(aws=aws), found

    monkeypatch.setattr(link_cmd, "deployed", deployed)
    monkeypatch.setattr(members_cmd, "deployed", deployed)
    return calls


def _json(stdout: str) -> Any:
    return json.loads(stdout[stdout.index("{") :])


# ---------------------------------------------------------------- link


def test_link_json_is_the_contract_and_its_token_joins(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    deploy(monkeypatch, aws, outputs())
    result = runner.invoke(app, ["link", "--room", "standup", "--json"])
    assert result.exit_code == 0, result.output
    data = _json(result.stdout)
    assert set(data) == {"url", "room", "token", "expires_at", "moderator"}
    assert data["url"] == f"https://meet.example.com/standup?jwt={data['token']}"
    assert data["room"] == "standup" and data["moderator"] is True
    expires = datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00"))
    assert data["expires_at"].endswith("Z")
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=24))) < timedelta(minutes=1)
    claims = ProsodyRules.for_deployment("jitsi", SECRET).join(data["token"], "standup")
    assert claims["exp"] == int(expires.timestamp())
    assert SECRET not in result.output
    assert "join as guests once a token holder is in" in result.stderr


def test_link_options_reach_the_token(aws: AwsContext, monkeypatch: pytest.MonkeyPatch) -> None:
    deploy(monkeypatch, aws, outputs(guests=False))
    result = runner.invoke(
        app,
        [
            "link",
            "--room",
            "team-42",
            "--name",
            "Ada",
            "--email",
            "ada@example.com",
            "--ttl",
            "2h",
        ],
    )
    assert result.exit_code == 0, result.output
    url = result.stdout.strip()
    token = url.split("?jwt=", 1)[1]
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["context"]["user"] == {
        "name": "Ada",
        "email": "ada@example.com",
        "moderator": True,
    }
    assert claims["exp"] - claims["iat"] == 7200
    assert "guests are off" in result.stderr


def test_no_moderator_is_refused_with_the_reason_before_the_target(in_tmp: Path) -> None:
    """The pinned images cannot honour it (jicofo grants every token holder ownership):
    refused, exit 2, nothing deployed needed to say so."""
    result = runner.invoke(app, ["link", "--room", "standup", "--no-moderator"])
    assert result.exit_code == 2
    text = " ".join(result.stderr.split())
    assert "--no-moderator cannot be honoured at the pinned images" in text
    assert "AuthenticationRoleManager" in text and "plain room link" in text
    assert result.stdout == ""


def test_link_without_auth_prints_the_plain_url(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    deploy(
        monkeypatch,
        aws,
        outputs(auth_type="none", jwt_app_id=None, jwt_secret_parameter_name=None, guests=False),
    )
    result = runner.invoke(app, ["link", "--room", "standup", "--json"])
    assert result.exit_code == 0
    assert _json(result.stdout) == {
        "url": "https://meet.example.com/standup",
        "room": "standup",
        "token": None,
        "expires_at": None,
        "moderator": None,
    }
    assert "no token is needed" in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--room", "Stand Up"], "lower-cases room names"),
        (["--room", "a/b"], "removes /"),
        (["--room", "what?"], "removes ?"),
        (["--room", "a#b"], "removes #"),
        (["--room", ""], "empty"),
        (["--room", "x" * 129], "at most 128"),
        (["--room", "standup", "--ttl", "31d"], "--ttl: 31d is longer than the maximum, 30d"),
        (["--room", "standup", "--ttl", "31d"], "A shorter link is safer"),
        (["--room", "standup", "--ttl", "soon"], "--ttl: 'soon' is not a duration"),
        (["--room", "standup", "--email", "ada"], "not an email address"),
    ],
)
def test_link_refuses_bad_input_before_reaching_anything(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch, args: list[str], words: str
) -> None:
    calls = deploy(monkeypatch, aws, outputs())
    result = runner.invoke(app, ["link", *args])
    assert result.exit_code == 2, result.output
    assert words in " ".join(result.output.split())
    assert "Traceback" not in result.output and calls == []


def test_link_with_nothing_deployed_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["link", "--room", "standup"])
    assert result.exit_code == 2, result.output
    assert "nothing is deployed" in " ".join(result.output.split())


# ---------------------------------------------------------------- members


def _with_pool(aws: AwsContext, monkeypatch: pytest.MonkeyPatch, provider: str = "cognito") -> str:
    pool = aws.cognito.create_user_pool(
        PoolName="jitsi", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    auth = {
        "url": "https://meet.example.com/auth/",
        "function_name": "jitsi-auth",
        "function_arn": "arn:fn",
        "role_name": "jitsi-auth",
        "target_group_arn": "arn:tg-auth",
        "listener_rule_arn": "arn:rule",
        "provider": provider,
        "user_pool_id": pool if provider == "cognito" else None,
        "callback_url": "https://meet.example.com/oauth2/idpresponse",
        "log_stream_name": "auth",
    }
    deploy(monkeypatch, aws, outputs(auth=auth))
    return str(pool)


def test_members_add_list_remove(aws: AwsContext, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = _with_pool(aws, monkeypatch)
    added = runner.invoke(app, ["members", "add", "ada@example.com"])
    assert added.exit_code == 0, added.output
    assert "Invited ada@example.com" in added.stderr
    again = runner.invoke(app, ["members", "add", "ada@example.com"])
    assert again.exit_code == 0 and "already a member" in again.stderr
    user = aws.cognito.list_users(UserPoolId=pool)["Users"][0]
    assert {"Name": "email_verified", "Value": "true"} in user["Attributes"]

    listed = runner.invoke(app, ["members", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    members = _json(listed.stdout)["members"]
    assert [(m["email"], m["status"], m["enabled"]) for m in members] == [
        ("ada@example.com", "FORCE_CHANGE_PASSWORD", True)
    ]
    assert "ada@example.com" in runner.invoke(app, ["members", "list"]).stdout

    removed = runner.invoke(app, ["members", "remove", "ada@example.com"])
    assert removed.exit_code == 0, removed.output
    assert aws.cognito.list_users(UserPoolId=pool)["Users"] == []
    missing = runner.invoke(app, ["members", "remove", "ada@example.com"])
    assert missing.exit_code == 1 and "not a member" in missing.stderr


@pytest.mark.parametrize("command", ["add", "remove"])
def test_members_refuse_a_bad_email(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    _with_pool(aws, monkeypatch)
    result = runner.invoke(app, ["members", command, "not-an-email"])
    assert result.exit_code == 2 and "not an email address" in result.output


def test_members_with_oidc_say_the_idp_owns_users(
    aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_pool(aws, monkeypatch, provider="oidc")
    for args in (["add", "ada@example.com"], ["list"], ["remove", "ada@example.com"]):
        result = runner.invoke(app, ["members", *args])
        assert result.exit_code == 2 and "owns the users" in " ".join(result.output.split())


def test_members_without_the_page(aws: AwsContext, monkeypatch: pytest.MonkeyPatch) -> None:
    deploy(monkeypatch, aws, outputs(auth=None))
    result = runner.invoke(app, ["members", "list"])
    assert result.exit_code == 2 and "no /auth/ page" in result.output
