"""`jitsi-ecs rotate-secrets`: new JICOFO/JVB passwords, JWT secret and TURN secret, then the
services that read them (coturn too) restart onto them. Existing meeting links stop working
(new JWT secret)."""

from __future__ import annotations

from datetime import timedelta

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import open_stack
from jitsi_ecs.commands.up import apply_plan
from jitsi_ecs.commands.verify import report, verify_stack
from jitsi_ecs.guard import guard_signaling
from jitsi_ecs.outputs import SIGNALING
from jitsi_ecs.ui import err

# Containers that read a generated secret (see verify/ecs.py expected_secrets).
READERS = ("prosody", "jicofo", "jvb")


def run(g: Globals, force: bool = False, wait_empty: timedelta | None = None) -> int:
    stack = open_stack(g, "rotate-secrets")
    with err.status("Preparing terraform..."):
        stack.prepare(rotate_secrets=True)
    err.print(f"Writing secrets version {stack.secrets_version} (new values in SSM).")
    outputs = stack.attach()
    readers = [
        key
        for key, containers in outputs.service_containers.items()
        if any(c in READERS for c in containers)
    ]
    if any(SIGNALING in outputs.service_containers[key] for key in readers):
        guard_signaling(stack, force=force, wait_empty=wait_empty)
    apply_plan(stack, accept_cost=True, force=True, wait_empty=None)
    names = [outputs.service_names[key] for key in readers]
    if outputs.turn_service_name:  # coturn checks the credentials prosody signs
        names.append(outputs.turn_service_name)
    for name in names:
        stack.aws.redeploy(outputs.cluster_name, name)
        err.print(f"Restarting {name}: its tasks read the new values when they start.")
    return report(verify_stack(stack), False, None)
