"""infra/README.md lists every input and output with its current description; every statement
of the minimum Terraform version agrees with the one the CLI checks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from scripts.infra_docs import tables

from jitsi_ecs.terraform import minimum_version

REPO = Path(__file__).resolve().parents[2]
README = REPO / "infra" / "README.md"


def test_readme_tables_match_the_code() -> None:
    assert tables() in README.read_text(), (
        "run: python scripts/infra_docs.py, paste into infra/README.md"
    )


def test_every_statement_of_the_minimum_terraform_version_agrees() -> None:
    minimum = minimum_version()
    stated = {
        f"{path.relative_to(REPO)}: {found}"
        for path in [*(REPO / "infra").rglob("versions.tf")]
        if ".terraform" not in path.parts
        for found in re.findall(r'required_version\s*=\s*"([^"]*)"', path.read_text())
    } | {
        f"{name}: {found}"
        for name in ("README.md", "infra/README.md", "DEVELOPERS.md")
        for found in re.findall(r"Terraform (>= ?[\d.]+)", (REPO / name).read_text())
    }
    assert len(stated) >= 5
    assert {s for s in stated if not s.endswith(f">= {minimum}")} == set()
    # bootstrap.sh reads it from infra/versions.tf.
    said = subprocess.run(
        [
            "bash",
            "-c",
            "eval \"$(grep '^min_terraform=' scripts/bootstrap.sh)\"; echo $min_terraform",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert said == minimum
