"""Render infra/tests/validation.tftest.hcl from the shared bad-config corpus.

    python -m tests.infra.validation_cases   # rewrite the file after changing tests/bad_configs.py

tests/infra/test_terraform_modules.py fails when the committed file is stale, so a module user
running `terraform test` gets every case the CLI refuses (except those Terraform cannot see).
"""

from __future__ import annotations

from pathlib import Path

from jitsi_ecs.lambda_zip import RUNTIME
from jitsi_ecs.schema import hcl_value, terraform_fmt
from jitsi_ecs.stack import GENERATED_SECRETS
from tests.bad_configs import BAD, Bad
from tests.conftest import INFRA

TFTEST = INFRA / "tests" / "validation.tftest.hcl"

# What every run starts from: a deployable config (a certificate source, the function zips).
BASE_VARIABLES = {
    "domain": "meet.example.com",
    "route53_zone_id": "Z0123456789",
    "telemetry_package": {
        "path": "telemetry.zip",
        "hash": "bW9jaw==",
        "handler": "jitsi_ecs.telemetry.lambda_handler.handler",
        "runtime": RUNTIME,
    },
    "generated_secrets": {
        name: f"test-only-{name.lower()}-0123456789" for name in GENERATED_SECRETS
    },
    "auth_package": {
        "path": "auth.zip",
        "hash": "bW9jaw==",
        "architecture": "x86_64",
        "handler": "jitsi_ecs.auth.handler.handler",
        "runtime": RUNTIME,
    },
}

MOCK_PROVIDER = """
mock_provider "aws" {
  source = "./tests/mocks"
}
"""
HEADER = (
    """\
# GENERATED from tests/bad_configs.py by `python -m tests.infra.validation_cases`: do not edit.
# Every bad input the CLI refuses is refused here too, by variable validation, before anything
# is planned. (Cases Terraform cannot see, such as unknown keys its object types drop, and
# values refused by type conversion, are listed in tests/bad_configs.py with the reason.)
"""
    + MOCK_PROVIDER
)


def variables_block(values: dict[str, object], indent: str = "") -> str:
    lines = [f"{indent}variables {{"]
    lines += [f"{indent}  {key} = {hcl_value(value)}" for key, value in values.items()]
    return "\n".join([*lines, f"{indent}}}"])


def run_block(case: Bad, expect_failure: bool) -> str:
    lines = [f'run "{case.id}" {{', "  command = plan", variables_block(case.data, "  ")]
    if expect_failure:
        lines.append(f"  expect_failures = [var.{case.variable}]")
    return "\n".join([*lines, "}"])


def terraform_cases() -> list[Bad]:
    return [case for case in BAD if not case.cli_only]


def render() -> str:
    runs = [run_block(case, True) for case in terraform_cases() if not case.terraform_type_error]
    text = "\n\n".join([HEADER + "\n" + variables_block(BASE_VARIABLES), *runs]) + "\n"
    return terraform_fmt(text)


if __name__ == "__main__":
    TFTEST.write_text(render())
    print(f"wrote {Path(TFTEST)}")
