"""Run terraform on a private working copy of infra/, with progress and a log file.

Every command streams terraform's machine-readable output (`-json`) into the log, shows
progress from it, and turns a non-zero exit into a TerraformError that names the log.
"""

from __future__ import annotations

import contextlib
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

VARS_FILE = "terraform.tfvars.json"
PLAN_FILE = "jitsi-ecs.tfplan"
BACKEND_FILE = "backend_s3.tf"

Progress = Callable[[str], None]


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
    """Copy the modules into dest, keeping dest's state, plugins and lock."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.tf"):
        if old.name != BACKEND_FILE:
            old.unlink()
    shutil.rmtree(dest / "modules", ignore_errors=True)
    shutil.copytree(source / "modules", dest / "modules")
    for item in source.iterdir():
        if item.suffix == ".tf" or item.name == ".terraform.lock.hcl":
            shutil.copy2(item, dest / item.name)


class Terraform:
    def __init__(self, workdir: Path, env: dict[str, str], log_path: Path) -> None:
        self.workdir = workdir
        self.log_path = log_path
        self.binary = terraform_binary()
        self.env = {**os.environ, **env, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}

    # ------------------------------------------------------------ plumbing
    def _log(self, text: str) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
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

    def run(self, args: list[str], on_event: Callable[[dict[str, Any]], None] | None = None) -> str:
        """Run terraform; return its stdout. -json lines go to on_event."""
        out: list[str] = []
        with self._process(args) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                self._log(line)
                out.append(line)
                if on_event and line.startswith("{"):
                    with contextlib.suppress(json.JSONDecodeError):
                        on_event(json.loads(line))
            code = proc.wait()
        if code != 0:
            raise TerraformError(
                f"terraform {args[0]} failed: {_last_error(out)}",
                log_path=str(self.log_path),
            )
        return "".join(out)

    # ------------------------------------------------------------ commands
    def init(self, backend_config: dict[str, str] | None = None) -> None:
        args = ["init", "-input=false", "-no-color"]
        for key, value in (backend_config or {}).items():
            args.append(f"-backend-config={key}={value}")
        if backend_config:
            args.append("-reconfigure")
        self.run(args)

    def write_vars(self, variables: dict[str, Any]) -> None:
        (self.workdir / VARS_FILE).write_text(json.dumps(variables, indent=2))

    def plan(self) -> tuple[PlanSummary, dict[str, Any]]:
        """Plan into PLAN_FILE; return the summary and the plan JSON (terraform show -json)."""
        self.run(["plan", "-input=false", "-no-color", "-json", f"-out={PLAN_FILE}"])
        plan = self.show_plan()
        return self.summarize(plan), plan

    def show_plan(self) -> dict[str, Any]:
        return dict(json.loads(self.run(["show", "-json", PLAN_FILE])))

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


def _last_error(lines: list[str]) -> str:
    """The first error summary terraform printed (JSON or text), for the one-line message."""
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
