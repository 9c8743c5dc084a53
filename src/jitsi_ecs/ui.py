"""Console output: messages and progress on stderr, so stdout carries only results (JSON)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    out.print_json(json.dumps(data, default=str)) if out.is_terminal else print(
        json.dumps(data, indent=2, default=str)
    )
