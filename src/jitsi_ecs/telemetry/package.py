"""Build the telemetry Lambda zip without Docker: `python -m jitsi_ecs.telemetry.package OUT.zip`.

The component is standard-library only, so the zip is just its source. Entries are sorted and
stamped with a fixed time, so the same code always gives the same hash (no Terraform diff).
"""

from __future__ import annotations

import base64
import hashlib
import sys
import zipfile
from pathlib import Path

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
HANDLER = "jitsi_ecs.telemetry.lambda_handler.handler"  # the zip's entry point


def _files() -> list[tuple[Path, str]]:
    package = Path(__file__).resolve().parent
    root = package.parent
    files = [(root / "__init__.py", "jitsi_ecs/__init__.py")]
    for path in sorted(package.glob("*.py")):
        files.append((path, f"jitsi_ecs/telemetry/{path.name}"))
    return files


def build(dest: Path) -> str:
    """Write the zip to dest; return its base64 SHA-256 (Lambda's source_code_hash)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for source, name in _files():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, source.read_bytes())
    dest.chmod(0o600)  # it lands in the tool's private working copy
    return base64.b64encode(hashlib.sha256(dest.read_bytes()).digest()).decode()


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "telemetry.zip")
    print(f"{out} {build(out)}")
