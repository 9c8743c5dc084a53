"""`jitsi-ecs verify [--json] [--junit FILE]`: the live account against the config."""

from __future__ import annotations

from pathlib import Path

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import open_stack
from jitsi_ecs.errors import EXIT_FAILED, EXIT_OK
from jitsi_ecs.stack import Stack
from jitsi_ecs.ui import err, out, print_json
from jitsi_ecs.verify import as_json, run_checks
from jitsi_ecs.verify.report import print_table, write_junit
from jitsi_ecs.verify.result import Check, VerifyContext


def verify_stack(stack: Stack) -> list[Check]:
    outputs = stack.attach()
    with err.status("Checking the live deployment..."):
        return run_checks(
            VerifyContext(
                stack.config,
                stack.aws,
                outputs,
                stack.target.serves_traffic,
                stack.target.adot_lambda_layer(stack.config),
            )
        )


def report(results: list[Check], as_json_output: bool, junit: Path | None) -> int:
    if junit is not None:
        write_junit(junit, results)
    if as_json_output:
        print_json(as_json(results))
    else:
        print_table(out, results)
    return EXIT_FAILED if any(r.status == "fail" for r in results) else EXIT_OK


def run(g: Globals, as_json_output: bool, junit: Path | None) -> int:
    return report(verify_stack(open_stack(g, "verify", start=False)), as_json_output, junit)
