"""infra/: formatted, valid, its `terraform test` suite green, and bad inputs refused with
the right message (terraform test's expect_failures cannot assert the text, so each bad
input runs once without it and the message is read from the failure)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import INFRA
from tests.infra import validation_cases


def _copy_infra(dest: Path) -> Path:
    shutil.copytree(INFRA, dest, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    return dest


def _tf(terraform: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TF_IN_AUTOMATION": "1"}
    # One stream, so each error stays next to the test file it belongs to.
    return subprocess.run(
        [terraform, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A guard against a hung terraform, not a speed limit: the whole mocked suite shares
        # two cores with the emulator flows, and took over 600 s on a loaded machine.
        timeout=1500,
    )


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.fail("terraform is not on PATH")
    root = _copy_infra(tmp_path_factory.mktemp("infra") / "infra")
    result = _tf(terraform, root, "init", "-backend=false", "-input=false", "-no-color")
    assert result.returncode == 0, result.stdout
    return root


def test_formatted(terraform_bin: str) -> None:
    result = _tf(terraform_bin, INFRA, "fmt", "-check", "-recursive", "-diff")
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}"


def test_valid(terraform_bin: str, initialised: Path) -> None:
    result = _tf(terraform_bin, initialised, "validate", "-no-color")
    assert result.returncode == 0, result.stdout


def test_every_module_follows_the_layout() -> None:
    for module in sorted((INFRA / "modules").iterdir()):
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
            assert (module / name).is_file(), f"{module.name}/{name} missing"
        text = "".join(p.read_text() for p in module.glob("*.tf"))
        for block in re.findall(r'^(variable|output) "[^"]+" \{(.*?)^\}', text, flags=re.S | re.M):
            assert "description" in block[1], f"{module.name}: a {block[0]} lacks a description"


def test_terraform_test_suite_passes(terraform_bin: str, initialised: Path) -> None:
    # Every test file but validation.tftest.hcl, whose cases the next-but-one test runs once
    # more without expect_failures and checks each message: the same refusals, read closer.
    files = sorted(p.name for p in (initialised / "tests").glob("*.tftest.hcl"))
    assert "validation.tftest.hcl" in files
    filters = [f"-filter=tests/{name}" for name in files if name != "validation.tftest.hcl"]
    result = _tf(terraform_bin, initialised, "test", "-no-color", *filters)
    output = result.stdout
    assert result.returncode == 0, output
    match = re.search(r"Success! (\d+) passed, 0 failed", output)
    assert match and int(match.group(1)) >= 25, output


def test_validation_tftest_is_generated_from_the_corpus() -> None:
    assert validation_cases.TFTEST.read_text() == validation_cases.render(), (
        "run: python -m tests.infra.validation_cases"
    )


def test_bad_inputs_are_refused_with_their_message(terraform_bin: str, initialised: Path) -> None:
    """Each case of the shared corpus once more, without expect_failures: Terraform must refuse
    it ("Invalid value for ...") and its message must name the key the CLI names."""
    cases = initialised / "validation-messages"
    cases.mkdir(exist_ok=True)
    header = validation_cases.render().split("\nrun ", 1)[0]
    for case in validation_cases.terraform_cases():
        (cases / f"{case.id}.tftest.hcl").write_text(
            header + "\n" + validation_cases.run_block(case, expect_failure=False) + "\n"
        )
    result = _tf(
        terraform_bin, initialised, "test", "-no-color", "-test-directory=validation-messages"
    )
    output = result.stdout
    assert result.returncode != 0
    sections = re.split(r"validation-messages/(\w+)\.tftest\.hcl\.\.\. in progress", output)[1:]
    found = dict(zip(sections[::2], sections[1::2], strict=True))
    for case in validation_cases.terraform_cases():
        text = " ".join(found[case.id].split())
        assert "Invalid value for" in text, (case.id, text)
        expected = case.terraform_type_error or case.named_key
        assert expected in text, (case.id, text)
