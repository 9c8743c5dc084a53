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
    try:
        path.write_text(init_template(Config), encoding="utf-8")
    except OSError as exc:  # a missing directory, no permission: bad input, not a crash
        raise UsageError(
            f"cannot write {path}: {exc.strerror}",
            hint="Choose a path in an existing directory you can write to.",
        ) from None
    err.print(f"Wrote {path}. Edit it, then run `jitsi-ecs plan`.")
    return EXIT_OK
