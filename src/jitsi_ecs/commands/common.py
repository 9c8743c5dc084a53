"""Steps every command shares: load the config, pick the target, open the stack."""

from __future__ import annotations

import typer

from jitsi_ecs.commands import Globals
from jitsi_ecs.config import load_config
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


def prepared(g: Globals, command: str) -> Stack:
    """A stack ready to plan: working copy, variables, backend, init when needed."""
    stack = open_stack(g, command)
    with err.status("Preparing terraform..."):
        return stack.prepare()
