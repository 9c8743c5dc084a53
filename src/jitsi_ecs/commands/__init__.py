"""One module per CLI command; each exposes run(...) -> exit code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jitsi_ecs.workspace import Target


@dataclass(frozen=True)
class Globals:
    config_path: Path | None
    target: Target
    assume_yes: bool = False
