"""Where the tool keeps its files: .jitsi-ecs/<target>/ next to the config.

.jitsi-ecs/<target>/stack/      the Terraform working copy (and local state for `local`)
.jitsi-ecs/<target>/logs/       one log per command: terraform output, emulator output
.jitsi-ecs/local/emulator.json  pid and port of the running moto server
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Target = Literal["local", "aws"]
STATE_DIR = ".jitsi-ecs"


def infra_source() -> Path:
    """The Terraform root module shipped with this checkout (override: JITSI_ECS_INFRA)."""
    override = os.environ.get("JITSI_ECS_INFRA")
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).resolve().parents[2] / "infra")
    for candidate in candidates:
        if (candidate / "main.tf").is_file():
            return candidate
    raise FileNotFoundError(
        "the Terraform modules (infra/) were not found next to the package; install jitsi-ecs "
        "from a checkout with `pip install -e .` or set JITSI_ECS_INFRA to the infra directory"
    )


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

    def new_log(self, command: str) -> Path:
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        return self.logs_dir / f"{command}-{stamp}.log"
