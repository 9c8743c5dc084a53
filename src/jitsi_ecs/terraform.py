"""Run terraform on a private working copy of infra/, with progress and a log file.

Every command streams terraform's machine-readable output (`-json`) into the log, shows
progress from it, and turns a non-zero exit into a TerraformError that names the log.
Terraform's stderr (warnings, TF_LOG lines) goes to the log too but never into the stdout that
is parsed: output that still does not parse is a TerraformError, never a traceback. The binary
is checked once per command, before anything else runs: found on PATH, and no older than the
root module's `required_version` (MINIMUM_VERSION).

Secrets never reach the disk through here: `terraform show -json` (every planned value) is
read but never logged, a saved plan (it embeds the state) is deleted as soon as the command
that made it is done with it, and terraform runs with umask 077 so its state and lock files
are owner-only.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from jitsi_ecs.aws import DENIED_HINT, denied_action
from jitsi_ecs.errors import Interrupted, TerraformError, UsageError
from jitsi_ecs.workspace import infra_source, make_private, write_private

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


INSTALL_URL = "https://developer.hashicorp.com/terraform/install"
# TF_LOG's line format (stderr): such lines are logged but never taken for the error message.
_LOG_LINE = re.compile(r"^\S+ \[(TRACE|DEBUG|INFO|WARN|ERROR)\]")


@functools.cache
def minimum_version() -> str:
    """The oldest Terraform the stack runs on, as the root module's versions.tf says it
    (">= X.Y": write-only arguments keep the secrets out of state); said there and only there."""
    try:
        text = (infra_source() / "versions.tf").read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(str(exc)) from None
    match = re.search(r'required_version\s*=\s*">=\s*(\d+(?:\.\d+)*)"', text)
    if match is None:
        raise UsageError('infra/versions.tf states no required_version ">= X.Y"')
    return match.group(1)


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def terraform_binary() -> str:
    """terraform on PATH, checked to be recent enough (UsageError, exit 2, otherwise)."""
    found = shutil.which("terraform")
    if not found:
        raise UsageError(
            "terraform was not found on PATH",
            hint=f"Install Terraform >= {minimum_version()} ({INSTALL_URL}) and run the "
            "command again.",
        )
    _check_version(found)
    return found


@functools.cache
def _check_version(binary: str) -> str:
    """`terraform version -json`, once per command (process) and binary: its version."""
    minimum = minimum_version()
    hint = f"Install Terraform >= {minimum} ({INSTALL_URL}) and put it first on PATH."
    try:
        result = subprocess.run(
            [binary, "version", "-json"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "CHECKPOINT_DISABLE": "1"},  # no update check over the network
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"cannot run {binary} version: {exc}", hint=hint) from None
    version = _parse_version(result.stdout)
    if version is None:
        raise UsageError(
            f"cannot tell which version {binary} is: `terraform version -json` exited "
            f"{result.returncode} and printed {result.stdout.strip()[:200]!r}",
            hint=hint,
        )
    if _version_tuple(version.split("-")[0]) < _version_tuple(minimum):
        raise UsageError(
            f"Terraform {version} was found at {binary}; jitsi-ecs needs Terraform >= {minimum} "
            "(write-only arguments keep the secrets out of Terraform's state)",
            hint=hint,
        )
    return version


def _parse_version(stdout: str) -> str | None:
    """The version in `terraform version -json`'s output (or its text form: Terraform
    before 0.13 ignores -json)."""
    with contextlib.suppress(json.JSONDecodeError, KeyError, TypeError):
        version = json.loads(stdout).get("terraform_version")
        if isinstance(version, str) and re.fullmatch(r"\d+(\.\d+)*(-\S+)?", version):
            return version
    match = re.search(r"Terraform v(\d+(?:\.\d+)*(?:-\S+)?)", stdout)
    return match.group(1) if match else None


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
        self._log_lock = threading.Lock()  # stdout and stderr are logged from two threads

    # ------------------------------------------------------------ plumbing
    def _log(self, text: str) -> None:
        with self._log_lock:
            if not self.log_path.exists():
                write_private(self.log_path, "")
            with self.log_path.open("a", encoding="utf-8") as log:
                log.write(text if text.endswith("\n") else text + "\n")

    @contextmanager
    def _process(
        self, args: list[str], errors: list[str], *, log_output: bool = True
    ) -> Iterator[subprocess.Popen[str]]:
        """terraform with stdout piped to the caller; stderr read by a thread of its own (two
        pipes read in turn could deadlock) into errors and, with log_output, the log."""
        self._log(f"$ terraform {' '.join(args)}")
        # Own session: Ctrl-C reaches only us, and we forward exactly one SIGINT so terraform
        # finishes the calls in flight and writes its state before it stops.
        proc = subprocess.Popen(
            [self.binary, *args],
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
            umask=PRIVATE_UMASK,  # state, lock and plan files: owner-only
        )
        assert proc.stderr is not None
        reader = threading.Thread(
            target=self._read_stderr, args=(proc.stderr, errors, log_output), daemon=True
        )
        reader.start()
        try:
            yield proc
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            assert proc.stdout is not None
            for line in proc.stdout:
                self._log(line)
            proc.wait()
            reader.join()
            raise Interrupted(
                f"interrupted: terraform {args[0]} stopped cleanly and saved its state",
                hint="Run the same command again to resume; nothing is half-recorded.",
                log_path=str(self.log_path),
            ) from None
        else:
            proc.wait()
            reader.join()  # stderr read to its end: errors is complete

    def _read_stderr(self, stream: IO[str], errors: list[str], log_output: bool) -> None:
        for line in stream:
            errors.append(line)
            if log_output:
                self._log(line)

    def run(
        self,
        args: list[str],
        on_event: Callable[[dict[str, Any]], None] | None = None,
        *,
        log_output: bool = True,
    ) -> str:
        """Run terraform; return its stdout (stderr only goes to the log). -json lines go to
        on_event.

        log_output=False keeps the output out of the log (it holds values that must not be
        written to disk); the command line and exit code are still logged.
        """
        out: list[str] = []
        errors: list[str] = []
        with self._process(args, errors, log_output=log_output) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                if log_output:
                    self._log(line)
                out.append(line)
                if on_event and line.startswith("{"):
                    with contextlib.suppress(json.JSONDecodeError):
                        event = json.loads(line)
                        if isinstance(event, dict):
                            on_event(event)
            code = proc.wait()
        if not log_output:
            self._log(f"(output not logged: it holds planned values; exit code {code})")
        if code != 0:
            if (holder := lock_holder(out + errors)) is not None:
                raise self._locked(holder)
            if (action := denied_action("".join(out + errors))) is not None:
                # The principal lacks a permission: its environment, not the stack (exit 2).
                raise UsageError(
                    f"terraform {args[0]}: AWS refused {action}: {_first_error(out, errors)}",
                    hint=DENIED_HINT,
                    log_path=str(self.log_path),
                )
            raise TerraformError(
                f"terraform {args[0]} failed: {_first_error(out, errors)}",
                log_path=str(self.log_path),
            )
        return "".join(out)

    def _locked(self, holder: dict[str, str]) -> UsageError:
        operation = holder.get("Operation", "").removeprefix("OperationType").lower()
        lock_id = holder.get("ID", "?")
        # "2026-12-06 21:00:00.123456 +0000 UTC" -> "2026-12-06 21:00:00 UTC"
        since = re.sub(
            r"(\d\d:\d\d:\d\d)(\.\d+)? \+0000 UTC$", r"\1 UTC", holder.get("Created", "?")
        )
        return UsageError(
            f"the Terraform state is locked: {holder.get('Who', 'someone')} has held it since "
            f"{since} ({operation + ', ' if operation else ''}lock {lock_id}); nothing was changed",
            hint="Wait for that run to finish, then repeat the command. If it is dead (killed, "
            "its machine gone), release the lock and repeat: "
            f"terraform -chdir={self.workdir} force-unlock -force {lock_id}",
            log_path=str(self.log_path),
        )

    def run_json(self, args: list[str], *, log_output: bool = True) -> dict[str, Any]:
        """Run terraform and parse its stdout as one JSON object; anything else is a
        TerraformError (never a traceback). The output is not quoted: it may hold secrets."""
        text = self.run(args, log_output=log_output)
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            parsed = exc
        if not isinstance(parsed, dict):
            what = "is not JSON" if isinstance(parsed, Exception) else "is not a JSON object"
            raise TerraformError(
                f"terraform {args[0]}'s output {what} (stdout: {len(text)} characters)",
                hint="Run the command again; if it persists, report it with the log.",
                log_path=str(self.log_path),
            )
        return parsed

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
            shown = self.run_json(["show", "-json", PLAN_FILE], log_output=False)
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
        raw = self.run_json(["output", "-json"])
        if not all(isinstance(value, dict) and "value" in value for value in raw.values()):
            raise TerraformError(
                "terraform output -json printed outputs without a value",
                log_path=str(self.log_path),
            )
        return {key: value["value"] for key, value in raw.items()}

    def state_identities(self) -> set[str]:
        """The ARN, name and ID of every managed resource in the state (empty: no state).
        The preflight tells the stack's own resources from others of the same name with it."""
        shown = json.loads(self.run(["show", "-json"], log_output=False))
        found: set[str] = set()
        modules = [shown.get("values", {}).get("root_module", {})]
        while modules:
            module = modules.pop()
            modules.extend(module.get("child_modules", []))
            for resource in module.get("resources", []):
                if resource.get("mode") != "managed":
                    continue
                values = resource.get("values") or {}
                found.update(str(values[k]) for k in ("arn", "name", "id") if values.get(k))
        return found

    def state_rm(self, addresses: list[str]) -> None:
        """Forget resources without touching them (they stay on the account)."""
        self.run(["state", "rm", "-no-color", *addresses])

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


_LOCK_FIELDS = ("ID", "Path", "Operation", "Who", "Version", "Created")


def lock_holder(lines: list[str]) -> dict[str, str] | None:
    """The Lock Info terraform prints when another run holds the state lock (JSON or text)."""
    text = "\n".join(lines)
    for line in lines:
        # The error diagnostic, not the "Acquiring state lock" progress line before it.
        if line.startswith("{") and "Lock Info:" in line:
            with contextlib.suppress(json.JSONDecodeError, KeyError, TypeError):
                text = str(json.loads(line)["diagnostic"]["detail"])
                break
    if "Lock Info:" not in text:
        return None
    info = text.split("Lock Info:", 1)[1]
    found: dict[str, str] = {}
    for raw in info.splitlines():
        key, sep, value = raw.strip().partition(":")
        if sep and key in _LOCK_FIELDS and key not in found:
            found[key] = value.strip()
    return found or None


def _first_error(stdout: list[str], stderr: list[str] | None = None) -> str:
    """The first error terraform printed (JSON or text; later ones tend to follow from it):
    the -json diagnostics on stdout first, then stderr's text, TF_LOG lines left out."""
    for line in stdout:
        if line.startswith("{"):
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(event, dict) and event.get("@level") == "error":
                diag = event.get("diagnostic")
                diag = diag if isinstance(diag, dict) else {}
                return str(diag.get("summary") or event.get("@message", "")) + (
                    f": {diag['detail']}" if diag.get("detail") else ""
                )
    for line in [*stdout, *(stderr or [])]:
        if _LOG_LINE.match(line):
            continue
        if line.startswith("Error:") or "Error: " in line:
            return line.strip()
    return "see the log"
