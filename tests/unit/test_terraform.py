"""The terraform runner: plan summaries, missing binary, clean Ctrl-C, error messages."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from jitsi_ecs.errors import EXIT_INTERRUPTED, Interrupted, TerraformError, UsageError
from jitsi_ecs.terraform import Terraform, terraform_binary


def _fake_terraform(tmp_path: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "terraform"
    exe.write_text("#!/usr/bin/env bash\n" + script)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")


def test_summary_counts_actions() -> None:
    plan = {
        "resource_changes": [
            {"address": "a", "change": {"actions": ["create"]}},
            {"address": "b", "change": {"actions": ["update"]}},
            {"address": "c", "change": {"actions": ["delete", "create"]}},
            {"address": "d", "change": {"actions": ["no-op"]}},
        ]
    }
    summary = Terraform.summarize(plan)
    assert (summary.add, summary.change, summary.destroy) == (2, 1, 1)
    assert summary.changes == [("create", "a"), ("update", "b"), ("replace", "c")]


def test_missing_binary_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(UsageError, match="terraform was not found on PATH"):
        terraform_binary()


def test_failure_names_the_first_error_and_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_terraform(
        tmp_path,
        'echo \'{"@level":"error","@message":"x",'
        '"diagnostic":{"summary":"boom","detail":"why"}}\'; exit 1\n',
        monkeypatch,
    )
    tf = Terraform(tmp_path, {}, tmp_path / "logs" / "apply.log")
    with pytest.raises(TerraformError, match="terraform apply failed: boom: why") as info:
        tf.run(["apply"])
    assert info.value.log_path == str(tmp_path / "logs" / "apply.log")
    assert "boom" in (tmp_path / "logs" / "apply.log").read_text()


def test_ctrl_c_forwards_one_interrupt_and_waits_for_terraform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Terraform on SIGINT finishes the calls in flight and writes its state; the fake does the
    # equivalent (prints, then exits) so the test sees that the runner waited for it.
    _fake_terraform(
        tmp_path,
        "trap 'echo state-saved-cleanly; exit 1' INT\n"
        "echo applying\nsleep 30 >/dev/null 2>&1 & wait\n",
        monkeypatch,
    )
    tf = Terraform(tmp_path, {}, tmp_path / "apply.log")

    def ctrl_c(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, ctrl_c)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        with pytest.raises(Interrupted) as info:
            tf.run(["apply"])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert info.value.exit_code == EXIT_INTERRUPTED
    assert "stopped cleanly and saved its state" in info.value.message
    assert "Run the same command again to resume" in (info.value.hint or "")
    assert "state-saved-cleanly" in (tmp_path / "apply.log").read_text()
