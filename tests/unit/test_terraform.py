"""The terraform runner: plan summaries, missing or old binary, clean Ctrl-C, error messages,
stderr kept out of the output that is parsed."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from jitsi_ecs.errors import EXIT_INTERRUPTED, Interrupted, TerraformError, UsageError
from jitsi_ecs.terraform import Terraform, minimum_version, terraform_binary
from jitsi_ecs.workspace import infra_source

VERSION = 'if [ "$1" = version ]; then echo \'{"terraform_version":"%s"}\'; exit 0; fi\n'


def _fake_terraform(
    tmp_path: Path, script: str, monkeypatch: pytest.MonkeyPatch, version: str = "1.11.4"
) -> None:
    """A terraform on PATH that answers `version -json` with version, and runs script."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "terraform"
    exe.write_text("#!/usr/bin/env bash\n" + VERSION % version + script)
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
    with pytest.raises(UsageError, match="terraform was not found on PATH") as info:
        terraform_binary()
    assert f"Terraform >= {minimum_version()}" in (info.value.hint or "")


def test_the_minimum_version_is_the_root_modules_required_version() -> None:
    text = (infra_source() / "versions.tf").read_text()
    assert f'required_version = ">= {minimum_version()}"' in text
    assert minimum_version() == "1.11"  # write-only arguments: value_wo


@pytest.mark.parametrize("version", ["1.10.5", "1.9.0", "0.12.31"])
def test_an_older_terraform_is_a_usage_error_naming_both_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    # Terraform 0.12 ignores -json and prints its version as text.
    script = "echo 'Terraform v0.12.31'; exit 0\n" if version.startswith("0.") else ""
    _fake_terraform(tmp_path, script, monkeypatch, version=version)
    with pytest.raises(UsageError) as info:
        Terraform(tmp_path, {}, tmp_path / "x.log")
    assert f"Terraform {version} was found" in info.value.message
    assert "needs Terraform >= 1.11" in info.value.message
    assert info.value.exit_code == 2


@pytest.mark.parametrize("version", ["1.11.0", "1.12.0-beta1", "2.0.0"])
def test_a_recent_enough_terraform_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    _fake_terraform(tmp_path, "", monkeypatch, version=version)
    assert terraform_binary() == str(tmp_path / "bin" / "terraform")


def test_the_version_is_checked_once_per_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_terraform(tmp_path, "", monkeypatch)
    exe = tmp_path / "bin" / "terraform"
    # Every call of the fake is recorded, `version` included.
    exe.write_text(exe.read_text().replace("\n", '\necho "$1" >> "$0.calls"\n', 1))
    tf = Terraform(tmp_path, {}, tmp_path / "x.log")
    Terraform(tmp_path, {}, tmp_path / "x.log").run(["apply"])
    tf.run(["plan"])
    calls = (tmp_path / "bin" / "terraform.calls").read_text().split()
    assert calls == ["version", "apply", "plan"]


def test_an_unreadable_version_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "terraform"
    exe.write_text("#!/usr/bin/env bash\necho 'not terraform'\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    with pytest.raises(UsageError, match="cannot tell which version"):
        terraform_binary()


@pytest.mark.parametrize(
    "stderr",
    [
        "There are some problems with the CLI configuration:\n│ Warning: Unable to open CLI "
        "configuration file",
        "2026-12-06T21:31:15.801Z [DEBUG] using github.com/hashicorp/go-tfe v1.70.0",
    ],
)
def test_stderr_stays_out_of_the_parsed_output_but_reaches_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stderr: str
) -> None:
    # What TF_CLI_CONFIG_FILE naming a missing file, or TF_LOG=DEBUG, adds on stderr.
    _fake_terraform(
        tmp_path,
        f'echo \'{stderr}\' >&2\necho \'{{"url": {{"value": "https://x"}}}}\'\n'
        f"echo '{stderr}' >&2\n",
        monkeypatch,
    )
    log = tmp_path / "status.log"
    assert Terraform(tmp_path, {}, log).outputs() == {"url": "https://x"}
    assert log.read_text().count(stderr.splitlines()[0]) == 2


def test_a_lot_of_stderr_does_not_deadlock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Far more than a pipe's buffer on both streams at once.
    _fake_terraform(
        tmp_path,
        'for i in $(seq 20000); do echo "[DEBUG] line $i of stderr" >&2; '
        'echo "{\\"n\\": $i}"; done\n',
        monkeypatch,
    )
    events: list[dict[str, object]] = []
    Terraform(tmp_path, {}, tmp_path / "x.log").run(["apply"], events.append)
    assert len(events) == 20000
    assert (tmp_path / "x.log").read_text().count("of stderr") == 20000


@pytest.mark.parametrize("stdout", ["", "Warning: something\n{", "[1, 2]", '{"url": 1}'])
def test_output_that_does_not_parse_is_a_terraform_error_naming_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stdout: str
) -> None:
    _fake_terraform(tmp_path, f"printf '%s' '{stdout}'\n", monkeypatch)
    log = tmp_path / "link.log"
    with pytest.raises(TerraformError) as info:
        Terraform(tmp_path, {}, log).outputs()
    assert "terraform output" in info.value.message
    assert info.value.log_path == str(log)


def test_an_error_on_stderr_is_the_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Commands without -json (init, output, state) print their diagnostics on stderr; TF_LOG
    # lines that mention an error are not the message.
    _fake_terraform(
        tmp_path,
        "echo '2026-12-06T21:31:15.801Z [DEBUG] Error: a debug line' >&2\n"
        "echo 'Error: Backend initialization required' >&2\nexit 1\n",
        monkeypatch,
    )
    with pytest.raises(TerraformError, match="output failed: Error: Backend initialization"):
        Terraform(tmp_path, {}, tmp_path / "x.log").outputs()


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

    # A shell starts a background job with SIGINT ignored, children inherit that, and bash
    # cannot trap a signal ignored on entry: give the fake terraform SIGINT as a terminal would.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    previous = signal.signal(signal.SIGALRM, ctrl_c)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        with pytest.raises(Interrupted) as info:
            tf.run(["apply"])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        signal.signal(signal.SIGINT, previous_int)
    assert info.value.exit_code == EXIT_INTERRUPTED
    assert "stopped cleanly and saved its state" in info.value.message
    assert "Run the same command again to resume" in (info.value.hint or "")
    assert "state-saved-cleanly" in (tmp_path / "apply.log").read_text()


SHOW_SECRET = "s3cr3t-value-from-the-plan"


def _fake_planner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """plan writes the plan file; show prints planned values with a secret in them."""
    _fake_terraform(
        tmp_path,
        'case "$1" in\n'
        '  plan) echo \'{"@level":"info","@message":"planning"}\'; echo plan > jitsi-ecs.tfplan;;\n'
        f'  show) echo \'{{"planned_values":{{"secret":"{SHOW_SECRET}"}},'
        '"resource_changes":[]}\';;\n'
        "  init) mkdir -p .terraform; echo initialised >> init-count;;\n"
        "esac\n",
        monkeypatch,
    )


def test_plan_json_never_reaches_the_log_and_no_plan_file_remains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_planner(tmp_path, monkeypatch)
    work = tmp_path / "stack"
    work.mkdir()
    log = tmp_path / "logs" / "plan.log"
    plan = Terraform(work, {}, log).plan()
    assert plan.json["planned_values"]["secret"] == SHOW_SECRET  # read ...
    assert SHOW_SECRET not in log.read_text()  # ... never written
    assert "output not logged" in log.read_text()
    assert not (work / "jitsi-ecs.tfplan").exists()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_plan_file_is_deleted_even_when_apply_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_planner(tmp_path, monkeypatch)
    work = tmp_path / "stack"
    work.mkdir()
    tf = Terraform(work, {}, tmp_path / "up.log")
    with pytest.raises(RuntimeError), tf.planned():
        assert (work / "jitsi-ecs.tfplan").exists()
        raise RuntimeError("apply failed")
    assert not (work / "jitsi-ecs.tfplan").exists()


def test_terraform_runs_with_a_private_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_terraform(tmp_path, "echo state > terraform.tfstate\n", monkeypatch)
    work = tmp_path / "stack"
    work.mkdir()
    Terraform(work, {}, tmp_path / "x.log").run(["apply"])
    assert stat.S_IMODE((work / "terraform.tfstate").stat().st_mode) == 0o600


def test_init_runs_only_when_the_configuration_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_planner(tmp_path, monkeypatch)
    work = tmp_path / "stack"
    work.mkdir()
    (work / "main.tf").write_text("# one\n")
    tf = Terraform(work, {}, tmp_path / "init.log")
    assert tf.init() is True
    assert tf.init() is False  # nothing changed: no second init (and no network)
    (work / "main.tf").write_text("# two\n")
    assert tf.init() is True
    assert tf.init({"bucket": "b"}) is True  # a new backend
    assert (work / "init-count").read_text().count("initialised") == 3


def test_plan_without_refresh_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_terraform(
        tmp_path,
        'echo "$@" >> args\ncase "$1" in\n'
        "  plan) echo plan > jitsi-ecs.tfplan;;\n"
        "  show) echo '{\"resource_changes\":[]}';;\n"
        "esac\n",
        monkeypatch,
    )
    work = tmp_path / "stack"
    work.mkdir()
    tf = Terraform(work, {}, tmp_path / "plan.log")
    with tf.planned():
        pass
    with tf.planned(refresh=False):
        pass
    plans = [line for line in (work / "args").read_text().splitlines() if line.startswith("plan")]
    assert ["-refresh=false" in line for line in plans] == [False, True]


LOCK_DETAIL = (
    "Error message: operation error S3: PutObject, https response error StatusCode: 412, "
    "api error PreconditionFailed\\nLock Info:\\n  ID:        1b2c3d4e-0000-1111\\n"
    "  Path:      bucket/jitsi/terraform.tfstate\\n  Operation: OperationTypeApply\\n"
    "  Who:       ci@runner-7\\n  Version:   1.11.4\\n"
    "  Created:   2026-12-06 21:00:00.123456 +0000 UTC\\n  Info:      \\n\\n\\nTerraform acquires"
)


@pytest.mark.parametrize(
    "printed",
    [
        # plan -json: the diagnostic on stdout
        'echo \'{"@level":"error","@message":"Error: Error acquiring the state lock",'
        f'"diagnostic":{{"summary":"Error acquiring the state lock","detail":"{LOCK_DETAIL}"}}}}\'',
        # ... after the progress line Terraform prints first (it names the state lock too)
        'echo \'{"@level":"info","@message":"Acquiring state lock. This may take a few '
        'moments...","type":"state_lock_acquire"}\'; '
        'echo \'{"@level":"error","@message":"Error: Error acquiring the state lock",'
        f'"diagnostic":{{"summary":"Error acquiring the state lock","detail":"{LOCK_DETAIL}"}}}}\'',
        # plain text (init, output)
        f"printf 'Error: Error acquiring the state lock\\n\\n%b\\n' '{LOCK_DETAIL}' >&2",
    ],
)
def test_a_held_lock_says_who_since_when_and_how_to_release_it(
    printed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_terraform(tmp_path, printed + "; exit 1\n", monkeypatch)
    tf = Terraform(tmp_path, {}, tmp_path / "logs" / "plan.log")
    with pytest.raises(UsageError) as info:
        tf.run(["plan", "-json"])
    assert info.value.message == (
        "the Terraform state is locked: ci@runner-7 has held it since 2026-12-06 21:00:00 UTC "
        "(apply, lock 1b2c3d4e-0000-1111); nothing was changed"
    )
    assert info.value.hint is not None
    assert info.value.hint.endswith(
        f"terraform -chdir={tmp_path} force-unlock -force 1b2c3d4e-0000-1111"
    )


def test_a_refused_action_is_exit_2_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_terraform(
        tmp_path,
        'echo \'{"@level":"error","@message":"Error: creating ECS Cluster",'
        '"diagnostic":{"summary":"creating ECS Cluster (jitsi): operation error ECS: '
        "CreateCluster, https response error StatusCode: 400, api error AccessDeniedException: "
        "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
        "ecs:CreateCluster\"}}'; exit 1\n",
        monkeypatch,
    )
    with pytest.raises(UsageError) as info:
        Terraform(tmp_path, {}, tmp_path / "apply.log").run(["apply"])
    assert info.value.exit_code == 2
    assert info.value.message.startswith("terraform apply: AWS refused ecs:CreateCluster: ")
    assert "jitsi-ecs iam-policy" in (info.value.hint or "")
