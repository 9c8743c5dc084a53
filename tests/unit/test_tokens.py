"""Minted tokens pass prosody's rules (tokens.ProsodyRules, a model of the pinned plugins), and
tokens with a wrong secret, issuer, audience, room or lifetime are refused by the same rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from jitsi_ecs import tokens
from jitsi_ecs.errors import UsageError
from jitsi_ecs.tokens import ProsodyRules, Refused, User

SECRET = "s3cr3t-0123456789-abcdefghijklmnop"  # 34 chars, like the stack's 32-char secrets
APP = "jitsi"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
RULES = ProsodyRules.for_deployment(APP, SECRET)


def _mint(room: str = "standup", **kwargs: Any) -> str:
    return tokens.mint(SECRET, APP, room, User("Ada", "ada@example.com"), now=NOW, **kwargs).token


def _forge(changes: dict[str, Any], secret: str = SECRET, drop: tuple[str, ...] = ()) -> str:
    claims = jwt.decode(_mint(), options={"verify_signature": False})
    claims.update(changes)
    for key in drop:
        claims.pop(key)
    return jwt.encode(claims, secret, algorithm="HS256")


# ---------------------------------------------------------------- what a minted token is


def test_minted_token_has_the_claims_prosody_reads() -> None:
    minted = tokens.mint(
        SECRET, APP, "standup", User("Ada", "ada@example.com"), timedelta(hours=2), now=NOW
    )
    header = jwt.get_unverified_header(minted.token)
    claims = jwt.decode(
        minted.token,
        SECRET,
        algorithms=["HS256"],
        audience=APP,
        issuer=APP,
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    assert header == {"alg": "HS256", "typ": "JWT"}
    assert claims["iss"] == claims["aud"] == APP and claims["sub"] == "*"
    assert claims["room"] == "standup"
    assert claims["exp"] - claims["iat"] == 7200 and claims["nbf"] <= claims["iat"]
    assert claims["context"] == {
        "user": {"name": "Ada", "email": "ada@example.com", "moderator": True}
    }
    assert minted.expires_at == NOW + timedelta(hours=2) and minted.moderator


def test_minted_token_joins_its_room_under_both_domain_verification_settings() -> None:
    token = _mint()
    assert RULES.join(token, "standup", NOW)["room"] == "standup"
    strict = ProsodyRules(APP, SECRET, (APP,), (APP,), enable_domain_verification=True)
    assert strict.join(token, "standup", NOW)["sub"] == "*"
    # The images' defaults (no JWT_ACCEPTED_*): issuer app_id, any audience.
    assert ProsodyRules(APP, SECRET).join(token, "standup", NOW)


def test_not_a_moderator_is_recorded() -> None:
    minted = tokens.mint(SECRET, APP, "standup", User(moderator=False), now=NOW)
    assert RULES.verify(minted.token, NOW)["context"]["user"] == {"moderator": False}
    assert minted.moderator is False


# ---------------------------------------------------------------- what prosody refuses


@pytest.mark.parametrize(
    ("token", "room", "at", "reason"),
    [
        (
            lambda: _forge({}, secret="another-secret-0123456789abcdefgh"),
            "standup",
            NOW,
            "Invalid signature",
        ),
        (lambda: _forge({"iss": "someone-else"}), "standup", NOW, "invalid 'iss' claim"),
        (lambda: _forge({"aud": "someone-else"}), "standup", NOW, "invalid 'aud' claim"),
        (lambda: _forge({"aud": [APP]}), "standup", NOW, "invalid 'aud' claim"),
        (lambda: _forge({}, drop=("aud",)), "standup", NOW, "'aud' claim is missing"),
        (lambda: _forge({}, drop=("iss",)), "standup", NOW, "'iss' claim is missing"),
        (lambda: _forge({}, drop=("room",)), "standup", NOW, "room claim is missing"),
        (lambda: _forge({}, drop=("sub",)), "standup", NOW, "sub claim is missing"),
        (lambda: _forge({"exp": "tomorrow"}), "standup", NOW, "exp must be number"),
        (_mint, "another-room", NOW, "Room does not match"),
        (_mint, "standup", NOW + timedelta(hours=24), "Not acceptable by exp"),
        (_mint, "standup", NOW - timedelta(minutes=5), "Not acceptable by nbf"),
        (lambda: "a.b", "standup", NOW, "Invalid token"),
    ],
)
def test_prosody_refuses(token: Any, room: str, at: datetime, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        RULES.join(token(), room, at)


def test_wrong_algorithm_and_typ_are_refused() -> None:
    claims = jwt.decode(_mint(), options={"verify_signature": False})
    with pytest.raises(Refused, match="Invalid or incorrect alg"):
        RULES.verify(jwt.encode(claims, SECRET, algorithm="HS512"), NOW)
    with pytest.raises(Refused, match="Invalid typ"):
        RULES.verify(jwt.encode(claims, SECRET, algorithm="HS256", headers={"typ": "at+jwt"}), NOW)


def test_a_token_without_exp_would_never_expire_so_mint_always_sets_one() -> None:
    forever = _forge({}, drop=("exp",))
    assert RULES.verify(forever, NOW + timedelta(days=3650))  # prosody's rule, not ours
    assert "exp" in jwt.decode(_mint(), options={"verify_signature": False})


def test_room_claim_is_lower_cased_by_prosody_and_a_tenant_form_matches() -> None:
    assert RULES.join(_forge({"room": "StandUp"}), "standup", NOW)
    assert RULES.join(_mint(), "[team]standup", NOW)


# ---------------------------------------------------------------- room names


@pytest.mark.parametrize("name", ["standup", "team-42", "a_b", "x" * 128, "q~1"])
def test_good_room_names_are_what_jitsi_joins(name: str) -> None:
    assert tokens.room_problem(name) is None
    assert tokens.jitsi_room_node(name) == name


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "empty"),
        ("x" * 129, "at most 128"),
        ("my room", "percent-encodes ' '"),
        ("a/b", "removes /"),
        ("what?", "removes ?"),
        ("a#b", "removes #"),
        ("StandUp", "lower-cases room names; try 'standup'"),
        ("My Room", "try 'my-room'"),
        ("café", "percent-encodes 'é'"),
        ("a%20b", "percent-encodes '%'"),
        ("config.js", "no dots"),
        ("http-bind", "path of the site"),
        ("auth", "path of the site"),
    ],
)
def test_bad_room_names_are_refused_with_the_reason(name: str, words: str) -> None:
    problem = tokens.room_problem(name)
    assert problem is not None and words in problem
    with pytest.raises(UsageError):
        tokens.check_room(name)


def test_jitsi_room_node_follows_the_web_app() -> None:
    assert tokens.jitsi_room_node("My Room") == "my%20room"
    assert tokens.jitsi_room_node("Café") == "caf%c3%a9"
    assert tokens.jitsi_room_node("a(b)!") == "ab"


def test_mint_refuses_a_bad_room() -> None:
    with pytest.raises(UsageError):
        tokens.mint(SECRET, APP, "Stand Up", User(), now=NOW)


def test_meeting_url() -> None:
    assert tokens.meeting_url("https://meet.example.com", "standup", "abc") == (
        "https://meet.example.com/standup?jwt=abc"
    )
    assert tokens.meeting_url("https://meet.example.com/", "standup") == (
        "https://meet.example.com/standup"
    )
