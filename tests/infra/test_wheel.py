"""The wheel is the whole tool (issue 22): built once per session and installed outside the
repository (tests/integration/wheel.py, shared with the CLI flow), then checked without an
emulator: its contents, its metadata, and the installed `jitsi-ecs` run from an empty
directory. The flow runs up/verify/link/down through the same executable."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
import zipfile
from collections import Counter
from email.parser import Parser
from pathlib import Path

import pytest

from jitsi_ecs.terraform import sync_working_copy
from tests.integration.wheel import REPO, Installed, installed, project_env, shared_dir

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]


@pytest.fixture(scope="module")
def wheel_install(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    done = installed(shared_dir(tmp_path_factory))
    print(
        f"wheel: built in {done.build_seconds:.1f} s, installed with {done.installer} "
        f"in {done.install_seconds:.1f} s"
    )
    return done


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def _metadata(wheel: Path) -> Parser:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return Parser().parsestr(archive.read(name).decode())  # type: ignore[return-value]


def test_check_wheel_contents_passes(wheel_install: Installed) -> None:
    command = [sys.executable, "-m", "check_wheel_contents", "--config", "pyproject.toml"]
    result = subprocess.run(
        [*command, str(wheel_install.wheel)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # W002 is ignored for Terraform's identical versions.tf: no Python file may be a duplicate.
    with zipfile.ZipFile(wheel_install.wheel) as archive:
        digests = Counter(
            hashlib.sha256(archive.read(n)).hexdigest()
            for n in archive.namelist()
            if n.endswith(".py") and archive.getinfo(n).file_size > 0
        )
    assert [d for d, count in digests.items() if count > 1] == []


def test_the_wheel_carries_exactly_the_working_copy_s_modules(
    wheel_install: Installed, tmp_path: Path
) -> None:
    """The root module and every module, as the working copy is made of them; no tests,
    mocks, state or .terraform."""
    names = _names(wheel_install.wheel)
    packaged = {
        n.removeprefix("jitsi_ecs/infra/") for n in names if n.startswith("jitsi_ecs/infra/")
    }
    assert {"main.tf", "versions.tf", "variables.tf", ".terraform.lock.hcl"} <= packaged
    assert {"modules/jitsi/guard.sh", "modules/jitsi/relay-id.sh"} <= packaged
    modules = {Path(n).parts[1] for n in packaged if n.startswith("modules/")}
    assert modules == {p.name for p in (REPO / "infra" / "modules").iterdir() if p.is_dir()}
    assert not [n for n in names if "tests/" in n or "mock" in n or "tfstate" in n]
    assert not [n for n in names if ".terraform/" in n]

    copy = tmp_path / "stack"
    sync_working_copy(REPO / "infra", copy)
    expected = {str(p.relative_to(copy)) for p in copy.rglob("*") if p.is_file()}
    assert packaged == expected


def test_the_wheel_carries_the_runtime_data(wheel_install: Installed) -> None:
    """Files the CLI reads at run time besides infra/: the price snapshot, the typing marker,
    and the Lambda functions' and emulator's sources (zipped or run from the package)."""
    names = set(_names(wheel_install.wheel))
    assert {
        "jitsi_ecs/cost/prices.json",
        "jitsi_ecs/py.typed",
        "jitsi_ecs/auth/handler.py",
        "jitsi_ecs/telemetry/lambda_handler.py",
        "jitsi_ecs/emulator/server.py",
    } <= names
    sources = {
        str(p.relative_to(REPO / "src"))
        for p in (REPO / "src" / "jitsi_ecs").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert sources <= names


def test_the_package_index_shows_license_classifiers_and_urls(wheel_install: Installed) -> None:
    meta = _metadata(wheel_install.wheel)
    assert meta["Version"] == VERSION
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in _names(wheel_install.wheel))
    assert (
        "Apache License" in (REPO / "LICENSE").read_text()
        and "Version 2.0" in (REPO / "LICENSE").read_text()
    )
    assert "License :: OSI Approved :: Apache Software License" not in (
        meta.get_all("Classifier") or []
    )  # PEP 639: the expression says it
    assert set(meta.get_all("Classifier") or []) == set(PYPROJECT["project"]["classifiers"])
    urls = {u.split(",")[0] for u in meta.get_all("Project-URL") or []}
    assert {"Homepage", "Documentation", "Changelog", "Issues"} <= urls
    assert meta["Description-Content-Type"] == "text/markdown"


def test_the_installed_cli_works_from_an_empty_directory(
    wheel_install: Installed, tmp_path: Path
) -> None:
    """Outside the repository, with nothing from the checkout in the environment: --version
    is pyproject's, init writes the config, cost --help answers, and the modules it would
    deploy are the installed package's."""
    project = tmp_path / "project"
    project.mkdir()
    assert not project.resolve().is_relative_to(REPO)
    env = project_env(project)
    exe = str(wheel_install.executable)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [exe, *args], cwd=project, env=env, capture_output=True, text=True, timeout=120
        )

    version = run("--version")
    assert (version.returncode, version.stdout) == (0, f"jitsi-ecs {VERSION}\n"), version.stderr
    init = run("init")
    assert init.returncode == 0, init.stderr
    assert "[jitsi]" in (project / "jitsi-ecs.toml").read_text()
    cost = run("cost", "--help")
    assert cost.returncode == 0 and "--compare" in cost.stdout, cost.stderr

    python = Path(os.path.realpath(exe)).parent / "python"
    where = subprocess.run(
        [str(python), "-c", "from jitsi_ecs.workspace import infra_source; print(infra_source())"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.endswith("site-packages/jitsi_ecs/infra"), where
    assert not Path(where).resolve().is_relative_to(REPO)
