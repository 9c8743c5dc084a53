"""`jitsi-ecs init`: write a commented jitsi-ecs.toml with every option at its default.

The text is generated from the config model (jitsi_ecs.schema.init_template), so it shows
exactly the keys, defaults and limits the CLI and Terraform enforce.
"""

from __future__ import annotations

from pathlib import Path

from jitsi_ecs.config import Config
from jitsi_ecs.errors import EXIT_OK, UsageError
from jitsi_ecs.schema import init_template
from jitsi_ecs.ui import err


def run(path: Path, force: bool) -> int:
    if path.exists() and not force:
        raise UsageError(f"{path} already exists", hint="Pass --force to overwrite it.")
    path.write_text(init_template(Config), encoding="utf-8")
    err.print(f"Wrote {path}. Edit it, then run `jitsi-ecs plan`.")
    return EXIT_OK
