"""The Lambda behind /auth/*: ALB event in, HTML or a redirect to the meeting out.

Routes (the ALB sends /auth and /auth/* here, after its authenticate action):
- GET  /auth          -> 301 /auth/
- GET  /auth/health   -> 200 when the signing secret can be read (the target group's health
                         check: it reaches the function directly, without a login)
- GET  /auth/         -> the room form, for a verified identity; ?room=<room> (Jitsi's
                         TOKEN_AUTH_URL, when the host opened the plain room link) fills it in
                         if it is a valid room name, and the member joins it with one click
- POST /auth/         -> 303 to https://<domain>/<room>?jwt=<moderator token>, or the form
                         again with the reason (400)
Any request without a valid `x-amzn-oidc-data` gets 401 and a log line with the reason.

Configuration comes from the environment the Terraform module sets (no secret in it: the
signing secret is read from SSM at run time and kept in memory only).
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jitsi_ecs import tokens
from jitsi_ecs.auth import alb, page
from jitsi_ecs.auth import metrics as auth_metrics

log = logging.getLogger("jitsi_ecs.auth")
log.setLevel(logging.INFO)

HEALTH_PATH = "/auth/health"
FORM_PATH = "/auth/"
# Jitsi's TOKEN_AUTH_URL after the page (web's config.tokenAuthUrl; Jitsi fills in {room}):
# the stack sets it to https://<domain>/auth/?room={room} while the page is on.
ROOM_QUERY = "?room={room}"
_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    303: "See Other",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Settings:
    alb_arn: str
    region: str
    public_url: str  # https://<domain>
    jwt_app_id: str
    secret_parameter: str
    token_ttl: timedelta
    metric_namespace: str = "Jitsi"
    guests: bool = True  # jitsi.guests: the page says how everyone else joins
    issuer: str | None = None  # the IdP issuer the ALB names in the header, when known
    client_id: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        # The ALB signs headers for every IdP and client it logs in with: this function takes
        # only its own (module auth sets both), and refuses to run without knowing them.
        for name in ("IDP_ISSUER", "IDP_CLIENT_ID"):
            if not env.get(name):
                raise ValueError(f"{name} is not set: the function cannot tell its IdP's headers")
        return cls(
            alb_arn=env["ALB_ARN"],
            region=env["AWS_REGION"],
            public_url=env["PUBLIC_URL"].rstrip("/"),
            jwt_app_id=env["JWT_APP_ID"],
            secret_parameter=env["JWT_SECRET_PARAMETER"],
            token_ttl=timedelta(hours=int(env.get("TOKEN_TTL_HOURS", "24"))),
            metric_namespace=env.get("METRIC_NAMESPACE", "Jitsi"),
            guests=env.get("GUESTS", "true") == "true",
            issuer=env["IDP_ISSUER"],
            client_id=env["IDP_CLIENT_ID"],
        )


class SsmSecret:
    """The signing secret from SSM (SecureString), cached for a few minutes."""

    def __init__(self, region: str, name: str, ttl_s: float = 300) -> None:
        self.region, self.name, self.ttl_s = region, name, ttl_s
        self._value: str | None = None
        self._read_at = 0.0

    def __call__(self) -> str:
        if self._value is None or time.monotonic() - self._read_at > self.ttl_s:
            import boto3  # in the Lambda runtime; imported late so tests need no AWS

            ssm = boto3.client("ssm", region_name=self.region)
            answer = ssm.get_parameter(Name=self.name, WithDecryption=True)
            self._value = str(answer["Parameter"]["Value"])
            self._read_at = time.monotonic()
        return self._value


def _response(
    status: int, body: str = "", headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    return {
        "statusCode": status,
        "statusDescription": f"{status} {_REASONS.get(status, '')}".strip(),
        "isBase64Encoded": False,
        "headers": {"cache-control": "no-store", **(headers or {})},
        "body": body,
    }


def suggest_room() -> str:
    return f"meeting-{secrets.token_hex(3)}"


class App:
    def __init__(
        self,
        settings: Settings,
        keys: alb.KeyFetcher,
        secret: Callable[[], str],
        metrics: auth_metrics.Metrics,
    ) -> None:
        self.settings = settings
        self.keys = keys
        self.secret = secret
        self.metrics = metrics

    # ------------------------------------------------------------ entry
    def handle(self, event: Mapping[str, Any]) -> dict[str, Any]:
        method = str(event.get("httpMethod", "GET")).upper()
        path = str(event.get("path", "/"))
        headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return self._health()
        if path == "/auth":
            return _response(301, headers={"location": FORM_PATH})
        if path != FORM_PATH:
            return self._html(404, page.message("Not found", "There is nothing here."))
        if method not in ("GET", "POST"):
            return self._html(405, page.message("Not allowed", "Use the form."), allow="GET, POST")
        try:
            identity = alb.verify(
                headers.get(alb.HEADER),
                alb_arn=self.settings.alb_arn,
                keys=self.keys,
                issuer=self.settings.issuer,
                client_id=self.settings.client_id,
            )
        except alb.IdentityError as exc:
            return self._deny(exc.reason, exc.detail, path)
        if method == "GET":
            body = page.form(
                identity.display_name,
                suggest_room(),
                room=_asked_room(event),
                guests=self.settings.guests,
            )
            return self._html(200, body)
        origin = headers.get("origin")
        if origin is not None and origin.rstrip("/") != self.settings.public_url:
            # A form posted from another site with the member's cookie: refuse (CSRF).
            return self._deny("origin", f"form posted from {origin}", path, status=403)
        return self._issue(identity, _form_field(event, "room"))

    # ------------------------------------------------------------ steps
    def _issue(self, identity: alb.Identity, room: str) -> dict[str, Any]:
        problem = tokens.room_problem(room)
        if problem is not None:
            body = page.form(
                identity.display_name,
                suggest_room(),
                room=room,
                error=problem,
                guests=self.settings.guests,
            )
            return self._html(400, body)
        user = tokens.User(
            name=identity.display_name, email=identity.email, moderator=True, id=identity.sub
        )
        minted = tokens.mint(
            self.secret(), self.settings.jwt_app_id, room, user, self.settings.token_ttl
        )
        self.metrics.token_issued()
        log.info("token issued: room=%s sub=%s expires=%s", room, identity.sub, minted.expires_at)
        location = tokens.meeting_url(self.settings.public_url, room, minted.token)
        return _response(303, headers={"location": location, "referrer-policy": "no-referrer"})

    def _deny(self, reason: str, detail: str, path: str, status: int = 401) -> dict[str, Any]:
        self.metrics.login_denied(reason)
        log.warning("login denied: reason=%s path=%s detail=%s", reason, path, detail)
        return self._html(status, page.message("Not signed in", "Open this page again to sign in."))

    def _health(self) -> dict[str, Any]:
        try:
            self.secret()
        except Exception as exc:  # the health check says why the function cannot work
            log.error("health: cannot read the signing secret: %s", exc)
            return _response(503, "cannot read the signing secret", {"content-type": "text/plain"})
        return _response(200, "ok", {"content-type": "text/plain"})

    def _html(self, status: int, body: str, allow: str | None = None) -> dict[str, Any]:
        headers = {
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": page.content_security_policy(self.settings.public_url),
            "x-content-type-options": "nosniff",
            # Not no-referrer: with it browsers send `Origin: null` on the form's POST, and the
            # origin check below could not tell the page's own form from a forged one.
            "referrer-policy": "same-origin",
        }
        if allow:
            headers["allow"] = allow
        return _response(status, body, headers)


def _asked_room(event: Mapping[str, Any]) -> str:
    """?room= of the request (the ALB passes query values still URL-encoded), if it is a room
    name the form would accept; anything else is dropped, never echoed."""
    raw = str((event.get("queryStringParameters") or {}).get("room") or "")
    room = urllib.parse.unquote_plus(raw).strip()
    return room if room and tokens.room_problem(room) is None else ""


def _form_field(event: Mapping[str, Any], name: str) -> str:
    """A field of an application/x-www-form-urlencoded body (base64 from the ALB)."""
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else str(body).encode()
    values = urllib.parse.parse_qs(raw.decode("utf-8", errors="replace"), keep_blank_values=True)
    return values.get(name, [""])[0].strip()


_app: App | None = None


def app_from_env(env: Mapping[str, str] | None = None) -> App:
    env = os.environ if env is None else env
    settings = Settings.from_env(env)
    return App(
        settings,
        alb.AlbKeys(settings.region),
        SsmSecret(settings.region, settings.secret_parameter),
        auth_metrics.EmfMetrics(settings.metric_namespace),
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point (jitsi_ecs.auth.handler.handler)."""
    global _app
    if _app is None:
        _app = app_from_env()
    return _app.handle(event)
