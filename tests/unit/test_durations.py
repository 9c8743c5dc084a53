from __future__ import annotations

from datetime import timedelta

import pytest

from jitsi_ecs.durations import parse_duration
from jitsi_ecs.errors import UsageError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("7d", timedelta(days=7)),
        ("30d", timedelta(days=30)),  # the maximum itself is allowed
        ("720h", timedelta(days=30)),
    ],
)
def test_durations_people_type(text: str, expected: timedelta) -> None:
    assert parse_duration(text, flag="--ttl", maximum=timedelta(days=30)) == expected


@pytest.mark.parametrize("text", ["", "2", "h", "0m", "1.5h", "2 hours", "-1h", "2w"])
def test_what_does_not_parse_names_the_flag(text: str) -> None:
    with pytest.raises(UsageError, match=r"--ttl: .* is not a duration"):
        parse_duration(text, flag="--ttl", maximum=timedelta(days=30))


@pytest.mark.parametrize("text", ["31d", "721h", "43201m"])
def test_over_the_maximum_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match=f"--ttl: {text} is longer than the maximum, 30d") as e:
        parse_duration(text, flag="--ttl", maximum=timedelta(days=30))
    assert e.value.hint is None


def test_over_the_maximum_says_why_when_told() -> None:
    with pytest.raises(UsageError) as caught:
        parse_duration("3d", flag="--x", maximum=timedelta(days=2), maximum_hint="Too long.")
    assert caught.value.hint == "Too long."


def test_optional_wait_empty_value_gets_the_default() -> None:
    from jitsi_ecs.cli import WAIT_EMPTY_DEFAULT, _normalise_argv

    assert _normalise_argv(["up", "--wait-empty"]) == ["up", "--wait-empty", WAIT_EMPTY_DEFAULT]
    assert _normalise_argv(["up", "--wait-empty", "--yes"])[2] == WAIT_EMPTY_DEFAULT
    assert _normalise_argv(["up", "--wait-empty", "30m"]) == ["up", "--wait-empty", "30m"]
