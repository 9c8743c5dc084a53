"""The documentation stays true to the code: infra/README.md lists every input and output with
its current description; every statement of the minimum Terraform version agrees with the one
the CLI checks; the manual's reference pages are what the code generates; the manual builds
with `mkdocs build --strict` (broken links and anchors fail); the README stays short and opens
with the two set-up commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

from scripts import gen_docs
from scripts.infra_docs import tables

from jitsi_ecs.terraform import minimum_version

REPO = Path(__file__).resolve().parents[2]
README = REPO / "infra" / "README.md"
MANUAL_PAGES = sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").rglob("*.md"))


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
        for name in ("README.md", "infra/README.md", "DEVELOPERS.md", *MANUAL_PAGES)
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


# ---------------------------------------------------------------- the manual


def test_reference_pages_are_what_the_code_generates() -> None:
    stale = [
        str(path.relative_to(REPO))
        for path, text in gen_docs.render().items()
        if not path.is_file() or path.read_text() != text
    ]
    assert stale == [], f"stale: {stale}; run: {gen_docs.REGENERATE}"


def test_every_check_id_the_verify_code_spells_out_is_in_the_reference() -> None:
    """A cross-check of the generator's reading of the source: every id written whole in the
    verify package (a string literal) is listed."""
    listed = set(gen_docs.declared_checks())
    sources = "\n".join(p.read_text() for p in gen_docs.VERIFY.glob("*.py"))
    literals = set(re.findall(r'"((?:[a-z]+\.)+[a-z][a-z-]*)"', sources))
    ids = {
        s
        for s in literals
        if s.split(".")[0] in {t.split(".")[0] for t in listed} and not s.startswith("jitsi_ecs")
    }
    assert len(ids) > 30
    assert ids - listed == set()
    assert "tg.web.health-check" in listed and "service.<service>.circuit-breaker" in listed


def _mkdocs(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )


def test_the_manual_builds_strictly(tmp_path: Path) -> None:
    done = _mkdocs(REPO / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    assert (tmp_path / "site" / "capacity" / "index.html").is_file()
    assert (tmp_path / "site" / "layouts.svg").is_file()


def test_a_broken_anchor_fails_the_build(tmp_path: Path) -> None:
    """The repository's validation settings make a link to a missing heading fail --strict."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nSee [there](other.md#nowhere).\n")
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## Somewhere\n")
    settings = (REPO / "mkdocs.yml").read_text()
    nav = settings.index("\nnav:")
    (tmp_path / "mkdocs.yml").write_text(settings[:nav] + "\n")
    done = _mkdocs(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert done.returncode != 0
    assert "nowhere" in done.stderr


def test_the_readme_is_short_and_opens_with_the_two_commands() -> None:
    text = (REPO / "README.md").read_text()
    assert len(text.splitlines()) <= 200
    opening = text.split("\n```sh\n", 1)
    assert opening[0] == "# jitsi-ecs\n"
    block = opening[1].split("```", 1)[0].splitlines()
    assert [line.split("#")[0].strip() for line in block] == [
        "./scripts/demo.sh",
        "./scripts/test.sh",
    ]
    # The first screen: what it is, how to try it, how people join, how to deploy.
    first_screen = "\n".join(text.splitlines()[:60])
    for said in ("What it is", "Try it", "How people join", "Deploy to your account"):
        assert said in first_screen


def test_the_readme_links_what_exists() -> None:
    text = (REPO / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    assert targets
    assert [t for t in targets if not (REPO / t).exists()] == []


def test_the_layouts_picture_is_an_svg_the_readme_and_architecture_show() -> None:
    picture = REPO / "docs" / "layouts.svg"
    root = ElementTree.parse(picture).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    words = " ".join(t for t in root.itertext())
    for shown in ("compact", "growth", "ALB", "prosody", "jicofo", "jvb", "UDP 10000", "NLB"):
        assert shown in words
    assert "](docs/layouts.svg)" in (REPO / "README.md").read_text()
    assert "](layouts.svg)" in (REPO / "docs" / "architecture.md").read_text()
