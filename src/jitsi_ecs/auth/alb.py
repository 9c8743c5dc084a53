"""Trust nothing the ALB forwards until its signature says the ALB sent it.

After an authenticate action the ALB adds `x-amzn-oidc-data`: the user's claims as an ES256
JWT signed with a regional key (ELB user guide, "Authenticate users using an Application Load
Balancer", user claims encoding and signature verification). Checked here, in this order:
algorithm ES256; a well-formed key id; `signer` = this ALB's ARN (the key endpoint serves the
keys of every ALB in the region, so a token from another ALB would otherwise verify); not
expired; then the signature with the key fetched by `kid` from the fixed regional endpoint;
optionally the IdP issuer and the client id in the header. The segments keep their base64
padding; PyJWT verifies over the segments as received, which is what the ALB signed.
"""

from __future__ import annotations

import re
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt

ALGORITHM = "ES256"
HEADER = "x-amzn-oidc-data"
# Small: the ALB and Lambda clocks are both AWS's; enough for a request in flight.
LEEWAY_SECONDS = 10
_KID = re.compile(r"^[A-Za-z0-9-]{1,128}$")

KeyFetcher = Callable[[str], str]  # kid -> PEM public key


class IdentityError(Exception):
    """The header cannot be trusted; `reason` is the LoginsDenied dimension."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Identity:
    sub: str
    email: str | None
    name: str | None
    claims: dict[str, Any] = field(repr=False)

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.email:
            return self.email.split("@", 1)[0]
        return "member"


def key_url(region: str, kid: str) -> str:
    """The regional ALB public-key endpoint (commercial partition)."""
    return f"https://public-keys.auth.elb.{region}.amazonaws.com/{kid}"


class AlbKeys:
    """Fetch the ALB's public keys by kid from the regional endpoint, each once per process."""

    def __init__(
        self, region: str, opener: Callable[..., Any] = urllib.request.urlopen, timeout: float = 5
    ) -> None:
        self.region = region
        self.opener = opener
        self.timeout = timeout
        self._cache: dict[str, str] = {}

    def __call__(self, kid: str) -> str:
        if kid not in self._cache:
            with self.opener(key_url(self.region, kid), timeout=self.timeout) as response:
                self._cache[kid] = response.read().decode("ascii")
        return self._cache[kid]


def verify(
    token: str | None,
    *,
    alb_arn: str,
    keys: KeyFetcher,
    issuer: str | None = None,
    client_id: str | None = None,
) -> Identity:
    """The identity in a verified `x-amzn-oidc-data` value, or IdentityError."""
    if not token:
        raise IdentityError("missing", f"no {HEADER} header: the request did not pass the login")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise IdentityError("malformed", f"unreadable header: {exc}") from None
    if header.get("alg") != ALGORITHM:
        raise IdentityError("algorithm", f"alg {header.get('alg')!r}, expected {ALGORITHM}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not _KID.match(kid):
        raise IdentityError("malformed", f"bad key id {kid!r}")
    if header.get("signer") != alb_arn:
        raise IdentityError("signer", f"signed by {header.get('signer')!r}, not this ALB")
    expires = header.get("exp")
    if isinstance(expires, int | float) and expires + LEEWAY_SECONDS < time.time():
        raise IdentityError("expired", "the header's exp has passed")
    if issuer is not None and header.get("iss") != issuer:
        raise IdentityError("issuer", f"issuer {header.get('iss')!r}, expected {issuer!r}")
    if client_id is not None and header.get("client") != client_id:
        raise IdentityError("client", f"client {header.get('client')!r} is not this app's")
    try:
        public_key = keys(kid)
    except Exception as exc:  # any failure to get the key means nothing can be trusted
        raise IdentityError("key", f"cannot fetch public key {kid}: {exc}") from None
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=[ALGORITHM],
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp"], "verify_aud": False, "verify_iat": False},
        )
    except jwt.ExpiredSignatureError:
        raise IdentityError("expired", "the claims have expired") from None
    except jwt.InvalidSignatureError:
        raise IdentityError("signature", "the signature does not verify") from None
    except jwt.PyJWTError as exc:
        raise IdentityError("malformed", str(exc)) from None
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise IdentityError("malformed", "no sub claim")
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    name = next(
        (
            claims[k]
            for k in ("name", "given_name", "preferred_username")
            if isinstance(claims.get(k), str) and claims[k]
        ),
        None,
    )
    return Identity(sub, email, name, claims)
