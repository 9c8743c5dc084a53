"""The auth function's zip: pinned wheels for the Lambda runtime, cached, deterministic, and
self-contained (the sources import nothing the zip and the runtime do not have)."""

from __future__ import annotations

import hashlib
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import parse_wheel_filename

from jitsi_ecs.auth import package
from jitsi_ecs.errors import UsageError
from jitsi_ecs.lambda_zip import PYTHON_VERSION, RUNTIME
from tests.unit.zipped import missing_imports


def _fake_wheels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Small stand-ins for the pinned wheels, pinned by their own hashes."""
    made: dict[str, bytes] = {}
    pins = []
    for name in ("jwt", "cryptography"):
        path = tmp_path / f"{name}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(f"{name}/__init__.py", f"NAME = {name!r}\n")
            archive.writestr(f"{name}/_native.so", b"\x7fELF")
            archive.writestr(f"{name}-1.0.dist-info/METADATA", "Name: x\n")
        made[path.name] = path.read_bytes()
        pins.append(
            package.Wheel(f"{name}==1.0", path.name, hashlib.sha256(made[path.name]).hexdigest())
        )
    monkeypatch.setattr(package, "WHEELS", tuple(pins))
    return made


def test_wheels_are_downloaded_once_then_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pypi").mkdir()
    made = _fake_wheels(tmp_path / "pypi", monkeypatch)
    calls: list[str] = []

    def download(requirements: Path, dest: Path) -> None:
        calls.append(requirements.read_text())
        dest.mkdir(parents=True)
        for filename, data in made.items():
            (dest / filename).write_bytes(data)

    cache = tmp_path / "cache" / "key"
    first = package.wheels(download, cache)
    second = package.wheels(download, cache)
    assert first == second and len(calls) == 1
    assert "--hash=sha256:" in calls[0] and "jwt==1.0" in calls[0]

    (cache / first[0].name).write_bytes(b"tampered")  # a damaged cache is fetched again
    package.wheels(download, cache)
    assert len(calls) == 2


def test_an_unwritable_home_keeps_the_wheels_in_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pypi").mkdir()
    made = _fake_wheels(tmp_path / "pypi", monkeypatch)

    def download(requirements: Path, dest: Path) -> None:
        dest.mkdir(parents=True)
        for filename, data in made.items():
            (dest / filename).write_bytes(data)

    home = tmp_path / "home"
    home.write_text("")  # nothing can be created under it, not even by root
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    found = package.wheels(download)
    assert found[0].parent == package.project_cache_dir()
    assert package.project_cache_dir().is_relative_to(tmp_path / ".jitsi-ecs")
    for path in [tmp_path / ".jitsi-ecs", *(tmp_path / ".jitsi-ecs").rglob("*")]:
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"
    assert package.wheels(lambda r, d: pytest.fail("downloaded again")) == found


def test_zip_is_deterministic_and_holds_sources_and_wheels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pypi").mkdir()
    _fake_wheels(tmp_path / "pypi", monkeypatch)
    wheels = sorted((tmp_path / "pypi").glob("*.whl"))
    one = package.build(tmp_path / "a" / "auth.zip", wheels)
    two = package.build(tmp_path / "b" / "auth.zip", wheels)
    assert one == two
    with zipfile.ZipFile(tmp_path / "a" / "auth.zip") as archive:
        names = archive.namelist()
        infos = {i.filename: i for i in archive.infolist()}
    assert names == sorted(names)
    assert {"jitsi_ecs/auth/handler.py", "jitsi_ecs/tokens.py", "jitsi_ecs/errors.py"} <= set(names)
    assert "jitsi_ecs/auth/package.py" not in names and "jwt/__init__.py" in names
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos.values())
    assert infos["jwt/_native.so"].external_attr >> 16 == 0o755
    # The zip lands in the tool's private working copy: owner-only, like everything there.
    assert (tmp_path / "a" / "auth.zip").stat().st_mode & 0o077 == 0


def test_offline_without_a_cache_is_a_usage_error_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        assert "--only-binary=:all:" in command and package.PLATFORM in command
        assert "--require-hashes" in command and PYTHON_VERSION in command
        return subprocess.CompletedProcess(command, 1, "", "ERROR: No matching distribution\n")

    monkeypatch.setattr(subprocess, "run", no_network)
    with pytest.raises(UsageError) as caught:
        package.wheels(cache=tmp_path / "cache" / "key")
    assert "No matching distribution" in caught.value.message
    assert caught.value.hint is not None and "cache" in caught.value.hint
    assert not (tmp_path / "cache" / "key").exists()


def test_pinned_wheels_run_on_the_lambda_runtime() -> None:
    """Each pinned wheel installs on the runtime the function is deployed with (the one
    Python version lambda_zip names for both), manylinux x86_64."""
    assert f"python{PYTHON_VERSION}" == RUNTIME
    version = tuple(int(part) for part in PYTHON_VERSION.split("."))
    platforms = ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    runtime = set(cpython_tags(version, platforms=platforms))
    runtime |= set(compatible_tags(version, platforms=platforms))
    for wheel in package.WHEELS:
        name, version, _, tags = parse_wheel_filename(wheel.filename)
        assert wheel.requirement == f"{name}=={version}"
        assert tags & runtime, f"{wheel.filename} does not install on the Lambda runtime"
        assert len(wheel.sha256) == 64
    assert package.ARCHITECTURE == "x86_64" and package.PLATFORM.endswith("x86_64")


def test_sources_import_only_what_lambda_has() -> None:
    """Everything our zipped modules import: the standard library, the zipped wheels, boto3
    (in the runtime) and opentelemetry (the ADOT layer; optional in metrics.py)."""
    allowed = {"jwt", "cryptography", "boto3", "opentelemetry"}
    assert missing_imports(package.sources(), allowed) == []
