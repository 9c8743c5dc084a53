#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, types, Terraform format and policy, then
# pytest (unit, terraform test, and the emulator integration tests). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh --dev

step() { printf '\n==> %s\n' "$*"; }

step "ruff"
.venv/bin/ruff check src tests
.venv/bin/ruff format --check src tests
step "mypy (strict)"
.venv/bin/mypy
step "terraform fmt"
terraform fmt -check -recursive infra
step "checkov"
.venv-checkov/bin/checkov -d infra --skip-download --compact --quiet --framework terraform
step "pytest: unit, terraform and the emulator integration tests"
# One run on four workers: the long tests start one per worker (see tests/conftest.py) and the
# emulator tests' waits on the AWS provider's fixed delays are filled with the short tests.
.venv/bin/pytest -n 4 --maxschedchunk=1 "$@"
