#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, types, Terraform format and policy, then
# pytest (unit, terraform test, and the emulator integration tests). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh --dev

step() { printf '\n==> %s\n' "$*"; }

# The static checks are single-threaded and independent: run side by side (two cores), each
# into its own log, then report each in turn. Every one must pass.
checks=$(mktemp -d)
trap 'rm -rf "$checks"' EXIT
( .venv/bin/ruff check src tests && .venv/bin/ruff format --check src tests ) >"$checks/ruff" 2>&1 &
ruff_pid=$!
.venv/bin/mypy >"$checks/mypy" 2>&1 &
mypy_pid=$!
terraform fmt -check -recursive infra >"$checks/terraform" 2>&1 &
fmt_pid=$!
.venv-checkov/bin/checkov -d infra --skip-download --compact --quiet --framework terraform \
  >"$checks/checkov" 2>&1 &
checkov_pid=$!
failed=0
for check in "ruff:$ruff_pid" "mypy (strict):$mypy_pid" "terraform fmt:$fmt_pid" "checkov:$checkov_pid"; do
  name=${check%:*}
  pid=${check##*:}
  step "$name"
  status=0
  wait "$pid" || status=$?
  cat "$checks/${name%% *}"
  [ "$status" -eq 0 ] || { echo "FAILED: $name (exit $status)"; failed=1; }
done
[ "$failed" -eq 0 ] || exit 1

step "pytest: unit, terraform and the emulator integration tests"
# One run on four workers: the long tests start one per worker (see tests/conftest.py) and the
# emulator tests' waits on the AWS provider's fixed delays are filled with the short tests.
# --durations: the slowest tests in every CI log, for the next round of CI time work.
.venv/bin/pytest -n 4 --maxschedchunk=1 --durations=30 "$@"
