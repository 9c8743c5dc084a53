"""The wheel as an operator installs it (issue 22): built from this checkout, installed into a
fresh environment outside the repository, its `jitsi-ecs` the whole tool (Terraform modules
included, nothing read from the checkout).

`installed_cli(shared)` builds the wheel and installs it once per test session, whichever
test or xdist worker asks first (a lock file in `shared`), and returns the installed
`jitsi-ecs`. `shared_dir(tmp_path_factory)` is the session's directory all workers see.

How it installs: with pipx (PIPX_HOME and PIPX_BIN_DIR in `shared`), the way operators install
command-line tools, when pipx can be imported (it is in the dev extras); otherwise `python -m
venv` and that venv's pip. Either way into a fresh environment, from real wheels: jitsi-ecs's
and its dependencies', which `pip download` fetched from the index pip is configured with (the
machine's pip.conf: PyPI and its local mirrors) into a wheelhouse kept in the user's cache,
keyed by the wheel's requirements. Why a wheelhouse: resolving moto[server]'s ~70 dependencies
against the index took pip 2-4 minutes on the shared CI machine every time (pip's HTTP cache
keeps the files, not the resolution); from the wheelhouse (`--no-index --find-links`) the
install is local. The first session on a machine, or after a requirement changed, pays the
download once; the versions then stay those of that day (remove ~/.cache/jitsi-ecs-tests to
take newer releases).

The build runs on a copy of the files the wheel is made from (pyproject.toml, setup.py, src/,
infra/ without its tests, ...) in `shared`: setuptools' build/ directory never lands in the
checkout, and two sessions never share one. `--no-isolation`: setuptools from the dev extras,
no build environment to set up (seconds instead of ~15 s).
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# What `python -m build` reads; the copy the wheel is built from.
BUILD_INPUTS = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    "src",
    "infra",
)
LEFT_BEHIND = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.egg-info", ".terraform", "*.tfstate*", "tests"
)
TIMEOUT_S = 600
# Also in the wheelhouse: pip, which pipx installs into its shared libraries (with the same
# --pip-args, so from the wheelhouse too).
EXTRA = ("pip",)


@dataclass(frozen=True)
class Installed:
    executable: Path  # the installed jitsi-ecs
    installer: str  # "pipx" or "venv+pip"
    wheel: Path
    build_seconds: float
    install_seconds: float


def shared_dir(factory: pytest.TempPathFactory) -> Path:
    """This session's directory every xdist worker sees (outside the repository)."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # .../popen-gw0 -> the session's basetemp
    path = base / "wheel"
    path.mkdir(exist_ok=True)
    return path


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=TIMEOUT_S, check=False
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )


def build_wheel(out: Path) -> Path:
    """Build the wheel from a copy of the checkout's build inputs; return its path."""
    tree = out / "source"
    shutil.rmtree(tree, ignore_errors=True)
    for name in BUILD_INPUTS:
        source = REPO / name
        if source.is_dir():
            # infra/tests is left out by the ignore; src has no directory named tests.
            shutil.copytree(source, tree / name, ignore=LEFT_BEHIND)
        else:
            tree.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    dist = out / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    _run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(tree),
        ]
    )
    (wheel,) = dist.glob("jitsi_ecs-*.whl")
    return wheel


def wheelhouse(wheel: Path) -> Path:
    """The wheel's dependencies as wheels, downloaded once per requirement set (see above)."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
    requires = sorted(line for line in text.splitlines() if line.startswith("Requires-Dist:"))
    key = hashlib.sha256("\n".join([sys.version, *requires, *EXTRA]).encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    house = cache / "jitsi-ecs-tests" / "wheelhouse" / key
    if not (house / "complete").is_file():
        partial = house.with_name(f"{key}.partial-{os.getpid()}")  # sessions may race
        shutil.rmtree(partial, ignore_errors=True)
        # The wheel itself resolves its requirements; only the dependencies are kept.
        download = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:"]
        _run([*download, "--dest", str(partial), str(wheel), *EXTRA])
        for own in partial.glob("jitsi_ecs-*.whl"):
            own.unlink()
        (partial / "complete").write_text("\n".join(requires) + "\n")
        try:
            partial.rename(house)
        except OSError:  # another session finished first: keep its wheelhouse
            shutil.rmtree(partial, ignore_errors=True)
    if not (house / "complete").is_file():
        raise AssertionError(f"{house} is incomplete; remove it and run again")
    return house


def _install_with_pipx(wheel: Path, base: Path) -> Path:
    env = {
        **os.environ,
        "PIPX_HOME": str(base / "pipx-home"),
        "PIPX_BIN_DIR": str(base / "bin"),
        "PIPX_MAN_DIR": str(base / "man"),
    }
    env.pop("VIRTUAL_ENV", None)
    pip_args = f"--no-index --find-links {wheelhouse(wheel)} --no-compile"
    _run(
        [
            sys.executable,
            "-m",
            "pipx",
            "install",
            "--python",
            sys.executable,
            "--pip-args",
            pip_args,
            str(wheel),
        ],
        env,
    )
    return base / "bin" / "jitsi-ecs"


def _install_with_venv(wheel: Path, base: Path) -> Path:
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    _run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--no-index",
            "--find-links",
            str(wheelhouse(wheel)),
            str(wheel),
        ]
    )
    return venv / "bin" / "jitsi-ecs"


def install(shared: Path) -> Installed:
    """Build and install into shared (no cache): what installed_cli runs once."""
    if shared.resolve().is_relative_to(REPO):
        raise AssertionError(f"{shared} is inside the repository; the test needs it outside")
    started = time.monotonic()
    wheel = build_wheel(shared / "build")
    built = time.monotonic()
    if importlib.util.find_spec("pipx") is not None:
        installer, executable = "pipx", _install_with_pipx(wheel, shared / "pipx")
    else:
        installer, executable = "venv+pip", _install_with_venv(wheel, shared / "venv+pip")
    if not os.access(executable, os.X_OK):
        raise AssertionError(f"{installer} installed no executable {executable}")
    return Installed(executable, installer, wheel, built - started, time.monotonic() - built)


def installed(shared: Path) -> Installed:
    """The session's installation: made by the first caller, the others wait for it."""
    record = shared / "installed.json"
    with (shared / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.is_file():
            done = install(shared)
            record.write_text(json.dumps({k: str(v) for k, v in asdict(done).items()}))
        data = json.loads(record.read_text())
    return Installed(
        Path(data["executable"]),
        data["installer"],
        Path(data["wheel"]),
        float(data["build_seconds"]),
        float(data["install_seconds"]),
    )


def installed_cli(shared: Path) -> Path:
    """The installed `jitsi-ecs` (built and installed on the session's first call)."""
    return installed(shared).executable


def project_env(project: Path) -> dict[str, str]:
    """The environment to run the installed CLI in an empty project directory: nothing from
    the checkout (no JITSI_ECS_INFRA, no PYTHONPATH, not the dev venv first on PATH)."""
    env = {k: v for k, v in os.environ.items() if k not in {"JITSI_ECS_INFRA", "PYTHONPATH"}}
    env.pop("VIRTUAL_ENV", None)
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin)
    env["PWD"] = str(project)
    return env
