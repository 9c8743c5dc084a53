#!/usr/bin/env bash
# Set up a checkout: .venv with jitsi-ecs (editable) and, with --dev, the test tools, a
# separate .venv-checkov (checkov pins an old boto3 that would clash with moto) and Debian's
# chromium + chromium-driver for the browser test.
# Sourced by demo.sh and test.sh; safe to run again.
set -euo pipefail
# BASH_SOURCE, not $0: sourced from a shell, $0 is the shell ("bash"), not this file.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

# The minimum Terraform is said once, in the root module (the CLI reads it from there too).
min_terraform=$(sed -n 's/^ *required_version *= *">= *\([0-9.]*\)".*/\1/p' infra/versions.tf)
command -v terraform >/dev/null || { echo "error: terraform (>= $min_terraform) is not on PATH" >&2; exit 2; }
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: Python >= 3.11 needed" >&2; exit 2; }

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Installs go through uv when pip can fetch it (a few seconds), which resolves and installs in
# seconds what takes pip two minutes of CPU (the dev tools are ~150 packages); pip otherwise.
# Either way the same requirements from the same index.
venv_install() {  # venv_install PYTHON ARGS...
  local python=$1
  shift
  if [ -x .venv/bin/uv ] || .venv/bin/pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1; then
    .venv/bin/uv pip install --quiet --python "$python" "$@"
  else
    "$python" -m pip install --quiet --disable-pip-version-check "$@"
  fi
}
if [ "$dev" = 1 ]; then
  venv_install .venv/bin/python -e '.[dev]'
  # checkov gets its own venv: it pins an old boto3 that would clash with moto.
  if [ ! -x .venv-checkov/bin/checkov ]; then
    python3 -m venv .venv-checkov
    venv_install .venv-checkov/bin/python checkov || { echo "error: installing checkov into .venv-checkov failed" >&2; exit 1; }
  fi
  # The /auth/ page's browser test drives Debian's Chromium and its driver
  # (tests/unit/auth/test_browser.py); installed once, about a minute and a half.
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    command -v apt-get >/dev/null || { echo "error: chromium and chromium-driver are needed (apt-get not found)" >&2; exit 2; }
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing chromium and chromium-driver (Debian packages)..." >&2
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      chromium chromium-driver >/dev/null
  fi
else
  venv_install .venv/bin/python -e .
fi
unset -f venv_install

# Terraform's AWS provider: from the registry, or (machines without internet) from a
# filesystem mirror directory named tf-plugins. The product never points at a mirror;
# only this tooling does, through TF_CLI_CONFIG_FILE.
if [ -z "${TF_CLI_CONFIG_FILE:-}" ] || [ ! -f "${TF_CLI_CONFIG_FILE}" ]; then
  mirror="${JITSI_ECS_TF_MIRROR:-}"
  if [ -z "$mirror" ]; then
    mirror=$(find / -maxdepth 3 -type d -name tf-plugins 2>/dev/null | head -n 1 || true)
  fi
  if [ -n "$mirror" ] && [ -d "$mirror/registry.terraform.io" ]; then
    mkdir -p .jitsi-ecs
    cat > .jitsi-ecs/terraformrc <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
RC
    export TF_CLI_CONFIG_FILE="$PWD/.jitsi-ecs/terraformrc"
  else
    unset TF_CLI_CONFIG_FILE
  fi
fi
