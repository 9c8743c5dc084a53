"""verify, status, drill and env through the CLI: nothing deployed, then a moto deployment."""

from __future__ import annotations

import json
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jitsi_ecs.cli import app
from jitsi_ecs.config import parse_config
from tests.unit.commands.conftest import Emulator
from tests.unit.deployed import (
    CONFIG,
    CONFIG_TOML,
    deploy_all,
    update_service,
)

runner = CliRunner()


def _json(stdout: str) -> Any:
    return json.loads(stdout[min(i for i in (stdout.find("{"), stdout.find("[")) if i >= 0) :])


@pytest.mark.parametrize(
    "command",
    [["verify"], ["status", "--json"], ["drill", "rollback"], ["drill", "alarm"]],
)
def test_no_emulator_means_nothing_is_deployed(in_tmp: Path, command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 1
    assert "error: the local emulator is not running, so nothing is deployed" in result.stderr
    assert "hint: Run `jitsi-ecs up` first." in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output
    assert not (in_tmp / ".jitsi-ecs" / "local" / "stack").exists()  # read-only: nothing made


@pytest.mark.parametrize("command", [["verify", "--json"], ["status"], ["drill", "alarm"]])
def test_a_running_emulator_without_a_deployment(emulator: Emulator, command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 1
    assert "error: nothing is deployed on the local target" in result.stderr
    assert result.stdout == ""


def test_outputs_without_the_stack_mean_nothing_deployed(emulator: Emulator) -> None:
    emulator.record_outputs({})  # a state whose resources were all destroyed
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 1
    assert "nothing is deployed on the local target" in result.stderr


def test_the_config_file_is_the_deployment_s_config() -> None:
    assert parse_config(tomllib.loads(CONFIG_TOML)) == CONFIG


def test_the_read_side_on_a_deployment(
    emulator: Emulator, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One moto deployment (building it is most of the cost), every read-side command."""
    monkeypatch.setenv("JITSI_ECS_EMULATOR_SPEED", "1")  # a rollout below lasts minutes
    d = emulator.deploy(deploy_all)

    ok = runner.invoke(app, ["verify", "--json", "--junit", "reports/verify.xml"])
    assert ok.exit_code == 0, ok.output[-3000:]
    report = _json(ok.stdout)
    assert report["summary"]["fail"] == 0 and report["summary"]["pass"] > 50
    suite = ET.parse(in_tmp / "reports" / "verify.xml").getroot()[0]
    assert suite.attrib["failures"] == "0"

    status = runner.invoke(app, ["status", "--json"])
    assert status.exit_code == 0, status.output[-3000:]
    data = _json(status.stdout)
    assert sorted(s["name"] for s in data["services"]) == ["api", "jvb", "shard"]
    assert [b["limit"] for b in data["budgets"]] == [5.0, 20.0]
    assert data["jitsi"] is None  # the table: tests/unit/commands/test_output.py

    unknown = runner.invoke(app, ["drill", "rollback", "--service", "nope"])
    assert unknown.exit_code == 2
    assert "error: unknown service 'nope'" in unknown.stderr
    assert "hint: Choose one of api, jvb, shard." in unknown.stderr
    nope = runner.invoke(app, ["drill", "rollback", "--service", "shard", "--failure", "nope"])
    assert nope.exit_code == 2
    assert "hint: Choose one of crash, http-500, wrong-password." in nope.stderr
    # A failure whose alarm the service does not have is refused before anything changes.
    no_alarm = runner.invoke(
        app, ["drill", "rollback", "--service", "api", "--failure", "wrong-password"]
    )
    assert no_alarm.exit_code == 2, no_alarm.output
    assert "no deployment alarm on OperationalBridges" in " ".join(no_alarm.stderr.split())

    d.aws.logs.put_retention_policy(
        logGroupName=d.config.observability.log_group_name, retentionInDays=7
    )
    update_service(d, "api", desiredCount=2)
    drift = runner.invoke(app, ["verify"])
    assert drift.exit_code == 1
    assert "2 failed" in drift.stdout
    assert "logs.group" in drift.stdout and "service.api.desired-count" in drift.stdout

    # A rollout in progress: the alarm drill refuses (an alarm in ALARM would roll it back).
    update_service(d, "api", taskDefinition=d.outputs["task_definition_arns"]["jvb"])
    busy = runner.invoke(app, ["drill", "alarm"])
    assert busy.exit_code == 2
    assert "deployment in progress on api" in busy.stderr
    alarms = d.aws.cloudwatch.describe_alarms()["MetricAlarms"]
    assert "ALARM" not in {a["StateValue"] for a in alarms}  # nothing was set


def test_env_prints_exports_for_the_running_emulator(emulator: Emulator) -> None:
    result = runner.invoke(app, ["env"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# eval")
    assert f"export AWS_ENDPOINT_URL={emulator.endpoint}" in lines
    assert "export AWS_ACCESS_KEY_ID=test" in lines and "export AWS_REGION=us-west-2" in lines


def test_env_without_emulator(in_tmp: Path) -> None:
    result = runner.invoke(app, ["env"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "the local emulator is not running" in result.stderr


def test_down_with_nothing_running_is_not_an_error(in_tmp: Path) -> None:
    result = runner.invoke(app, ["down"])
    assert result.exit_code == 0
    assert "Nothing to destroy: the local emulator is not running" in result.stderr
