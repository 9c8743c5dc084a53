"""Where the tool keeps its files: .jitsi-ecs/<target>/ next to the config, private to the user.

.jitsi-ecs/<target>/stack/      the Terraform working copy (and local state for `local`)
.jitsi-ecs/<target>/logs/       one log per command: terraform output, emulator output
.jitsi-ecs/local/emulator.json  pid and port of the running moto server

Everything under .jitsi-ecs is created owner-only (directories 0700, files 0600): the working
copy holds Terraform state, and nothing the tool writes is for other users of the machine.
Logs never carry `terraform show -json` (it prints every planned value, secrets included) and
no saved plan outlives the command that made it (see terraform.py).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

Target = Literal["local", "aws"]
STATE_DIR = ".jitsi-ecs"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# Bumped when files an older version wrote must be cleaned up on first use (see upgrade()).
LAYOUT_VERSION = "2"
_LAYOUT_FILE = "layout"


def infra_source() -> Path:
    """The Terraform root module the working copy is made from.

    JITSI_ECS_INFRA when it holds a main.tf; else the copy an installed package carries
    (jitsi_ecs/infra, put there when the wheel is built: setup.py); else infra/ of the
    checkout an editable install runs from. The repository has one infra/, the wheel a copy
    made at build time.
    """
    override = os.environ.get("JITSI_ECS_INFRA")
    candidates = [Path(override)] if override else []
    candidates.append(Path(str(resources.files("jitsi_ecs").joinpath("infra"))))
    candidates.append(Path(__file__).resolve().parents[2] / "infra")
    for candidate in candidates:
        if (candidate / "main.tf").is_file():
            return candidate
    raise FileNotFoundError(
        "the Terraform modules are missing from this installation of jitsi-ecs (neither "
        "jitsi_ecs/infra in the package nor infra/ of a checkout); reinstall it from a wheel "
        "or a checkout, or set JITSI_ECS_INFRA to an infra directory"
    )


def private_dir(path: Path) -> Path:
    """Create path (and parents under it) owner-only; tighten it if it exists."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIR)
    return path


def make_private(root: Path) -> None:
    """Owner-only modes for root and everything under it (what an older version or a copy
    made with the source's modes left readable)."""
    for directory, _, files in os.walk(root):
        Path(directory).chmod(PRIVATE_DIR)
        for name in files:
            path = Path(directory) / name
            if not path.is_symlink():
                path.chmod(PRIVATE_FILE)


def write_private(path: Path, data: str | bytes) -> Path:
    """Write a file only its owner can read, whatever the umask."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)
    path.chmod(PRIVATE_FILE)
    return path


@dataclass(frozen=True)
class Workspace:
    root: Path
    target: Target

    @classmethod
    def for_target(cls, target: Target, base: Path | None = None) -> Workspace:
        return cls(root=(base or Path.cwd()) / STATE_DIR / target, target=target)

    @property
    def stack_dir(self) -> Path:
        return self.root / "stack"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def emulator_file(self) -> Path:
        return self.root / "emulator.json"

    def open(self) -> Workspace:
        """Create the directories owner-only; clean up what an older version left."""
        private_dir(self.root.parent)
        private_dir(self.root)
        self.upgrade()
        return self

    def new_log(self, command: str) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        return write_private(self.logs_dir / f"{command}-{stamp}.log", "")

    def upgrade(self) -> list[Path]:
        """Remove files versions before LAYOUT_VERSION wrote with secrets in them.

        Up to layout 1 every plan's `terraform show -json` (all planned values, the generated
        passwords and JWT secret among them) went into logs/*.log, saved plans (which embed
        the state) were left in stack/, and files were world-readable. Those logs and plans
        are deleted and everything left is made owner-only.
        """
        marker = self.root / _LAYOUT_FILE
        if marker.is_file() and marker.read_text().strip() == LAYOUT_VERSION:
            return []
        removed = [*self.logs_dir.glob("*.log"), *self.stack_dir.glob("*.tfplan")]
        for path in removed:
            path.unlink()
        make_private(self.root)
        write_private(marker, LAYOUT_VERSION + "\n")
        return removed
