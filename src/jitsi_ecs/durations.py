"""Durations people type: 30m, 2h, 7d (and 90s). One parser for every flag that takes one."""

from __future__ import annotations

import re
from datetime import timedelta

from jitsi_ecs.errors import UsageError

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_DURATION = re.compile(r"^([1-9][0-9]{0,5})([smhd])$")


def parse_duration(
    text: str, *, flag: str, maximum: timedelta, maximum_hint: str | None = None
) -> timedelta:
    """text as a timedelta, or UsageError naming the flag (exit 2); maximum_hint says why a
    longer one is refused."""
    match = _DURATION.match(text.strip())
    if not match:
        raise UsageError(
            f"{flag}: {text!r} is not a duration such as 30m, 2h or 7d",
            hint="A whole number followed by s, m, h or d.",
        )
    value = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if value > maximum:
        raise UsageError(
            f"{flag}: {text} is longer than the maximum, {_words(maximum)}", hint=maximum_hint
        )
    return value


def _words(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
