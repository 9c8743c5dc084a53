"""Meeting tokens the pinned Jitsi images accept: room-name rules, TTLs, minting, and a model
of prosody's token checks to test them against.

Tokens are HS256 JWTs signed with the deployment's JWT_APP_SECRET. The claims follow what
prosody verifies at the pinned image line (stable-11031 bundles the jitsi-meet prosody plugins
of the Jitsi apt repository's 11031 release; see `ProsodyRules` for the files and lines):

- header `typ: JWT`, `alg: HS256`;
- `iss` = `aud` = `jitsi.jwt_app_id` (one key: the stack sets JWT_ACCEPTED_ISSUERS and
  JWT_ACCEPTED_AUDIENCES to it, so prosody accepts exactly that issuer and audience);
- `sub` = `*` (accepted with domain verification off, the image default, and on);
- `room` = the room exactly as Jitsi names it (lower-case, nothing it strips or encodes:
  `room_problem` refuses everything else, so the claim and the MUC room always match);
- `exp` always (prosody accepts a token without `exp` forever), `nbf`, `iat`;
- `context.user` {name, email, moderator}.
"""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from jwt.algorithms import HMACAlgorithm

from jitsi_ecs.errors import UsageError

ALGORITHM = "HS256"
SUBJECT = "*"
ROOM_MAX_LENGTH = 128
DEFAULT_TTL = timedelta(hours=24)
MAX_TTL = timedelta(days=30)
# Prosody compares exp/nbf with its own clock and has no leeway (luajwtjitsi l.228, l.236):
# nbf is set this far back so a server clock a little behind the minting one still accepts.
NBF_SKEW = timedelta(seconds=60)

# ---------------------------------------------------------------- room names

# jitsi-meet react/features/base/util/uri.ts (abf901a45) l.24: removed from every path part
# of a meeting URL before it becomes the room name (`_fixPathPart`, l.71-75).
JITSI_REMOVES = set(":?#[]@!$&'()*+,;=></\"")
# encodeURIComponent leaves these unescaped (ECMA-262); everything else is percent-encoded.
_URI_COMPONENT_SAFE = "-_.!~*'()"
ALLOWED = re.compile(r"^[a-z0-9_~-]+$")
# Single-segment paths the site uses for itself: the web image's nginx (docker-jitsi-meet
# web/rootfs/defaults/meet.conf at stable-11031: `location = /http-bind`, `= /xmpp-websocket`)
# and the ALB rule of the /auth/ page.
RESERVED_ROOMS = frozenset({"http-bind", "xmpp-websocket", "auth", "oauth2"})


def jitsi_room_node(path_part: str) -> str:
    """The MUC room name the Jitsi web app joins for a URL path part.

    `_fixPathPart` (uri.ts l.71-75), then `getBackendSafeRoomName` (l.143-187):
    decodeURIComponent, NFKC, lower-case, encodeURIComponent, lower-case again.
    """
    fixed = "".join(c for c in path_part if c not in JITSI_REMOVES)
    try:
        decoded = urllib.parse.unquote(fixed, errors="strict")
    except UnicodeDecodeError:
        decoded = fixed  # the app catches decodeURIComponent's error and goes on
    normalized = unicodedata.normalize("NFKC", decoded).lower()
    return urllib.parse.quote(normalized, safe=_URI_COMPONENT_SAFE).lower()


def suggest_room(name: str) -> str | None:
    """A valid name close to one Jitsi would change (None if nothing usable is left)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    candidate = re.sub(r"[^a-z0-9_~-]+", "-", text).strip("-")[:ROOM_MAX_LENGTH]
    if not candidate or candidate in RESERVED_ROOMS:
        return None
    return candidate


def _problem(name: str) -> str | None:
    if not name:
        return "the room name is empty"
    if len(name) > ROOM_MAX_LENGTH:
        return f"the room name has {len(name)} characters; at most {ROOM_MAX_LENGTH}"
    removed = sorted({c for c in name if c in JITSI_REMOVES})
    if removed:
        shown = " ".join(removed)
        return (
            f"room {name!r}: Jitsi removes {shown} from room names, so the meeting would be "
            f"{jitsi_room_node(name)!r}"
        )
    if name != name.lower():
        return f"room {name!r}: Jitsi lower-cases room names"
    if "." in name:
        return (
            f"room {name!r}: no dots; the web server answers a path with a dot with the file of "
            "that name (config.js, manifest.json) instead of the meeting"
        )
    if not ALLOWED.match(name):
        odd = " ".join(sorted({repr(c) for c in name if not ALLOWED.match(c)}))
        return (
            f"room {name!r}: Jitsi percent-encodes {odd} (the meeting would be "
            f"{jitsi_room_node(name)!r}); use lower-case letters, digits, - and _"
        )
    if name in RESERVED_ROOMS:
        return f"room {name!r}: /{name} is a path of the site itself, not a meeting"
    return None


def room_problem(name: str) -> str | None:
    """Why Jitsi would not use this room name as typed (None: it would, unchanged)."""
    problem = _problem(name)
    if problem is None or len(name) > ROOM_MAX_LENGTH:
        return problem
    suggestion = suggest_room(name)
    if suggestion and suggestion != name and _problem(suggestion) is None:
        return f"{problem}; try {suggestion!r}"
    return problem


def check_room(name: str) -> str:
    """The room name, or a UsageError (exit 2) naming what Jitsi would change."""
    problem = room_problem(name)
    if problem is not None:
        raise UsageError(
            problem, hint="Room names: lower-case letters, digits, - and _, up to 128 characters."
        )
    return name


# ---------------------------------------------------------------- minting


@dataclass(frozen=True)
class User:
    """Who the token speaks for (context.user)."""

    name: str | None = None
    email: str | None = None
    moderator: bool = True
    id: str | None = None

    def claims(self) -> dict[str, Any]:
        found: dict[str, Any] = {"moderator": self.moderator}
        for key in ("id", "name", "email"):
            value = getattr(self, key)
            if value:
                found[key] = value
        return found


@dataclass(frozen=True)
class Minted:
    token: str
    room: str
    expires_at: datetime
    moderator: bool


def mint(
    secret: str,
    app_id: str,
    room: str,
    user: User,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> Minted:
    """A token for one room, valid for ttl (the room must pass check_room)."""
    check_room(room)
    if ttl <= timedelta(0) or ttl > MAX_TTL:
        raise UsageError(f"a token's lifetime must be between 1 second and 30 days, not {ttl}")
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    expires = issued + ttl
    payload = {
        "iss": app_id,
        "aud": app_id,
        "sub": SUBJECT,
        "room": room,
        "iat": int(issued.timestamp()),
        "nbf": int((issued - NBF_SKEW).timestamp()),
        "exp": int(expires.timestamp()),
        "context": {"user": user.claims()},
    }
    token = jwt.encode(payload, secret, algorithm=ALGORITHM, headers={"typ": "JWT"})
    return Minted(token, room, expires, user.moderator)


def meeting_url(base_url: str, room: str, token: str | None = None) -> str:
    url = f"{base_url.rstrip('/')}/{room}"
    return f"{url}?jwt={token}" if token else url


# ---------------------------------------------------------------- prosody's checks


class Refused(Exception):
    """Prosody would refuse the token (or the join); the message is prosody's reason."""


@dataclass(frozen=True)
class ProsodyRules:
    """What prosody checks before a token holder joins a room, at the pinned images.

    Sources (jitsi-meet, read at Pie-D/jitsi-meet abf901a45, a mirror of upstream master of
    2026-07-08; the token code changed only twice between 2026-03 and then, both before the
    11031 branch: see /work/notes/jitsi-upstream.md section 0):
    - resources/prosody-plugins/luajwtjitsi.lib.lua `M.verify` l.184-261;
    - resources/prosody-plugins/token/util.lib.lua: defaults l.120-135,
      `process_and_verify_token` l.264-382, `verify_room` l.394-523.
    Settings from docker-jitsi-meet stable-11031 (aa764157)
    prosody/rootfs/defaults/conf.d/jitsi-meet.cfg.lua: `app_secret` l.126-127,
    `asap_accepted_issuers`/`_audiences` only when JWT_ACCEPTED_* are set l.84-90,
    `enable_domain_verification` default false l.31 and l.133.
    """

    app_id: str
    secret: str
    # None: the plugin defaults, {app_id} for issuers and {'*'} for audiences (util l.130-133).
    accepted_issuers: tuple[str, ...] | None = None
    accepted_audiences: tuple[str, ...] | None = None
    enable_domain_verification: bool = False
    require_room_claim: bool = True
    muc_domain: str = "muc.meet.jitsi"  # XMPP_MUC_DOMAIN as the stack sets it
    muc_prefix: str = "muc"  # its first label (muc_mapper_domain_prefix)

    @classmethod
    def for_deployment(cls, app_id: str, secret: str) -> ProsodyRules:
        """As this stack configures prosody: JWT_ACCEPTED_ISSUERS = _AUDIENCES = app_id."""
        return cls(app_id, secret, (app_id,), (app_id,))

    def verify(self, token: str, now: datetime | None = None) -> dict[str, Any]:
        """The claims, or Refused with prosody's reason (luajwtjitsi `M.verify` and util
        `process_and_verify_token`)."""
        clock = int((now or datetime.now(UTC)).timestamp())
        segments = [s for s in token.split(".") if s]  # split_token: "([^\\.]+)", l.59-65
        if len(segments) != 3:
            raise Refused("Invalid token")
        try:
            header = _json_segment(segments[0])
            body = _json_segment(segments[1])
            signature = jwt.utils.base64url_decode(segments[2])
        except ValueError as exc:
            raise Refused(str(exc)) from None
        if header.get("typ") != "JWT":  # l.205
            raise Refused("Invalid typ")
        # util l.120-127: HS256 whenever only app_secret is set; l.209: alg must equal it.
        if header.get("alg") != ALGORITHM:
            raise Refused("Invalid or incorrect alg")
        signing_input = ".".join(segments[:2]).encode()  # strip_signature, l.97-105
        hmac = HMACAlgorithm(HMACAlgorithm.SHA256)
        if not hmac.verify(signing_input, hmac.prepare_key(self.secret), signature):  # l.214
            raise Refused("Invalid signature")
        for claim in ("exp", "nbf"):  # l.219-225
            if claim in body and not _is_number(body[claim]):
                raise Refused(f"{claim} must be number")
        if "exp" in body and clock >= body["exp"]:  # l.228: no leeway; no exp = never expires
            raise Refused("Not acceptable by exp")
        if "nbf" in body and clock < body["nbf"]:  # l.236
            raise Refused("Not acceptable by nbf")
        issuers = self.accepted_issuers if self.accepted_issuers is not None else (self.app_id,)
        audiences = self.accepted_audiences if self.accepted_audiences is not None else ("*",)
        for claim, accepted in (("iss", issuers), ("aud", audiences)):  # l.240-258
            value = body.get(claim)
            if value is None:
                raise Refused(f"'{claim}' claim is missing")
            # verify_claim (l.112-123): a '*' entry accepts anything; otherwise plain string
            # equality, so a list-valued claim (["a"]) never matches.
            if "*" not in accepted and not (isinstance(value, str) and value in accepted):
                raise Refused(f"invalid '{claim}' claim")
        if self.require_room_claim and body.get("room") is None:  # util l.327-332
            raise Refused("room claim is missing")
        if body.get("sub") is None:  # util l.337-339
            raise Refused("sub claim is missing")
        return body

    def join(self, token: str, room_node: str, now: datetime | None = None) -> dict[str, Any]:
        """Verify the token, then the room it may join (util `verify_room`, no tenant)."""
        claims = self.verify(token, now)
        auth_room = claims.get("room")
        if isinstance(auth_room, str):
            auth_room = auth_room.lower()  # l.414-421
        if not self.enable_domain_verification:  # l.423-430
            if (
                auth_room is not None
                and room_node != auth_room
                and not room_node.endswith("]" + str(auth_room))
                and auth_room != "*"
            ):
                raise Refused("Room does not match the room from token")
            return claims
        room_to_check = room_node if auth_room == "*" else auth_room  # l.441-476
        if room_to_check is None:
            raise Refused("Room name cannot be matched to the one from token.")
        domain = str(claims["sub"]).lower()  # l.492
        muc = self.muc_domain if domain == "*" else f"{self.muc_prefix}.{domain}"  # l.512-518
        if f"{room_node}@{self.muc_domain}" != f"{room_to_check}@{muc}":  # l.521
            raise Refused("Room does not match the room and domain from token")
        return claims


def _json_segment(segment: str) -> dict[str, Any]:
    try:
        value = json.loads(jwt.utils.base64url_decode(segment))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("Invalid header or body") from None
    if not isinstance(value, dict):
        raise ValueError("Invalid header or body")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
