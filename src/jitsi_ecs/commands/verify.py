"""`jitsi-ecs verify [--json] [--junit FILE]`: the live account against the config."""

from __future__ import annotations

from pathlib import Path

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import deployed_outputs, deployment
from jitsi_ecs.deployment import Deployment
from jitsi_ecs.errors import EXIT_FAILED, EXIT_OK
from jitsi_ecs.ui import err, out, print_json
from jitsi_ecs.verify import as_json, run_checks
from jitsi_ecs.verify.report import print_table, write_junit
from jitsi_ecs.verify.result import Check, VerifyContext


def verify_deployment(dep: Deployment) -> list[Check]:
    outputs = deployed_outputs(dep)
    with err.status("Checking the live deployment..."):
        return run_checks(VerifyContext(dep.config, dep.aws, outputs))


def report(results: list[Check], as_json_output: bool, junit: Path | None) -> int:
    if junit is not None:
        write_junit(junit, results)
    if as_json_output:
        print_json(as_json(results))
    else:
        print_table(out, results)
    return EXIT_FAILED if any(r.status == "fail" for r in results) else EXIT_OK


def run(g: Globals, as_json_output: bool, junit: Path | None) -> int:
    _, dep = deployment(g, "verify", start_emulator=False)
    return report(verify_deployment(dep), as_json_output, junit)
