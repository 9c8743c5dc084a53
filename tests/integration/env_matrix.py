"""Every command under every hostile environment, as a real process: an exit code, a message,
never a traceback (issue 22: terraform's stderr, merged into the JSON `output -json` printed,
ended `link` and `status` in a JSONDecodeError).

`check_commands` runs against a healthy deployment (from test_cli_flow.py):
- the read-only commands (verify, status, link, members list) under each environment alone,
  in parallel;
- every command, down included, where Terraform is missing or too old: each stops before the
  target is reached (exit 2), so these are cheap and run in parallel too;
- the commands that plan (plan, cost, up) one at a time (they take the state's lock), under
  all the working environments at once: a terraform plan each (~10 s), where one per
  environment would add minutes to CI. Each must exit 0, so each ran to its end with every
  quirk present.
`check_down` destroys the deployment under all the working environments at once.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.integration import wheel

WRITE = (["plan"], ["cost"], ["up"])
READ = (["verify"], ["status"], ["link", "--room", "standup"], ["members", "list"])
OLD_VERSION = "1.10.5"
# What an old Terraform prints: `version -json` (0.13 and later), `version` as text.
OLD_TERRAFORM = f"""#!/bin/sh
if [ "$1" = version ] && [ "$2" = -json ]; then
  printf '{{"terraform_version": "{OLD_VERSION}", "platform": "linux_amd64"}}\\n'
else
  echo "Terraform v{OLD_VERSION}"
fi
"""

Env = dict[str, str | None]  # None: unset


@dataclass(frozen=True)
class Outcome:
    env: str
    command: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float

    def problem(self, expected: int, message: str | None) -> str | None:
        text = self.stdout + self.stderr
        where = f"{' '.join(self.command)} under {self.env}: exit {self.code}"
        if "Traceback" in text:
            return f"{where}, a traceback:\n{text[-3000:]}"
        if self.code != expected:
            return f"{where}, expected {expected}:\n{text[-3000:]}"
        if self.code != 0 and not self.stderr.strip():
            return f"{where} with no message on stderr"
        if message and message not in " ".join(self.stderr.split()):  # rich wraps lines
            return f"{where}, stderr lacks {message!r}:\n{self.stderr[-2000:]}"
        return None


def environments(scratch: Path) -> dict[str, Env]:
    """Each environment a user reported or could have, on top of the test's own."""
    home = scratch / "home-is-a-file"  # nothing can be created under it, not even by root
    home.write_text("")
    old = scratch / "old-terraform"
    old.mkdir(exist_ok=True)
    (old / "terraform").write_text(OLD_TERRAFORM)
    (old / "terraform").chmod(0o755)
    path = os.environ["PATH"].split(os.pathsep)
    without = [d for d in path if not (Path(d) / "terraform").exists()]
    return {
        "TF_CLI_CONFIG_FILE missing": {"TF_CLI_CONFIG_FILE": str(scratch / "missing.tfrc")},
        "TF_LOG=DEBUG": {"TF_LOG": "DEBUG", "TF_LOG_PATH": None},
        "NO_COLOR=1": {"NO_COLOR": "1"},
        "TERM=dumb": {"TERM": "dumb"},
        "CI=true, no terminal": {"CI": "true"},  # every run's stdin is /dev/null
        "unwritable HOME": {"HOME": str(home), "XDG_CACHE_HOME": None},
        "no terraform": {"PATH": os.pathsep.join(without)},
        "terraform too old": {"PATH": os.pathsep.join([str(old), *path])},
    }


NO_TERRAFORM = {"no terraform": "terraform was not found on PATH"}
TOO_OLD = {"terraform too old": f"Terraform {OLD_VERSION} was found"}
REFUSED = {**NO_TERRAFORM, **TOO_OLD}


def run(project: Path, cli: Path, name: str, env: Env, command: list[str]) -> Outcome:
    full = wheel.project_env(project)  # the installed tool's, nothing from the checkout
    for key, value in env.items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    started = time.monotonic()
    done = subprocess.run(
        [str(cli), *command],
        cwd=project,
        env=full,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return Outcome(
        name, command, done.returncode, done.stdout, done.stderr, time.monotonic() - started
    )


def _check(outcomes: list[Outcome]) -> list[str]:
    problems = []
    for outcome in outcomes:
        expected, message = (2, REFUSED[outcome.env]) if outcome.env in REFUSED else (0, None)
        problem = outcome.problem(expected, message)
        if problem:
            problems.append(problem)
    return problems


def _combined(envs: dict[str, Env]) -> Env:
    combined: Env = {}
    for name, env in envs.items():
        if name not in REFUSED:
            combined.update(env)
    return combined


ALL_AT_ONCE = "all the working environments at once"


def check_commands(project: Path, cli: Path) -> list[Outcome]:
    """The matrix above, `cli` (the installed jitsi-ecs) against the deployment in project;
    fails the test with every problem found. Returns the outcomes (for their timings)."""
    with tempfile.TemporaryDirectory() as scratch:
        envs = environments(Path(scratch))
        working = {n: e for n, e in envs.items() if n not in REFUSED}
        parallel = [(n, envs[n], c) for n in REFUSED for c in [*WRITE, *READ, ["down"]]]
        parallel += [(n, e, c) for n, e in working.items() for c in READ]
        combined = _combined(envs)
        outcomes: list[Outcome] = []

        def serial() -> list[Outcome]:
            return [run(project, cli, ALL_AT_ONCE, combined, c) for c in WRITE]

        with ThreadPoolExecutor(max_workers=4) as pool:
            writes = pool.submit(serial)  # one at a time: they take the state's lock
            outcomes += pool.map(lambda job: run(project, cli, *job), parallel)
            outcomes += writes.result()
    assert len(outcomes) == len(REFUSED) * 8 + len(working) * len(READ) + len(WRITE)
    problems = _check(outcomes)
    assert not problems, "\n\n".join(problems)
    return outcomes


def check_down(project: Path, cli: Path) -> Outcome:
    """`down` under all the working environments at once: destroys, exit 0."""
    with tempfile.TemporaryDirectory() as scratch:
        env = _combined(environments(Path(scratch)))
        outcome = run(project, cli, ALL_AT_ONCE, env, ["down"])
    problem = outcome.problem(0, None)
    assert problem is None, problem
    return outcome
