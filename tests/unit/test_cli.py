"""The CLI never shows a traceback for bad input: exit 2 and one message naming the cause."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jitsi_ecs.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_bad_config_exits_2_with_the_key(in_tmp: Path) -> None:
    (in_tmp / "jitsi-ecs.toml").write_text("[budgets]\nlimits = [10, 5]\n")
    result = runner.invoke(app, ["plan"])
    assert result.exit_code == 2
    assert "budgets: limits [10.0, 5.0]" in result.output and "ascending" in result.output
    assert "Traceback" not in result.output


def test_unknown_key_exits_2(in_tmp: Path) -> None:
    (in_tmp / "c.toml").write_text("[jitsi]\nwebb = 1\n")
    result = runner.invoke(app, ["--config", "c.toml", "verify"])
    assert result.exit_code == 2
    assert "jitsi.webb: unknown key" in result.output


def test_missing_config_file_exits_2() -> None:
    result = runner.invoke(app, ["up", "--config", "missing.toml"])
    assert result.exit_code == 2
    assert "missing.toml does not exist" in result.output


def _no_emulator(ws: object) -> None:
    raise AssertionError("the emulator was started before terraform was checked")


def test_missing_terraform_binary_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("jitsi_ecs.emulator.manager.ensure_running", _no_emulator)
    result = runner.invoke(app, ["plan"])
    assert result.exit_code == 2
    assert "terraform was not found on PATH" in result.output
    assert "Terraform >= 1.11" in " ".join(result.output.split())


def test_too_old_terraform_exits_2_before_the_emulator_starts(
    monkeypatch: pytest.MonkeyPatch, in_tmp: Path
) -> None:
    fake = in_tmp / "bin" / "terraform"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho \'{"terraform_version": "1.10.5"}\'\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    monkeypatch.setattr("jitsi_ecs.emulator.manager.ensure_running", _no_emulator)
    result = runner.invoke(app, ["up"])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())  # rich wraps lines
    assert "Terraform 1.10.5 was found" in message and "needs Terraform >= 1.11" in message


def test_missing_aws_credentials_exit_2(monkeypatch: pytest.MonkeyPatch, in_tmp: Path) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(in_tmp / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(in_tmp / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = runner.invoke(app, ["plan", "--target", "aws"])
    assert result.exit_code == 2
    assert "no usable AWS credentials" in " ".join(result.output.split())  # rich wraps lines


def test_env_without_emulator_says_what_to_do() -> None:
    result = runner.invoke(app, ["env"])
    assert result.exit_code == 1
    assert "not running" in result.output and "jitsi-ecs up" in result.output


def test_bad_target_is_refused() -> None:
    result = runner.invoke(app, ["plan", "--target", "gcp"])
    assert result.exit_code == 2


def test_init_writes_the_file(in_tmp: Path) -> None:
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0
    assert (in_tmp / "jitsi-ecs.toml").is_file()


class _FakeEmulator:
    endpoint = "http://127.0.0.1:9"
    fresh = False


def test_sigterm_stops_terraform_like_ctrl_c(tmp_path: Path) -> None:
    """A cancelled CI job (SIGTERM) must not leave terraform running on with the state lock:
    it gets one SIGINT and saves its state, as on Ctrl-C."""
    import os
    import signal
    import subprocess
    import sys
    import time

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "terraform"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$1" = version ]; then echo \'{"terraform_version":"1.11.4"}\'; exit 0; fi\n'
        "trap 'echo saved > \"$PWD/saved\"; exit 1' INT\n"
        "echo started\nsleep 30 >/dev/null 2>&1 & wait\n"
    )
    fake.chmod(0o755)
    script = (
        "import signal, sys\n"
        "from pathlib import Path\n"
        "from jitsi_ecs import cli\n"
        "from jitsi_ecs.errors import Interrupted\n"
        "from jitsi_ecs.terraform import Terraform\n"
        # As from a terminal (a background job starts with SIGINT ignored; bash could not trap it)
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "signal.signal(signal.SIGTERM, cli._stop_as_interrupted)\n"
        "work = Path(sys.argv[1])\n"
        "try:\n"
        "    Terraform(work, {}, work / 'apply.log').run(['apply'])\n"
        "except Interrupted:\n"
        "    sys.exit(130)\n"
    )
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        log = tmp_path / "apply.log"
        if log.is_file() and "started" in log.read_text():
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 130
    assert (tmp_path / "saved").read_text() == "saved\n"
