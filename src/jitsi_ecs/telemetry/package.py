"""Build the telemetry Lambda zip without Docker: `python -m jitsi_ecs.telemetry.package OUT.zip`.

The component is standard-library only, so the zip is just its source, written reproducibly
(`lambda_zip.write`: the same code always gives the same hash, no Terraform diff).
"""

from __future__ import annotations

import sys
from pathlib import Path

from jitsi_ecs import lambda_zip

ZIP = "telemetry.zip"  # in the Terraform working copy
HANDLER = "jitsi_ecs.telemetry.lambda_handler.handler"  # the zip's entry point


def sources() -> list[tuple[Path, str]]:
    """The modules the function runs: (file, name in the zip)."""
    package = Path(__file__).resolve().parent
    root = package.parent
    files = [(root / "__init__.py", "jitsi_ecs/__init__.py")]
    for path in sorted(package.glob("*.py")):
        if path.name != "package.py":  # the builder itself never runs in Lambda
            files.append((path, f"jitsi_ecs/telemetry/{path.name}"))
    return files


def build(dest: Path) -> str:
    """Write the zip to dest; return its base64 SHA-256 (Lambda's source_code_hash)."""
    return lambda_zip.write(dest, {name: (path.read_bytes(), 0o644) for path, name in sources()})


def variable(directory: Path) -> dict[str, str]:
    """Build the zip into directory; the root's `telemetry_package` variable."""
    return lambda_zip.variable(directory, ZIP, build, HANDLER)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ZIP)
    print(f"{out} {build(out)}")
