"""Every `jitsi-ecs ...` command the README and the manual show works as written (issue 22).

`documented_commands()` extracts them from README.md and docs/ (shell code blocks and inline
code; docs/reference/ is generated from the CLI itself and left out), with placeholders such
as `<domain>` filled in. `parses(command)` checks one against the typer app without running
it (known command, known options, valid values): tests/unit/test_docs_commands.py runs that
for every command, so a misspelled flag fails without an emulator.

`run_documented_commands(project, executable)` runs each against a live local deployment, as
a process, and fails on an exit code the docs do not lead one to expect, or on a traceback. It
needs the project directory of a deployment of the default config (its `jitsi-ecs.toml`, or
none: the built-in defaults) and the `jitsi-ecs` executable. Commands that would destroy or
replace what the caller's flow still needs, or that need an AWS account, are not run: each is
in NOT_RUN with the reason, and the unit test fails when one of them is no longer in the docs.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Placeholders the docs use, and what they stand for on the default local deployment.
PLACEHOLDERS = {
    "<domain>": "meet.example.com",
    "<name>": "jitsi",
    "<room>": "standup",
    "OWNER/REPO:ENVIRONMENT": "example/meet:production",
    "OWNER/REPO": "example/meet",
}

# Commands (their leading words, after `jitsi-ecs`) that are not run here, and why. The first
# entry that matches a command gives its reason.
NOT_RUN: dict[str, str] = {
    "--target aws": "needs an AWS account (the aws flow runs these against the emulator)",
    "cost --refresh-prices": "reads the AWS Price List API with real AWS credentials",
    "cost --compare": "plans once per lever (3 minutes on 2 cores); the CLI flow runs "
    "`cost --compare --json` on the same deployment and checks its rows",
    "plan": "env_matrix.check_commands runs `plan` as written, as a process, on the same "
    "deployment (a minute on 2 cores)",
    "cost": "env_matrix.check_commands runs `cost` as written, as a process, on the same "
    "deployment (a minute on 2 cores)",
    "up": "applies the config: the flow that calls this ran it already (and it takes a minute)",
    "down": "destroys the deployment the flow still uses; the flow's own teardown runs it",
    "rotate-secrets": "replaces the shard task and applies: slow, and the CLI flow runs it",
    "secret set": "needs an operator service ([services.api]); the services flow runs it",
    "drill rollback": "the CLI flow runs `drill rollback --service shard --json` on the same "
    "deployment right after and checks its report (twenty seconds a run on 2 cores)",
}

# Commands the docs show failing on purpose, with the exit code they give.
EXPECTED_EXIT: dict[str, int] = {}

# What to run after a command so the deployment is as the caller left it (its leading words).
UNDO = {("members", "add"): ("members", "remove")}

# A text a command prints when Python itself failed.
TRACEBACK = "Traceback (most recent call last)"


@dataclass(frozen=True)
class DocCommand:
    source: str  # file:line it was shown at
    text: str  # as written in the docs (placeholders filled)
    argv: tuple[str, ...]  # after `jitsi-ecs`
    stdin: str | None = None  # a file the docs redirect into it (`< key.txt`)
    stdout: str | None = None  # a file the docs redirect its output to (`> iam.json`)


@dataclass
class Outcome:
    command: DocCommand
    code: int | None
    seconds: float
    output: str = ""
    problems: list[str] = field(default_factory=list)


def manual_files(repo: Path = REPO) -> list[Path]:
    pages = sorted(p for p in (repo / "docs").rglob("*.md") if "reference" not in p.parts)
    return [repo / "README.md", *pages]


_FENCE = re.compile(r"^```(\w*)\s*$")
_INLINE = re.compile(r"`(jitsi-ecs [^`]+)`")
_EVAL = re.compile(r"\$\((jitsi-ecs [^)]*)\)")
SHELL_BLOCKS = {"sh", "bash", "shell", "console", ""}


def _fill(text: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


def _synopsis(text: str) -> bool:
    """A usage line (`[--json]`, `shard|jvb`, `NAME`), not a command to type."""
    return bool(re.search(r"\[|\||\.\.\.|…|\b[A-Z]{2,}\b(?!_)", text.split("jitsi-ecs", 1)[1]))


def _command(text: str, source: str) -> DocCommand | None:
    text = _fill(" ".join(text.split()))
    if text.startswith("$ "):
        text = text[2:]
    found = _EVAL.search(text)
    if found:
        text = found.group(1)
    if not text.startswith("jitsi-ecs "):
        return None
    words = shlex.split(text, comments=True)
    if _synopsis(" ".join(words)):
        return None
    stdin = stdout = None
    if "<" in words:
        at = words.index("<")
        stdin, words = words[at + 1], words[:at] + words[at + 2 :]
    if ">" in words:
        at = words.index(">")
        stdout, words = words[at + 1], words[:at] + words[at + 2 :]
    return DocCommand(source, " ".join(words), tuple(words[1:]), stdin, stdout)


def documented_commands(repo: Path = REPO) -> list[DocCommand]:
    """Every command shown, once each (the first place it is shown), in the order shown:
    each line of a shell code block, and inline code (which may wrap across lines)."""
    found: dict[str, DocCommand] = {}

    def keep(text: str, source: str) -> None:
        command = _command(text, source)
        if command is not None and command.text not in found:
            found[command.text] = command

    for path in manual_files(repo):
        where = path.relative_to(repo)
        fence: str | None = None
        prose: list[str] = []  # the text outside code blocks, lines kept in place
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            opened = _FENCE.match(line.strip())
            if opened:
                fence = None if fence is not None else opened.group(1)
                prose.append("")
                continue
            if fence is None:
                prose.append(line)
                continue
            prose.append("")
            if fence in SHELL_BLOCKS:
                keep(line, f"{where}:{number}")
        text = "\n".join(prose)
        for match in _INLINE.finditer(text):
            keep(match.group(1), f"{where}:{text.count(chr(10), 0, match.start()) + 1}")
    return list(found.values())


def reason_not_run(command: DocCommand) -> str | None:
    words = " ".join(command.argv)
    for prefix, reason in NOT_RUN.items():
        if prefix.startswith("--") and f" {prefix} " in f" {words} ":
            return reason
        if words == prefix or words.startswith(prefix + " "):
            return reason
    return None


def parses(command: DocCommand) -> str | None:
    """None when the typer app accepts the command line (without running it), else why not."""
    import typer
    import typer.main

    from jitsi_ecs.cli import _normalise_argv, app

    group = typer.main.get_command(app)
    try:
        ctx = group.make_context("jitsi-ecs", _normalise_argv(list(command.argv)))
        current = group
        while hasattr(current, "commands"):
            name, sub, rest = current.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
            if sub is None:
                return f"no command {name}"
            ctx = sub.make_context(name, rest, parent=ctx)
            current = sub
    except typer.Exit as done:  # an eager option (--version, --help) answered: it parsed
        return None if done.exit_code == 0 else f"exit {done.exit_code}"
    except Exception as exc:  # click's UsageError and its kin (typer vendors click)
        if hasattr(exc, "format_message"):
            return str(exc.format_message())
        raise
    return None


def _run(command: DocCommand, project: Path, executable: list[str], env: dict[str, str]) -> Outcome:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="docs-commands-") as scratch:
        # init writes ./jitsi-ecs.toml: not over the deployment's own config.
        cwd = Path(scratch) if command.argv[:1] == ("init",) else project
        done = subprocess.run(
            [*executable, *command.argv],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,  # a command that asks would wait: none shown here does
            capture_output=True,
            text=True,
            timeout=600,
        )
    output = done.stdout + done.stderr
    outcome = Outcome(command, done.returncode, time.monotonic() - started, output)
    wanted = EXPECTED_EXIT.get(command.text, 0)
    if done.returncode != wanted:
        outcome.problems.append(f"exit {done.returncode}, the docs lead one to expect {wanted}")
    if TRACEBACK in output:
        outcome.problems.append("a traceback")
    return outcome


def run_documented_commands(
    project: Path,
    executable: Path | Sequence[str] = (sys.executable, "-m", "jitsi_ecs"),
    env: dict[str, str] | None = None,
) -> list[Outcome]:
    """Run every documented command that NOT_RUN lets run against the deployment in project
    (the default config, deployed on the local target), one at a time, as processes of
    executable (the `jitsi-ecs` script, or the command line that runs it); undo what one adds
    (a member). Raise AssertionError naming each command that failed, with where the docs show
    it; return the outcomes (with their timings)."""
    program = [str(executable)] if isinstance(executable, (str, Path)) else list(executable)
    env = dict(os.environ if env is None else env)
    env.setdefault("NO_COLOR", "1")
    outcomes = []
    for command in documented_commands():
        if reason_not_run(command) is not None:
            continue
        outcomes.append(_run(command, project, program, env))
        undo = UNDO.get(command.argv[:2])
        if undo is not None:
            words = (*undo, *command.argv[2:])
            again = DocCommand(command.source, " ".join(("jitsi-ecs", *words)), words)
            outcomes.append(_run(again, project, program, env))
    failed = [o for o in outcomes if o.problems]
    if failed:
        raise AssertionError(
            "documented commands that do not work as written:\n"
            + "\n".join(
                f"- {o.command.source}: `{o.command.text}`: {', '.join(o.problems)}\n"
                + "\n".join(f"    {line}" for line in o.output.strip().splitlines()[-6:])
                for o in failed
            )
        )
    return outcomes
