#!/usr/bin/env bash
# The main job: deploy the whole stack to the embedded local AWS (moto), then verify it.
# Needs no AWS account. Afterwards: `.venv/bin/jitsi-ecs status`, `... env`, `... down`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
.venv/bin/jitsi-ecs up
.venv/bin/jitsi-ecs verify
echo
echo "Deployed locally and verified. Inspect with: .venv/bin/jitsi-ecs status"
echo "Remove everything (and stop the emulator) with: .venv/bin/jitsi-ecs down"
