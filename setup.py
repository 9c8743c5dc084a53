"""The Terraform modules go into the wheel as package data: jitsi_ecs/infra/.

One source of truth: infra/ stays where it is in the repository (terraform test, checkov,
terraform fmt and the docs work on it); building a wheel copies what a Terraform working copy
needs (`terraform.sync_working_copy` copies the same set) into the package, and
`workspace.infra_source()` finds it there through importlib.resources. An editable install
(`pip install -e .`) copies nothing: it reads infra/ in the checkout. Everything else about
the package is in pyproject.toml.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

INFRA = Path(__file__).resolve().parent / "infra"
PACKAGED = ("jitsi_ecs", "infra")  # where in the package the modules land
# Not for a working copy: the modules' own tests (mocks, fixtures), Terraform's plugins and
# state from someone's local run, editor and OS litter.
LEFT_OUT = ("tests", ".terraform", "*.tfstate", "*.tfstate.*", "*.tfvars", "*.tfvars.json",
            ".terraform.tfstate.lock.info", "crash*.log", "*.tfplan", "__pycache__", ".*.swp",
            ".DS_Store")  # fmt: skip


def infra_files(root: Path = INFRA) -> list[Path]:
    """What the wheel carries, relative to infra/: the root module's *.tf, its lock file and
    the modules/ tree without LEFT_OUT."""
    files = [p for p in root.iterdir() if p.is_file() and p.suffix == ".tf"]
    files.append(root / ".terraform.lock.hcl")
    ignore = shutil.ignore_patterns(*LEFT_OUT)
    for directory, subdirs, names in os.walk(root / "modules"):
        skipped = ignore(directory, [*subdirs, *names])
        subdirs[:] = sorted(d for d in subdirs if d not in skipped)
        files.extend(Path(directory, n) for n in names if n not in skipped)
    return sorted(p.relative_to(root) for p in files)


class BuildPyWithInfra(build_py):
    """build_py, plus infra/ copied into the built package (not in editable mode)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        dest = Path(self.build_lib, *PACKAGED)
        shutil.rmtree(dest, ignore_errors=True)  # nothing a previous build left
        for relative in infra_files():
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            self.copy_file(str(INFRA / relative), str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        dest = Path(self.build_lib, *PACKAGED)
        return [*outputs, *(str(dest / relative) for relative in infra_files())]


setup(cmdclass={"build_py": BuildPyWithInfra})
