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
        timeout=600,
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
    result = _tf(terraform_bin, initialised, "test", "-no-color")
    output = result.stdout
    assert result.returncode == 0, output
    match = re.search(r"Success! (\d+) passed, 0 failed", output)
    assert match and int(match.group(1)) >= 25, output


# variables.tf error messages for the bad inputs the issue names (and a few more).
BAD_INPUTS = {
    "unhealthy_threshold_1": (
        "health_check = { target_group = { unhealthy_threshold = 1 } }",
        "unhealthy_threshold must be 2-10",
    ),
    "budgets_not_ascending": ("budgets = { limits = [5, 20, 10] }", "strictly ascending order"),
    "routes_same_priority": (
        'routes = { a = { path_patterns = ["/a/*"], priority = 10, port = 8001 }, '
        'b = { path_patterns = ["/b/*"], priority = 10, port = 8002 } }',
        "two routes have the same priority",
    ),
    "routes_same_path": (
        'routes = { a = { path_patterns = ["/a/*"], priority = 10, port = 8001 }, '
        'b = { path_patterns = ["/a/*"], priority = 11, port = 8002 } }',
        "a path pattern appears in two routes",
    ),
    "container_timeout_eq_interval": (
        "health_check = { container = { interval = 10, timeout = 10 } }",
        "health_check.container.timeout must be below",
    ),
    "tg_timeout_eq_interval": (
        "health_check = { target_group = { interval = 10, timeout = 10 } }",
        "health_check.target_group.timeout must be below",
    ),
    "moving_tag": ('jitsi = { image = { tag = "latest" } }', "never a moving tag"),
}


def test_bad_inputs_are_refused_with_their_message(terraform_bin: str, initialised: Path) -> None:
    cases = initialised / "validation-messages"
    cases.mkdir(exist_ok=True)
    header = (initialised / "tests" / "validation.tftest.hcl").read_text()
    mock = re.search(r'mock_provider "aws" \{.*?\n\}\n', header, re.S)
    assert mock is not None
    for name, (assignment, _) in BAD_INPUTS.items():
        (cases / f"{name}.tftest.hcl").write_text(
            f"{mock.group(0)}\n"
            'variables {\n  domain = "meet.example.com"\n  route53_zone_id = "Z1"\n'
            '  telemetry_package = { path = "t.zip", hash = "aA==" }\n}\n'
            f'run "{name}" {{\n  command = plan\n  variables {{\n    {assignment}\n  }}\n}}\n'
        )
    result = _tf(
        terraform_bin, initialised, "test", "-no-color", "-test-directory=validation-messages"
    )
    output = result.stdout
    assert result.returncode != 0
    sections = re.split(r"validation-messages/(\w+)\.tftest\.hcl\.\.\. in progress", output)[1:]
    found = dict(zip(sections[::2], sections[1::2], strict=True))
    for name, (_, message) in BAD_INPUTS.items():
        text = " ".join(found[name].split())
        assert "Invalid value for variable" in text, (name, text)
        assert message in text, (name, text)
