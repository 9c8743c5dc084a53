"""Steps several commands share: open a deployment, read its outputs."""

from __future__ import annotations

from typing import Any

import typer

from jitsi_ecs.commands import Globals
from jitsi_ecs.config import Config, load_config
from jitsi_ecs.deployment import Deployment, open_deployment, prepare
from jitsi_ecs.errors import JitsiEcsError
from jitsi_ecs.ui import err


def confirm(question: str) -> bool:
    return typer.confirm(question, default=False, err=True)


def deployment(
    g: Globals, command: str, *, start_emulator: bool = True
) -> tuple[Config, Deployment]:
    config = load_config(g.config_path)
    with err.status(f"Preparing {g.target} target..."):
        dep = open_deployment(config, g.target, command, start_emulator=start_emulator)
        prepare(dep, (lambda _q: True) if g.assume_yes else confirm)
    return config, dep


def deployed_outputs(dep: Deployment) -> dict[str, Any]:
    outputs = dep.terraform.outputs()
    if "alb_arn" not in outputs:
        raise JitsiEcsError(
            f"nothing is deployed on the {dep.target} target", hint="Run `jitsi-ecs up` first."
        )
    return outputs
