"""What the tool's two Lambda zips (telemetry, auth) share: the Python runtime they are built
for, a reproducible zip, and the Terraform variable that carries one (`telemetry_package`,
`auth_package`: path, hash, handler, runtime, ...). The modules read the runtime from that
variable and `verify` from here, so the wheels' Python version and the function's runtime
cannot drift apart."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

PYTHON_VERSION = "3.12"  # the auth wheels are built for it (cp312)
RUNTIME = f"python{PYTHON_VERSION}"  # aws_lambda_function.runtime
# Entries stamped with a fixed time and written in name order: the same inputs always give
# the same hash, so Terraform sees no change.
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def write(dest: Path, entries: dict[str, tuple[bytes, int]]) -> str:
    """Write entries (zip name -> (data, file mode)) to dest; return the zip's base64 SHA-256
    (Lambda's source_code_hash)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            data, mode = entries[name]
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    dest.chmod(0o600)  # it lands in the tool's private working copy
    return base64.b64encode(hashlib.sha256(dest.read_bytes()).digest()).decode()


def variable(
    directory: Path, zip_name: str, build: Callable[[Path], str], handler: str, **more: str
) -> dict[str, str]:
    """Build a zip into directory (the Terraform working copy) with `build` and return the
    root variable that points at it: path, hash, handler and runtime (and `more`)."""
    digest = build(directory / zip_name)
    return {"path": zip_name, "hash": digest, "handler": handler, "runtime": RUNTIME, **more}
