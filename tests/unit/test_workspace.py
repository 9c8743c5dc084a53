"""workspace.py: owner-only files, the one-time clean-up of older layouts, infra_source()."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from jitsi_ecs import workspace
from jitsi_ecs.workspace import (
    LAYOUT_VERSION,
    Workspace,
    infra_source,
    private_dir,
    write_private,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def lax_umask() -> Iterator[None]:
    """The usual umask: what the tool writes must be private anyway."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_private_dir_creates_and_tightens(tmp_path: Path) -> None:
    made = private_dir(tmp_path / "a" / "b")
    assert mode(made) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    assert mode(private_dir(loose)) == 0o700


def test_write_private_is_owner_only_even_over_a_readable_file(tmp_path: Path) -> None:
    path = tmp_path / "d" / "secret.json"
    write_private(path, "one")
    assert (mode(path), mode(path.parent)) == (0o600, 0o700)
    path.chmod(0o644)
    write_private(path, b"two")
    assert mode(path) == 0o600
    assert path.read_text() == "two"


def test_open_makes_the_tree_private_and_logs_are_private(tmp_path: Path) -> None:
    ws = Workspace.for_target("local", tmp_path).open()
    assert ws.root == tmp_path / ".jitsi-ecs" / "local"
    assert mode(ws.root) == 0o700 and mode(ws.root.parent) == 0o700
    assert (ws.root / "layout").read_text() == LAYOUT_VERSION + "\n"
    log = ws.new_log("plan")
    assert log.parent == ws.logs_dir and log.name.startswith("plan-") and log.suffix == ".log"
    assert mode(log) == 0o600 and mode(ws.logs_dir) == 0o700
    assert ws.stack_dir == ws.root / "stack"
    assert ws.emulator_file == ws.root / "emulator.json"


def _old_layout(ws: Workspace) -> dict[str, Path]:
    """What version 1 left: world-readable logs with planned values, saved plans."""
    files = {
        "log": ws.logs_dir / "plan-20240101-000000.log",
        "plan": ws.stack_dir / "jitsi-ecs.tfplan",
        "state": ws.stack_dir / "terraform.tfstate",
        "module": ws.stack_dir / "modules" / "edge" / "main.tf",
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
        path.chmod(0o644)
    ws.stack_dir.chmod(0o755)
    return files


def test_upgrade_removes_old_logs_and_plans_once(tmp_path: Path) -> None:
    ws = Workspace.for_target("aws", tmp_path)
    files = _old_layout(ws)
    removed = ws.upgrade()
    assert sorted(removed) == sorted([files["log"], files["plan"]])
    assert not files["log"].exists() and not files["plan"].exists()
    # What is kept is made owner-only.
    assert mode(files["state"]) == 0o600 and mode(files["module"]) == 0o600
    assert mode(ws.stack_dir) == 0o700 and mode(files["module"].parent) == 0o700
    assert (ws.root / "layout").read_text().strip() == LAYOUT_VERSION
    # Once: logs written by this version are never swept again.
    new_log = ws.new_log("up")
    assert ws.upgrade() == []
    assert new_log.exists()


def test_upgrade_runs_again_after_an_older_marker(tmp_path: Path) -> None:
    ws = Workspace.for_target("local", tmp_path)
    files = _old_layout(ws)
    (ws.root / "layout").write_text("1\n")
    assert files["log"] in ws.upgrade()
    assert (ws.root / "layout").read_text() == LAYOUT_VERSION + "\n"


def test_upgrade_of_a_new_workspace_removes_nothing(tmp_path: Path) -> None:
    ws = Workspace.for_target("local", tmp_path)
    ws.root.mkdir(parents=True)
    assert ws.upgrade() == []
    assert (ws.root / "layout").is_file()


def test_infra_source_is_the_checkout_s_infra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JITSI_ECS_INFRA", raising=False)
    found = infra_source()
    assert (found / "main.tf").is_file() and found.name == "infra"


def test_infra_source_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("")
    monkeypatch.setenv("JITSI_ECS_INFRA", str(tmp_path))
    assert infra_source() == tmp_path


def test_an_override_without_modules_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JITSI_ECS_INFRA", str(tmp_path))  # no main.tf there
    assert infra_source().name == "infra" and infra_source() != tmp_path


def test_no_infra_anywhere_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JITSI_ECS_INFRA", str(tmp_path / "nothing"))
    # As if the package were installed from a wheel: no infra/ two levels up.
    monkeypatch.setattr(workspace, "__file__", str(tmp_path / "site" / "jitsi_ecs" / "ws.py"))
    with pytest.raises(FileNotFoundError, match="set JITSI_ECS_INFRA"):
        infra_source()


def test_an_installed_package_s_modules_come_before_the_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Installed from a wheel, the package carries jitsi_ecs/infra (setup.py copies it)."""
    monkeypatch.delenv("JITSI_ECS_INFRA", raising=False)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text("")
    monkeypatch.setattr(workspace.resources, "files", lambda package: tmp_path)
    assert infra_source() == tmp_path / "infra"
    monkeypatch.setenv("JITSI_ECS_INFRA", str(tmp_path / "elsewhere"))
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "main.tf").write_text("")
    assert infra_source() == tmp_path / "elsewhere"  # the override still wins
