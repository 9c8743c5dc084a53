"""`jitsi-ecs rotate-secrets`: new JICOFO/JVB passwords, JWT secret and TURN secret, then the
services that read them (coturn too) restart onto them, in the order `rotation.py` gives: all
readers stopped, then all started again, so that a bridge never runs beside a prosody of
the other version. Existing meeting links stop working (new JWT secret)."""

from __future__ import annotations

from datetime import timedelta

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import open_stack
from jitsi_ecs.commands.up import apply_plan, print_unstable, wait_for_services
from jitsi_ecs.commands.verify import report, verify_stack
from jitsi_ecs.errors import EXIT_FAILED
from jitsi_ecs.guard import guard_signaling
from jitsi_ecs.outputs import SIGNALING
from jitsi_ecs.rotation import restart_readers
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
    # coturn checks the credentials prosody signs
    others = [outputs.turn_service_name] if outputs.turn_service_name else []
    restart_readers(stack.aws, outputs.cluster_name, names, others, stack.target.stable_watch)
    unstable = [v for v in wait_for_services(stack) if not v.stable]
    print_unstable(unstable)
    code = report(verify_stack(stack), False, None)
    return EXIT_FAILED if unstable else code
