"""The /auth/ function end to end, in-process: a signed ALB header in, a redirect to the
meeting with a token that passes prosody's rules out; every untrusted header refused."""

from __future__ import annotations

import dataclasses
import json
import logging
import urllib.parse
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from jitsi_ecs.auth import alb, handler
from jitsi_ecs.auth.handler import App
from jitsi_ecs.auth.metrics import EmfMetrics
from jitsi_ecs.tokens import ProsodyRules, Refused
from tests.unit.auth.fake_alb import (
    APP_ID,
    CLIENT,
    ISSUER,
    OTHER_ALB_ARN,
    PUBLIC_URL,
    SECRET,
    CountingMetrics,
    FakeAlb,
    app,
    settings,
)


@pytest.fixture
def fake() -> FakeAlb:
    return FakeAlb()


def _token_from(response: dict[str, Any]) -> tuple[str, str]:
    location = urllib.parse.urlsplit(response["headers"]["location"])
    return location.path.lstrip("/"), urllib.parse.parse_qs(location.query)["jwt"][0]


def test_member_gets_a_moderator_token_for_the_typed_room(fake: FakeAlb) -> None:
    metrics = CountingMetrics()
    response = app(fake, metrics).handle(fake.event("POST", room="standup"))
    assert response["statusCode"] == 303
    assert response["headers"]["location"].startswith(f"{PUBLIC_URL}/standup?jwt=")
    room, token = _token_from(response)
    claims = ProsodyRules.for_deployment(APP_ID, SECRET).join(token, room)
    assert claims["room"] == "standup" and claims["iss"] == claims["aud"] == APP_ID
    assert claims["context"]["user"] == {
        "id": "1b7e4c3a-0000-4000-8000-000000000001",
        "name": "ada",
        "email": "ada@example.com",
        "moderator": True,
    }
    assert claims["exp"] - claims["iat"] == 24 * 3600
    assert metrics.issued == 1 and metrics.denied == []
    # The same token under another deployment's secret is refused.
    with pytest.raises(Refused, match="Invalid signature"):
        ProsodyRules.for_deployment(APP_ID, "x" * 32).join(token, room)


def test_name_claim_is_used_when_the_idp_sends_one(fake: FakeAlb) -> None:
    event = fake.event("POST", room="team-42", oidc_data=fake.oidc_data(name="Ada Lovelace"))
    _, token = _token_from(app(fake).handle(event))
    assert jwt.decode(token, options={"verify_signature": False})["context"]["user"]["name"] == (
        "Ada Lovelace"
    )


def test_form_page_for_a_verified_member(fake: FakeAlb) -> None:
    response = app(fake).handle(fake.event("GET"))
    assert response["statusCode"] == 200 and response["statusDescription"] == "200 OK"
    body = response["body"]
    assert '<form method="post" action="/auth/">' in body and '<label for="room">' in body
    assert "Signed in as <strong>ada</strong>" in body
    headers = response["headers"]
    assert headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
    assert alb.HEADER not in body


@pytest.mark.parametrize(
    ("query", "filled"),
    [
        ("standup", "standup"),
        ("team%2D42", "team-42"),  # the ALB passes query values still URL-encoded
        ("Stand%20Up", ""),  # Jitsi would change it: not filled in, never echoed
        ("%22%3E%3Cscript%3E", ""),
        ("", ""),
    ],
)
def test_the_room_jitsi_sends_the_host_back_with_is_filled_in_when_valid(
    fake: FakeAlb, query: str, filled: str
) -> None:
    """TOKEN_AUTH_URL (https://<domain>/auth/?room={room}): a host who opened the plain room
    link logs in and finds the form ready for that room; the POST mints the token as always."""
    event = fake.event("GET")
    event["queryStringParameters"] = {"room": query}
    body = app(fake).handle(event)["body"]
    assert f'value="{filled}"' in body
    assert "<script>" not in body and "Stand Up" not in body
    assert handler.FORM_PATH + handler.ROOM_QUERY == "/auth/?room={room}"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda f: None, "missing"),
        (lambda f: "not-a-jwt", "malformed"),
        (lambda f: f.oidc_data(signer=OTHER_ALB_ARN), "signer"),
        (lambda f: f.oidc_data(key=ec.generate_private_key(ec.SECP256R1())), "signature"),
        (lambda f: f.oidc_data(expires_in=-120), "expired"),
        (lambda f: f.oidc_data(alg="ES384"), "algorithm"),
        (lambda f: f.oidc_data(kid="../../etc/passwd"), "malformed"),
        (lambda f: f.oidc_data(kid="0000-unknown"), "key"),
        # issue 21: a header the ALB signed for another IdP or another app client
        (lambda f: f.oidc_data(issuer="https://idp.example.org"), "issuer"),
        (lambda f: f.oidc_data(client="anotherclient"), "client"),
    ],
)
def test_untrusted_headers_are_refused_and_logged(
    fake: FakeAlb, make: Any, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    metrics = CountingMetrics()
    caplog.set_level(logging.WARNING, logger="jitsi_ecs.auth")
    for method in ("GET", "POST"):
        response = app(fake, metrics).handle(fake.event(method, oidc_data=make(fake), room="x"))
        assert response["statusCode"] == 401, response
        assert "location" not in response["headers"]
    assert metrics.denied == [reason, reason] and metrics.issued == 0
    assert f"login denied: reason={reason}" in caplog.text


def test_a_forged_header_never_reaches_the_key_endpoint_with_a_bad_signer(fake: FakeAlb) -> None:
    app(fake).handle(fake.event(oidc_data=fake.oidc_data(signer=OTHER_ALB_ARN)))
    assert fake.fetched == []


def test_bad_room_comes_back_with_the_reason(fake: FakeAlb) -> None:
    metrics = CountingMetrics()
    response = app(fake, metrics).handle(fake.event("POST", room="Stand%20Up"))
    assert response["statusCode"] == 400
    assert 'role="alert"' in response["body"] and 'aria-invalid="true"' in response["body"]
    assert "Jitsi" in response["body"] and "location" not in response["headers"]
    assert metrics.issued == 0


def test_a_form_posted_from_another_site_is_refused(fake: FakeAlb) -> None:
    metrics = CountingMetrics()
    event = fake.event("POST", room="standup", origin="https://evil.example.net")
    response = app(fake, metrics).handle(event)
    assert response["statusCode"] == 403 and metrics.denied == ["origin"]


def test_routes(fake: FakeAlb) -> None:
    application = app(fake)
    assert application.handle(fake.event(path="/auth"))["headers"]["location"] == "/auth/"
    assert application.handle(fake.event(path="/auth/other"))["statusCode"] == 404
    assert application.handle(fake.event("DELETE"))["statusCode"] == 405


def test_health_needs_no_login_but_the_secret(fake: FakeAlb) -> None:
    event = fake.event(path=handler.HEALTH_PATH, oidc_data=None)
    assert app(fake).handle(event)["statusCode"] == 200

    def broken() -> str:
        raise PermissionError("AccessDenied")

    sick = App(settings(), fake.keys, broken, CountingMetrics())
    assert sick.handle(event)["statusCode"] == 503


def test_alb_keys_fetched_from_the_regional_endpoint_once_per_kid() -> None:
    opened: list[str] = []

    class Response:
        def __enter__(self) -> Response:
            return self

        def __exit__(self, *args: object) -> None:
            return None

        def read(self) -> bytes:
            return b"-----BEGIN PUBLIC KEY-----\n"

    def opener(url: str, timeout: float) -> Response:
        opened.append(url)
        return Response()

    keys = alb.AlbKeys("eu-central-1", opener)
    assert keys("abc-1") == keys("abc-1")
    assert opened == ["https://public-keys.auth.elb.eu-central-1.amazonaws.com/abc-1"]


def test_settings_from_the_environment() -> None:
    env = {
        "ALB_ARN": "arn:alb",
        "AWS_REGION": "us-west-2",
        "PUBLIC_URL": "https://meet.example.com/",
        "JWT_APP_ID": "jitsi",
        "JWT_SECRET_PARAMETER": "/jitsi/jwt_app_secret",
        "TOKEN_TTL_HOURS": "8",
        "IDP_ISSUER": ISSUER,
        "IDP_CLIENT_ID": CLIENT,
    }
    found = handler.Settings.from_env(env)
    assert (
        found.public_url == "https://meet.example.com"
        and found.token_ttl.total_seconds() == 8 * 3600
    )
    assert (found.issuer, found.client_id) == (ISSUER, CLIENT)


@pytest.mark.parametrize("unset", ["IDP_ISSUER", "IDP_CLIENT_ID"])
def test_settings_without_the_issuer_or_client_are_refused(unset: str) -> None:
    """issue 21: the function never runs without knowing whose headers to accept."""
    env = {
        "ALB_ARN": "arn:alb",
        "AWS_REGION": "us-west-2",
        "PUBLIC_URL": "https://meet.example.com",
        "JWT_APP_ID": "jitsi",
        "JWT_SECRET_PARAMETER": "/jitsi/jwt_app_secret",
        "IDP_ISSUER": ISSUER,
        "IDP_CLIENT_ID": CLIENT,
        unset: "",
    }
    with pytest.raises(ValueError, match=unset):
        handler.Settings.from_env(env)


def test_lambda_entry_point_reads_its_settings_from_the_environment(
    fake: FakeAlb, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {
        "ALB_ARN": fake.arn,
        "AWS_REGION": "us-west-2",
        "PUBLIC_URL": PUBLIC_URL,
        "JWT_APP_ID": APP_ID,
        "JWT_SECRET_PARAMETER": "/jitsi/jwt_app_secret",
        "IDP_ISSUER": ISSUER,
        "IDP_CLIENT_ID": CLIENT,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(handler, "_app", None)
    monkeypatch.setattr(alb.AlbKeys, "__call__", lambda self, kid: fake.keys(kid))
    monkeypatch.setattr(handler.SsmSecret, "__call__", lambda self: SECRET)
    response = handler.handler(fake.event("POST", room="standup"), None)
    assert response["statusCode"] == 303
    other = fake.oidc_data(issuer="https://idp.example.org")
    refused = handler.handler(fake.event("POST", room="standup", oidc_data=other), None)
    assert refused["statusCode"] == 401


def test_the_page_says_how_everyone_else_joins(fake: FakeAlb) -> None:
    with_guests = app(fake).handle(fake.event("GET"))["body"]
    assert "people with the plain room link join once you are in" in with_guests
    without = App(
        dataclasses.replace(settings(alb_arn=fake.arn), guests=False),
        fake.keys,
        lambda: SECRET,
        CountingMetrics(),
    )
    assert "everyone else needs a link of their own" in without.handle(fake.event("GET"))["body"]


def test_emf_lines_name_the_metrics_exactly() -> None:
    lines: list[str] = []
    emf = EmfMetrics("Jitsi", lines.append)
    emf.token_issued()
    emf.login_denied("signer")
    issued, denied = (json.loads(line) for line in lines)
    assert issued["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [
        {"Name": "TokensIssued", "Unit": "Count"}
    ]
    assert issued["TokensIssued"] == 1 and issued["Service"] == "auth"
    assert denied["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Service", "Reason"]]
    assert denied["Reason"] == "signer" and denied["LoginsDenied"] == 1
