"""Steps every command shares: load the config, pick the target, open the stack."""

from __future__ import annotations

from typing import get_args

import typer

from jitsi_ecs.commands import Globals
from jitsi_ecs.config import Email, load_config
from jitsi_ecs.errors import NothingDeployed, UsageError
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.stack import Stack
from jitsi_ecs.targets import Prompt, Target, for_name
from jitsi_ecs.ui import err


def _confirm(question: str) -> bool:
    return bool(typer.confirm(question, default=False, err=True))


def _text(question: str) -> str:
    return str(typer.prompt(question, default="", show_default=False, err=True))


PROMPT = Prompt(confirm=_confirm, text=_text)


def target(g: Globals) -> Target:
    return for_name(g.target, PROMPT, g.assume_yes)


def open_stack(g: Globals, command: str, *, start: bool = True) -> Stack:
    """The config loaded and the target reached (start=False: read-only commands)."""
    config = load_config(g.config_path)
    with err.status(f"Reaching the {g.target} target..."):
        return Stack.open(config, target(g), command, start=start)


def prepared(g: Globals, command: str, *, preflight: bool = False) -> Stack:
    """A stack ready to plan: working copy, variables, backend, init when needed;
    preflight=True (plan, up) first refuses what the target knows would fail."""
    stack = open_stack(g, command)
    with err.status("Preparing terraform..."):
        return stack.prepare(preflight=preflight)


def deployed(g: Globals, command: str) -> tuple[Stack, StackOutputs]:
    """A deployment's stack and outputs, read-only; none found is bad input (exit 2)."""
    try:
        stack = open_stack(g, command, start=False)
        return stack, stack.attach()
    except NothingDeployed as exc:
        raise UsageError(exc.message, hint=exc.hint) from None


def check_email(value: str, what: str = "e-mail") -> str:
    """The same rule as the config's e-mail keys; UsageError (exit 2) otherwise."""
    matches = get_args(Email)[1]
    try:
        return str(matches(value))
    except ValueError as exc:
        raise UsageError(f"{what}: {exc}") from None
