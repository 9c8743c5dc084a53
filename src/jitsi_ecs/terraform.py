"""Run terraform on a private working copy of infra/, with progress and a log file.

Every command streams terraform's machine-readable output (`-json`) into the log, shows
progress from it, and turns a non-zero exit into a TerraformError that names the log.

Secrets never reach the disk through here: `terraform show -json` (every planned value) is
read but never logged, a saved plan (it embeds the state) is deleted as soon as the command
that made it is done with it, and terraform runs with umask 077 so its state and lock files
are owner-only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jitsi_ecs.errors import Interrupted, TerraformError, UsageError
from jitsi_ecs.workspace import make_private, write_private

VARS_FILE = "terraform.tfvars.json"
PLAN_FILE = "jitsi-ecs.tfplan"
BACKEND_FILE = "backend_s3.tf"
INIT_STAMP = ".terraform/jitsi-ecs-init.sha256"
PRIVATE_UMASK = 0o077

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Plan:
    """A saved plan's summary and its JSON (planned values: read it, never write it out)."""

    summary: PlanSummary
    json: dict[str, Any]


@dataclass(frozen=True)
class PlanSummary:
    add: int
    change: int
    destroy: int
    changes: list[tuple[str, str]]  # (action, resource address)

    @property
    def total(self) -> int:
        return self.add + self.change + self.destroy

    @property
    def empty(self) -> bool:
        return self.total == 0


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if not found:
        raise UsageError(
            "terraform was not found on PATH",
            hint="Install Terraform >= 1.9 (https://developer.hashicorp.com/terraform/install) "
            "and run the command again.",
        )
    return found


def sync_working_copy(source: Path, dest: Path) -> None:
    """Copy the modules into dest, keeping dest's state, plugins and lock.

    Every other file Terraform would read in dest goes first (configuration in HCL or JSON,
    overrides, variable files it loads by itself, test files): a stray `*.tf.json` or
    `*.auto.tfvars` left there would change what is planned. The tool writes the backend file
    and terraform.tfvars.json itself (the latter before every plan)."""
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    read_by_terraform = (
        "*.tf",
        "*.tf.json",
        "terraform.tfvars",
        "terraform.tfvars.json",
        "*.auto.tfvars",
        "*.auto.tfvars.json",
        "*.tftest.hcl",
        "*.tftest.json",
    )
    for old in {path for pattern in read_by_terraform for path in dest.glob(pattern)}:
        if old.name != BACKEND_FILE and (old.is_file() or old.is_symlink()):
            old.unlink()
    shutil.rmtree(dest / "modules", ignore_errors=True)
    shutil.copytree(source / "modules", dest / "modules", ignore=shutil.ignore_patterns("tests"))
    for item in source.iterdir():
        if item.suffix == ".tf" or item.name == ".terraform.lock.hcl":
            shutil.copy2(item, dest / item.name)
    for copied in [dest / "modules", *dest.glob("*.tf"), dest / ".terraform.lock.hcl"]:
        if copied.exists():
            make_private(copied) if copied.is_dir() else copied.chmod(0o600)


def configuration_fingerprint(workdir: Path, backend_config: dict[str, str] | None) -> str:
    """What `terraform init` depends on: every .tf file, the lock file and the backend."""
    digest = hashlib.sha256(json.dumps(backend_config or {}, sort_keys=True).encode())
    files = sorted([*workdir.glob("*.tf"), *workdir.glob("modules/**/*.tf")])
    lock = workdir / ".terraform.lock.hcl"
    for path in [*files, *([lock] if lock.is_file() else [])]:
        digest.update(str(path.relative_to(workdir)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Terraform:
    def __init__(self, workdir: Path, env: dict[str, str], log_path: Path) -> None:
        self.workdir = workdir
        self.log_path = log_path
        self.binary = terraform_binary()
        self.env = {**os.environ, **env, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}

    # ------------------------------------------------------------ plumbing
    def _log(self, text: str) -> None:
        if not self.log_path.exists():
            write_private(self.log_path, "")
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(text if text.endswith("\n") else text + "\n")

    @contextmanager
    def _process(self, args: list[str]) -> Iterator[subprocess.Popen[str]]:
        self._log(f"$ terraform {' '.join(args)}")
        # Own session: Ctrl-C reaches only us, and we forward exactly one SIGINT so terraform
        # finishes the calls in flight and writes its state before it stops.
        proc = subprocess.Popen(
            [self.binary, *args],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            umask=PRIVATE_UMASK,  # state, lock and plan files: owner-only
        )
        try:
            yield proc
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            assert proc.stdout is not None
            for line in proc.stdout:
                self._log(line)
            proc.wait()
            raise Interrupted(
                f"interrupted: terraform {args[0]} stopped cleanly and saved its state",
                hint="Run the same command again to resume; nothing is half-recorded.",
                log_path=str(self.log_path),
            ) from None

    def run(
        self,
        args: list[str],
        on_event: Callable[[dict[str, Any]], None] | None = None,
        *,
        log_output: bool = True,
    ) -> str:
        """Run terraform; return its stdout. -json lines go to on_event.

        log_output=False keeps the output out of the log (it holds values that must not be
        written to disk); the command line and exit code are still logged.
        """
        out: list[str] = []
        with self._process(args) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                if log_output:
                    self._log(line)
                out.append(line)
                if on_event and line.startswith("{"):
                    with contextlib.suppress(json.JSONDecodeError):
                        on_event(json.loads(line))
            code = proc.wait()
        if not log_output:
            self._log(f"(output not logged: it holds planned values; exit code {code})")
        if code != 0:
            raise TerraformError(
                f"terraform {args[0]} failed: {_first_error(out)}",
                log_path=str(self.log_path),
            )
        return "".join(out)

    # ------------------------------------------------------------ commands
    @property
    def initialised(self) -> bool:
        return (self.workdir / ".terraform").is_dir()

    def init(self, backend_config: dict[str, str] | None = None) -> bool:
        """`terraform init`, only when the configuration, lock or backend changed since the
        last one (it is the slow part of a command, and needs the network for providers).
        Returns whether it ran."""
        fingerprint = configuration_fingerprint(self.workdir, backend_config)
        stamp = self.workdir / INIT_STAMP
        if self.initialised and stamp.is_file() and stamp.read_text() == fingerprint:
            return False
        args = ["init", "-input=false", "-no-color"]
        for key, value in (backend_config or {}).items():
            args.append(f"-backend-config={key}={value}")
        if backend_config:
            args.append("-reconfigure")
        self.run(args)
        write_private(stamp, fingerprint)
        return True

    def write_vars(self, variables: dict[str, Any]) -> None:
        write_private(self.workdir / VARS_FILE, json.dumps(variables, indent=2))

    @contextmanager
    def planned(self, *, refresh: bool = True) -> Iterator[Plan]:
        """Plan into PLAN_FILE for the block (apply it there), then delete it whatever happens:
        a saved plan embeds the state and every planned value. refresh=False plans against the
        state as stored, without reading every resource first."""
        path = self.workdir / PLAN_FILE
        args = ["plan", "-input=false", "-no-color", "-json", f"-out={PLAN_FILE}"]
        if not refresh:
            args.append("-refresh=false")
        try:
            self.run(args)
            shown = dict(json.loads(self.run(["show", "-json", PLAN_FILE], log_output=False)))
            yield Plan(self.summarize(shown), shown)
        finally:
            path.unlink(missing_ok=True)

    def plan(self) -> Plan:
        """Plan and read the plan; nothing is left on disk."""
        with self.planned() as plan:
            return plan

    @staticmethod
    def summarize(plan: dict[str, Any]) -> PlanSummary:
        counts = {"create": 0, "update": 0, "delete": 0}
        changes: list[tuple[str, str]] = []
        for rc in plan.get("resource_changes", []):
            actions = rc["change"]["actions"]
            if actions in (["no-op"], ["read"]):
                continue
            label = "replace" if set(actions) == {"create", "delete"} else actions[0]
            for action in actions:
                counts[action] = counts.get(action, 0) + 1
            changes.append((label, rc["address"]))
        return PlanSummary(counts["create"], counts["update"], counts["delete"], changes)

    def apply(self, progress: Progress | None = None) -> None:
        """Apply the plan saved by the enclosing `planned()` block."""
        self.run(["apply", "-input=false", "-no-color", "-json", PLAN_FILE], _progress(progress))

    def destroy(self, progress: Progress | None = None) -> None:
        self.run(
            ["apply", "-destroy", "-auto-approve", "-input=false", "-no-color", "-json"],
            _progress(progress),
        )

    def outputs(self) -> dict[str, Any]:
        raw = json.loads(self.run(["output", "-json"]))
        return {key: value["value"] for key, value in raw.items()}

    def state_resources(self) -> list[str]:
        try:
            text = self.run(["state", "list"])
        except TerraformError:
            return []
        return [line for line in text.splitlines() if line.strip()]


def _progress(progress: Progress | None) -> Callable[[dict[str, Any]], None] | None:
    if progress is None:
        return None
    report = progress

    def on_event(event: dict[str, Any]) -> None:
        kind = event.get("type", "")
        if kind in ("apply_complete", "apply_errored", "apply_progress", "apply_start"):
            report(str(event.get("@message", "")))

    return on_event


def _first_error(lines: list[str]) -> str:
    """The first error terraform printed (JSON or text; later ones tend to follow from it)."""
    for line in lines:
        if line.startswith("{"):
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if event.get("@level") == "error":
                diag = event.get("diagnostic", {})
                return str(diag.get("summary") or event.get("@message", "")) + (
                    f": {diag['detail']}" if diag.get("detail") else ""
                )
        elif line.startswith("Error:") or "Error: " in line:
            return line.strip()
    return "see the log"
