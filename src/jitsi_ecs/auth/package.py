"""Build the auth function's zip without Docker: `python -m jitsi_ecs.auth.package OUT.zip`.

The zip holds our sources (jitsi_ecs.auth, .tokens, .errors, .telemetry.emf) and the wheels
of PyJWT and cryptography (with cffi and pycparser) for the Lambda runtime: Python 3.12 on
x86_64 (manylinux2014). The wheels are pinned by version and hash, downloaded once with pip
(`--platform ... --only-binary=:all:`: binary wheels for that platform, nothing built here) and
kept in the user's cache (./.jitsi-ecs/cache when that cannot be written, e.g. an unwritable
HOME), so a second `up` downloads nothing and works offline. Entries are
sorted and stamped with a fixed time: the same inputs always give the same hash, so Terraform
sees no change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jitsi_ecs import lambda_zip
from jitsi_ecs.errors import UsageError
from jitsi_ecs.workspace import STATE_DIR, make_private, private_dir

ZIP = "auth.zip"  # in the Terraform working copy
ARCHITECTURE = "x86_64"  # aws_lambda_function.architectures; the wheels below are for it
HANDLER = "jitsi_ecs.auth.handler.handler"  # the zip's entry point (aws_lambda_function.handler)
PLATFORM = "manylinux2014_x86_64"


@dataclass(frozen=True)
class Wheel:
    requirement: str  # name==version
    filename: str  # the wheel pip picks for PLATFORM and lambda_zip.PYTHON_VERSION
    sha256: str  # of that file, as PyPI lists it


WHEELS = (
    Wheel(
        "pyjwt==2.15.1",
        "pyjwt-2.15.1-py3-none-any.whl",
        "42d59d631f7768a1028a64c7ff581a9bf7519804daf91fc5b6c56e30eec5e193",
    ),
    Wheel(
        "cryptography==50.0.2",
        "cryptography-50.0.2-cp311-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        "630ebfea3bf689d075f82316324ff7433dc447fe6bc1bfc76524b74b4a9567d2",
    ),
    Wheel(  # cryptography loads _cffi_backend at import
        "cffi==2.1.1",
        "cffi-2.1.1-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        "c1453022f490d2459a11819d83ad1d586e9ff65a12ac3e705ffebd46d3685dcf",
    ),
    Wheel(
        "pycparser==3.12",
        "pycparser-3.12-py3-none-any.whl",
        "a076f3f489b39b43ed13563a1dafe42447445bec2e294154ec5c57fcdda4c85e",
    ),
)
Downloader = Callable[[Path, Path], None]  # (requirements file, destination directory)


def requirements_text() -> str:
    return "".join(f"{w.requirement} --hash=sha256:{w.sha256}\n" for w in WHEELS)


def _key() -> str:
    return hashlib.sha256(
        f"{requirements_text()}{PLATFORM}{lambda_zip.PYTHON_VERSION}".encode()
    ).hexdigest()[:16]


def cache_dir() -> Path:
    """Where the wheels are kept: per requirement set and platform, in the user's cache."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jitsi-ecs" / "lambda-wheels" / _key()


def project_cache_dir() -> Path:
    """The fallback when the user's cache cannot be written: the project's own .jitsi-ecs."""
    return Path.cwd() / STATE_DIR / "cache" / "lambda-wheels" / _key()


def pip_download(requirements: Path, dest: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        PLATFORM,
        "--python-version",
        lambda_zip.PYTHON_VERSION,
        "--implementation",
        "cp",
        "--require-hashes",
        "-r",
        str(requirements),
        "-d",
        str(dest),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise UsageError(
            "cannot download the auth function's libraries (PyJWT, cryptography) for the "
            f"Lambda runtime: {last}",
            hint="Connect to PyPI once: the wheels are then kept in "
            f"{cache_dir()} and later runs work offline. Or set [auth] enabled = false.",
        )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cached(directory: Path) -> list[Path] | None:
    """The pinned wheels in directory, each with its pinned hash; None if any is missing."""
    found = [directory / w.filename for w in WHEELS]
    if all(p.is_file() and _sha256(p) == w.sha256 for p, w in zip(found, WHEELS, strict=True)):
        return found
    return None


def wheels(download: Downloader = pip_download, cache: Path | None = None) -> list[Path]:
    """The pinned wheels, from the cache or downloaded into it (by default the user's cache,
    else the project's when the user's holds none and cannot be written)."""
    candidates = [cache] if cache else [cache_dir(), project_cache_dir()]
    for candidate in candidates:
        if candidate.is_dir() and (found := _cached(candidate)) is not None:
            return found
    for chosen in candidates:
        try:
            project = Path.cwd() / STATE_DIR
            if chosen.is_relative_to(project):  # owner-only, like all of .jitsi-ecs
                for level in reversed(chosen.parent.relative_to(project).parents):
                    private_dir(project / level)
            private_dir(chosen.parent)
            break
        except OSError as exc:
            if chosen == candidates[-1]:
                raise UsageError(
                    f"cannot keep the auth function's libraries in {chosen.parent}: "
                    f"{exc.strerror or exc}",
                    hint="Make it writable, or set XDG_CACHE_HOME to a writable directory.",
                ) from None
    with tempfile.TemporaryDirectory(dir=chosen.parent) as tmp:
        staging = Path(tmp)
        requirements = staging / "requirements.txt"
        requirements.write_text(requirements_text())
        download(requirements, staging / "wheels")
        if _cached(staging / "wheels") is None:
            raise UsageError(
                "the downloaded wheels do not match the pinned versions and hashes",
                hint="Report it; jitsi_ecs/auth/package.py pins them.",
            )
        shutil.rmtree(chosen, ignore_errors=True)
        (staging / "wheels").rename(chosen)  # one move: a half download is never cached
        make_private(chosen)
    found = _cached(chosen)
    assert found is not None
    return found


def sources() -> list[tuple[Path, str]]:
    """Our modules the function runs: (file, name in the zip)."""
    package = Path(__file__).resolve().parent
    root = package.parent
    files = [
        (root / name, f"jitsi_ecs/{name}") for name in ("__init__.py", "errors.py", "tokens.py")
    ]
    # EMF documents, shared with the telemetry collector (standard library only).
    for name in ("__init__.py", "emf.py"):
        files.append((root / "telemetry" / name, f"jitsi_ecs/telemetry/{name}"))
    for path in sorted(package.glob("*.py")):
        if path.name != "package.py":  # the builder itself never runs in Lambda
            files.append((path, f"jitsi_ecs/auth/{path.name}"))
    return files


def _entries(wheel_files: list[Path]) -> dict[str, tuple[bytes, int]]:
    entries: dict[str, tuple[bytes, int]] = {}
    for source, name in sources():
        entries[name] = (source.read_bytes(), 0o644)
    for wheel in wheel_files:
        with zipfile.ZipFile(wheel) as archive:
            for info in archive.infolist():
                if info.is_dir() or "/__pycache__/" in info.filename:
                    continue
                if info.filename in entries:
                    raise UsageError(f"{wheel.name} would overwrite {info.filename} in the zip")
                mode = 0o755 if info.filename.endswith(".so") else 0o644
                entries[info.filename] = (archive.read(info), mode)
    return entries


def build(dest: Path, wheel_files: list[Path] | None = None) -> str:
    """Write the zip to dest; return its base64 SHA-256 (Lambda's source_code_hash)."""
    return lambda_zip.write(dest, _entries(wheels() if wheel_files is None else wheel_files))


def variable(directory: Path) -> dict[str, str]:
    """Build the zip into directory; the root's `auth_package` variable."""
    return lambda_zip.variable(directory, ZIP, build, HANDLER, architecture=ARCHITECTURE)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ZIP)
    print(f"{out} {build(out)}")
