"""The commands the README and the manual show, checked without an emulator: each one parses
against the typer app (known command, known options, valid values), and every command the
live run leaves out is still in the docs, with its reason (tests/integration/docs_commands.py
runs the others against a deployment)."""

from __future__ import annotations

from pathlib import Path

from tests.integration import env_matrix
from tests.integration.docs_commands import (
    EXPECTED_EXIT,
    NOT_RUN,
    DocCommand,
    documented_commands,
    parses,
    reason_not_run,
)


def test_the_docs_show_commands_and_each_one_parses() -> None:
    commands = documented_commands()
    shown = {c.text for c in commands}
    assert len(commands) >= 15
    assert {"jitsi-ecs link --room standup", "jitsi-ecs drill rollback --service shard"} <= shown
    refused = {f"{c.source}: {c.text}": parses(c) for c in commands}
    assert {k: v for k, v in refused.items() if v is not None} == {}


def test_a_misspelled_flag_or_command_does_not_parse() -> None:
    def command(*argv: str) -> DocCommand:
        return DocCommand("test", " ".join(("jitsi-ecs", *argv)), argv)

    assert parses(command("drill", "rollback", "--service", "shard")) is None
    assert "--servce" in (parses(command("drill", "rollback", "--servce", "shard")) or "")
    assert parses(command("drill", "rolback")) is not None
    assert parses(command("--target", "gcp", "status")) is not None
    assert parses(command("link")) is not None  # --room is required
    assert parses(command("up", "--wait-empty")) is None  # takes an optional duration


def test_every_command_left_out_of_the_live_run_is_still_in_the_docs() -> None:
    commands = documented_commands()
    for prefix, reason in NOT_RUN.items():
        matching = [c for c in commands if reason_not_run(c) == reason]
        assert matching, f"NOT_RUN[{prefix!r}] no longer matches a documented command: remove it"
    shown = {c.text for c in commands}
    assert set(EXPECTED_EXIT) <= shown
    # Only what NOT_RUN names is left out: the rest (status, verify, link, drills ...) runs.
    run = {c.text for c in commands if reason_not_run(c) is None}
    assert {"jitsi-ecs status", "jitsi-ecs drill alarm", "jitsi-ecs link --room standup"} <= run
    # plan and cost are left out because the environment matrix runs them as written.
    assert ["plan"] in env_matrix.WRITE and ["cost"] in env_matrix.WRITE


def test_extraction_reads_blocks_inline_code_and_redirections(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text(
        "# x\n\n```sh\n"
        "jitsi-ecs status                 # services [and] THINGS\n"
        'eval "$(jitsi-ecs env)"\n'
        "jitsi-ecs secret set api API_KEY < key.txt\n"
        "pip install -e .\n"
        "```\n\n"
        "```toml\njitsi-ecs = 1\n```\n\n"
        "Run `jitsi-ecs link --room standup` or `jitsi-ecs iam-policy\n"
        "--json`; a synopsis `jitsi-ecs link --room NAME [--json]` is not a command;\n"
        "the site is `https://<domain>/` and `jitsi-ecs plan > plan.txt`.\n"
    )
    (tmp_path / "docs" / "reference").mkdir()
    (tmp_path / "docs" / "reference" / "commands.md").write_text("`jitsi-ecs link`\n")
    found = documented_commands(tmp_path)
    assert [(c.text, c.source, c.stdin, c.stdout) for c in found] == [
        ("jitsi-ecs status", "README.md:4", None, None),
        ("jitsi-ecs env", "README.md:5", None, None),
        ("jitsi-ecs secret set api API_KEY", "README.md:6", "key.txt", None),
        ("jitsi-ecs link --room standup", "README.md:14", None, None),
        ("jitsi-ecs iam-policy --json", "README.md:14", None, None),
        ("jitsi-ecs plan", "README.md:16", None, "plan.txt"),
    ]
