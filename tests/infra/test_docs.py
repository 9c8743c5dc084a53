"""infra/README.md lists every input and output with its current description."""

from __future__ import annotations

from pathlib import Path

from scripts.infra_docs import tables

README = Path(__file__).resolve().parents[2] / "infra" / "README.md"


def test_readme_tables_match_the_code() -> None:
    assert tables() in README.read_text(), (
        "run: python scripts/infra_docs.py, paste into infra/README.md"
    )
