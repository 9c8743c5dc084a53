"""`jitsi-ecs secret set`: the value goes to the service's parameter and nowhere else."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from moto import mock_aws
from typer.testing import CliRunner

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.cli import app
from jitsi_ecs.commands import Globals
from jitsi_ecs.commands import secret as cmd
from jitsi_ecs.errors import EXIT_USAGE, UsageError
from jitsi_ecs.outputs import StackOutputs

PARAMETER = "/jitsi/api/API_KEY"


def outputs(**extra: Any) -> StackOutputs:
    base: dict[str, Any] = {
        "url": "https://meet.example.com",
        "alb_arn": "arn:alb",
        "https_listener_arn": "arn:l443",
        "http_listener_arn": "arn:l80",
        "web_target_group_arn": "arn:tg",
        "vpc_id": "vpc-0123",
        "cluster_name": "jitsi",
        "service_names": {"shard": "shard", "api": "api", "stream": "stream"},
        "service_containers": {"shard": ["web"], "api": ["api"], "stream": ["stream"]},
        "task_counts": {
            "shard": {"min": 1, "max": 1},
            "api": {"min": 2, "max": 2},
            "stream": {"min": 1, "max": 1},
        },
        "layout": "compact",
        "bridge_dns_names": [],
        "deployment_alerts_topic_arn": "arn:sns",
        "budget_alerts_topic_arn": "arn:sns2",
        "alarm_names": {},
        "deployment_alarm_names": {},
        "budget_names": {},
        "log_group_name": "/ecs/jitsi-app",
        "dashboard_name": "jitsi",
        "web_port": 80,
        "ecs_events_rule_name": "jitsi-ecs-events",
        "secrets_version": 1,
        "service_secret_parameters": {"api": {"API_KEY": PARAMETER}, "stream": {}},
    }
    return StackOutputs.parse({**base, **extra})


@dataclass
class FakeStack:
    aws: AwsContext

    def attach(self) -> StackOutputs:
        return outputs()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsContext]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        ctx = AwsContext(region="us-west-2")
        ssm = ctx.ssm
        # As the stack leaves it: the placeholder, version 1.
        ssm.put_parameter(Name=PARAMETER, Value="unset", Type="SecureString")
        monkeypatch.setattr(cmd, "open_stack", lambda g, command, start: FakeStack(ctx))
        yield ctx


G = Globals(config_path=None, target="local")


def _value(aws: AwsContext) -> tuple[str, int]:
    found = aws.ssm.get_parameter(Name=PARAMETER, WithDecryption=True)["Parameter"]
    return found["Value"], found["Version"]


def test_the_value_goes_to_the_parameter_as_a_securestring(aws: AwsContext) -> None:
    assert cmd.run_set(G, "api", "API_KEY", read=lambda prompt: "real-value") == 0
    assert _value(aws) == ("real-value", 2)
    described = aws.ssm.describe_parameters()["Parameters"][0]
    assert described["Type"] == "SecureString"


def test_unknown_service_or_secret_changes_nothing(aws: AwsContext) -> None:
    with pytest.raises(UsageError, match="'web' is not an operator service") as info:
        cmd.run_set(G, "web", "API_KEY", read=lambda prompt: "x")
    assert info.value.exit_code == EXIT_USAGE and "api" in str(info.value.hint)
    with pytest.raises(UsageError, match=r"no secret 'DB_PASSWORD' \(its secrets: API_KEY\)"):
        cmd.run_set(G, "api", "DB_PASSWORD", read=lambda prompt: "x")
    with pytest.raises(UsageError, match="empty value"):
        cmd.run_set(G, "api", "API_KEY", read=lambda prompt: "")
    assert _value(aws) == ("unset", 1)


def test_deploy_replaces_the_running_tasks(aws: AwsContext) -> None:
    ecs = aws.ecs
    ecs.create_cluster(clusterName="jitsi")
    task = ecs.register_task_definition(
        family="jitsi-api",
        containerDefinitions=[{"name": "api", "image": "nginx:1.27.3", "memory": 512}],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="jitsi", serviceName="api", taskDefinition=task, desiredCount=1)
    calls: list[dict[str, Any]] = []
    real = ecs.update_service
    aws._clients["ecs"].update_service = lambda **kw: calls.append(kw) or real(**kw)
    assert cmd.run_set(G, "api", "API_KEY", deploy=True, read=lambda prompt: "v") == 0
    assert calls == [{"cluster": "jitsi", "service": "api", "forceNewDeployment": True}]


def test_stdin_is_read_without_its_final_newline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("line one\nline two\n"))
    assert cmd.read_value("?") == "line one\nline two"
    monkeypatch.setattr("sys.stdin", io.StringIO("windows\r\n"))
    assert cmd.read_value("?") == "windows"


def test_the_cli_takes_no_value_on_the_command_line(aws: AwsContext) -> None:
    result = CliRunner().invoke(app, ["secret", "set", "api", "API_KEY", "on-argv"])
    assert result.exit_code == 2
    assert _value(aws) == ("unset", 1)
    result = CliRunner().invoke(app, ["secret", "set", "api", "API_KEY"], input="from-stdin\n")
    assert result.exit_code == 0, result.output
    assert "from-stdin" not in result.output
    assert _value(aws) == ("from-stdin", 2)


def test_a_refused_deploy_is_reported_after_the_value_is_set(aws: AwsContext) -> None:
    aws.ecs.create_cluster(clusterName="jitsi")  # but no api service: ECS refuses the deploy
    result = CliRunner().invoke(
        app, ["secret", "set", "api", "API_KEY", "--deploy"], input="from-stdin\n"
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # not a traceback
    assert "error: start a new deployment of service api in cluster jitsi: AWS answered" in (
        result.output.replace("\n", " ")
    )
    assert _value(aws) == ("from-stdin", 2)
