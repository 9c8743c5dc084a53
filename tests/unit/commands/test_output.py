"""What the commands print and the exit codes they return, from their results (no AWS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jitsi_ecs.cli import app
from jitsi_ecs.commands.cost import print_compare
from jitsi_ecs.commands.drill import _report
from jitsi_ecs.commands.plan import plan_json, print_plan
from jitsi_ecs.commands.status import print_status
from jitsi_ecs.commands.verify import report
from jitsi_ecs.drills import DrillResult
from jitsi_ecs.terraform import PlanSummary
from jitsi_ecs.ui import out
from jitsi_ecs.verify.result import compare, skip

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables one row per line (captured output is 80 columns wide)."""
    monkeypatch.setattr(out, "_width", 200)


SUMMARY = PlanSummary(
    2,
    1,
    1,
    [
        ("create", 'module.jitsi.aws_ecs_service.this["web"]'),
        ("create", 'module.alarms.aws_cloudwatch_metric_alarm.this["elb-5xx"]'),
        ("update", "module.edge.aws_lb_listener.https"),
        ("replace", 'module.jitsi.aws_ecs_task_definition.this["jvb"]'),
    ],
)


def test_plan_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan_json(SUMMARY) == {
        "add": 2,
        "change": 1,
        "destroy": 1,
        "changes": [{"action": a, "address": x} for a, x in SUMMARY.changes],
    }
    print_plan(SUMMARY)
    text = capsys.readouterr().out
    assert "Plan: 2 to add, 1 to change, 1 to destroy." in text
    assert "replace" in text and 'aws_ecs_task_definition.this["jvb"]' in text
    print_plan(PlanSummary(0, 0, 0, []))
    assert capsys.readouterr().out.strip() == "No changes: the deployment matches the config."


def test_cost_compare_table(capsys: pytest.CaptureFixture[str]) -> None:
    print_compare(
        [
            {"lever": "current config", "change": "", "monthly_total": 161.2, "saving": 0.0},
            {
                "lever": "arm64",
                "change": "every service on Graviton",
                "monthly_total": 145.0,
                "saving": 16.2,
            },
        ]
    )
    text = capsys.readouterr().out
    assert "Cost levers against the current config" in text
    assert "161.20" in text and "16.20" in text and "every service on Graviton" in text


def _status() -> dict[str, Any]:
    return {
        "services": [
            {
                "name": "web",
                "running": 2,
                "desired": 3,
                "pending": 1,
                "task_definition": "arn:aws:ecs:us-west-2:1:task-definition/jitsi-web:7",
                "events": ["(service web) rolling back: circuit breaker"],
                "deployments": [
                    {
                        "status": "PRIMARY",
                        "rollout_state": "FAILED",
                        "reason": "circuit breaker tripped",
                        "task_definition": "arn:aws:ecs:us-west-2:1:task-definition/jitsi-web:8",
                    },
                    {
                        "status": "ACTIVE",
                        "rollout_state": "IN_PROGRESS",
                        "reason": "",
                        "task_definition": "arn:aws:ecs:us-west-2:1:task-definition/jitsi-web:7",
                    },
                ],
            },
            {
                "name": "jvb",
                "running": 0,
                "desired": 0,
                "pending": 0,
                "task_definition": None,
                "events": [],
                "deployments": [],
            },
        ],
        "alarms": [{"name": "jitsi-elb-5xx", "state": "ALARM", "reason": "drill"}],
        "budgets": [{"name": "jitsi-monthly-5usd", "limit": 5.0, "actual": 1.5, "forecast": 4.0}],
        "jitsi": {"conferences": 2.0, "participants": 7.0, "as_of": "2026-01-01 10:00:00+00:00"},
    }


def test_status_table(capsys: pytest.CaptureFixture[str]) -> None:
    print_status(_status())
    text = capsys.readouterr().out
    assert "2/3" in text and "PRIMARY jitsi-web:8" in text and "circuit breaker tripped" in text
    assert "ACTIVE jitsi-web:7" in text and "IN_PROGRESS" in text
    assert "rolling back: circuit breaker" in text
    assert "jitsi-elb-5xx" in text and "ALARM" in text
    # Whatever jicofo has not reported yet shows as "?".
    assert "Jitsi now: 2 conference(s), 7 participant(s), ? operational bridge(s)" in text
    assert "jitsi-monthly-5usd" in text and "4.0" in text
    quiet = {**_status(), "jitsi": None}
    print_status(quiet)
    assert "no telemetry data yet" in capsys.readouterr().out


def test_verify_exit_code_json_and_junit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ok = [compare("logs.group", 30, 30), skip("telemetry.function", "off")]
    assert report(ok, True, tmp_path / "ok.xml") == 0
    assert json.loads(capsys.readouterr().out)["summary"] == {"pass": 1, "fail": 0, "skip": 1}
    assert (tmp_path / "ok.xml").is_file()
    bad = [*ok, compare("budget.5", "5.00", "7.00")]
    assert report(bad, False, None) == 1
    assert "1 passed, 1 failed, 1 skipped" in capsys.readouterr().out


def test_drill_report(capsys: pytest.CaptureFixture[str]) -> None:
    result = DrillResult("rollback")
    result.step("deploy broken revision", True, "jitsi-web:9")
    result.timings = {"first_failed_task_s": 4.5, "rollback_started_s": None}
    assert _report(result, as_json=True) == 1  # not passed
    assert json.loads(capsys.readouterr().out) == {
        "drill": "rollback",
        "passed": False,
        "steps": result.steps,
        "timings": {"first_failed_task_s": 4.5, "rollback_started_s": None},
    }
    result.passed = True
    assert _report(result, as_json=False) == 0
    text = capsys.readouterr().out
    assert "drill rollback: PASSED" in text and "first_failed_task_s: 4.50" in text
    assert "rollback_started_s: -" in text


def test_init_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    nowhere = runner.invoke(app, ["init", "--path", "conf/my.toml"])  # no such directory
    assert nowhere.exit_code == 2
    assert "error: cannot write conf/my.toml: No such file or directory" in nowhere.stderr
    assert nowhere.stdout == "" and isinstance(nowhere.exception, SystemExit)
    made = runner.invoke(app, ["init", "--path", "my.toml"])
    assert made.exit_code == 0 and "Wrote my.toml" in made.stderr
    again = runner.invoke(app, ["init", "--path", "my.toml"])
    assert again.exit_code == 2
    assert "error: my.toml already exists" in again.stderr
    assert "hint: Pass --force to overwrite it." in again.stderr
    (tmp_path / "my.toml").write_text("# mine\n")
    forced = runner.invoke(app, ["init", "--path", "my.toml", "--force"])
    assert forced.exit_code == 0 and (tmp_path / "my.toml").read_text() != "# mine\n"
    # The file it wrote loads: env gets past the config to the (absent) emulator.
    uses = runner.invoke(app, ["--config", "my.toml", "env"])
    assert uses.exit_code == 1 and "the local emulator is not running" in uses.stderr


def test_status_says_when_the_shard_has_no_working_bridge(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def bridge(health: str) -> dict[str, Any]:
        tasks = [{"task": "abc", "status": "RUNNING", "health": health}]
        return {"service": "shard", "tasks": tasks, "working": health == "HEALTHY"}

    print_status({**_status(), "shard_bridge": bridge("UNHEALTHY")})
    text = " ".join(capsys.readouterr().out.split())
    assert "The shard has no working bridge (RUNNING UNHEALTHY)" in text
    assert "web and signaling stay up" in text
    print_status({**_status(), "shard_bridge": bridge("HEALTHY")})
    text = capsys.readouterr().out
    assert "Shard's bridge: RUNNING HEALTHY." in text and "no working bridge" not in text
