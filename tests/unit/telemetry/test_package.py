"""The telemetry function's zip: reproducible, and self-contained (the standard library)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from jitsi_ecs.lambda_zip import RUNTIME
from jitsi_ecs.telemetry import package
from tests.unit.zipped import missing_imports


def test_sources_import_only_the_standard_library() -> None:
    # opentelemetry only inside try/except ImportError (collector.py: traces under ADOT).
    assert missing_imports(package.sources(), allowed={"opentelemetry"}) == []


def test_the_builder_is_not_zipped() -> None:
    # It imports the tool's zip writer, which the function has no use for (nor has).
    names = [name for _, name in package.sources()]
    assert "jitsi_ecs/telemetry/lambda_handler.py" in names
    assert "jitsi_ecs/telemetry/package.py" not in names


def test_the_same_sources_give_the_same_zip(tmp_path: Path) -> None:
    first = package.variable(tmp_path / "a")
    second = package.variable(tmp_path / "b")
    assert first == second  # no Terraform diff between two runs
    assert first["runtime"] == RUNTIME and first["handler"] == package.HANDLER
    with zipfile.ZipFile(tmp_path / "a" / package.ZIP) as archive:
        assert sorted(archive.namelist()) == sorted(name for _, name in package.sources())
