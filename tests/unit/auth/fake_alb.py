"""An ALB for tests: signs `x-amzn-oidc-data` as the real one does (ES256, padded base64url
segments, alg/kid/signer/iss/client/exp in the header) with a key made here, and builds the
ALB -> Lambda events of the /auth/ page."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from jitsi_ecs.auth.handler import App, Settings
from jitsi_ecs.auth.metrics import Metrics

ALB_ARN = (
    "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/jitsi/50dc6c495c0c9188"
)
OTHER_ALB_ARN = "arn:aws:elasticloadbalancing:us-west-2:210987654321:loadbalancer/app/evil/1"
ISSUER = "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_Example"
CLIENT = "exampleclientid"
SECRET = "0123456789abcdefghijklmnopqrstuv"  # 32 characters, as the stack generates
APP_ID = "jitsi"
PUBLIC_URL = "https://meet.example.com"


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data)  # the ALB keeps the '=' padding


class FakeAlb:
    def __init__(self, arn: str = ALB_ARN) -> None:
        self.arn = arn
        self.kid = str(uuid.uuid4())
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.fetched: list[str] = []

    @property
    def public_pem(self) -> str:
        return (
            self.private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def keys(self, kid: str) -> str:
        """The regional key endpoint: only this ALB's key id is known."""
        self.fetched.append(kid)
        if kid != self.kid:
            raise LookupError(f"404 for {kid}")
        return self.public_pem

    def oidc_data(
        self,
        *,
        sub: str = "1b7e4c3a-0000-4000-8000-000000000001",
        email: str = "ada@example.com",
        name: str | None = None,
        expires_in: float = 120,
        signer: str | None = None,
        key: ec.EllipticCurvePrivateKey | None = None,
        alg: str = "ES256",
        kid: str | None = None,
        issuer: str = ISSUER,
        client: str = CLIENT,
    ) -> str:
        exp = int(time.time() + expires_in)
        header = {
            "typ": "JWT",
            "kid": kid or self.kid,
            "alg": alg,
            "iss": issuer,
            "client": client,
            "signer": signer or self.arn,
            "exp": exp,
        }
        payload: dict[str, Any] = {
            "sub": sub,
            "email_verified": "true",
            "email": email,
            "username": sub,
            "exp": exp,
            "iss": issuer,
        }
        if name:
            payload["name"] = name
        signing_input = (
            _b64(json.dumps(header).encode()) + b"." + _b64(json.dumps(payload).encode())
        )
        signature = ECAlgorithm(ECAlgorithm.SHA256).sign(signing_input, key or self.private_key)
        return (signing_input + b"." + _b64(signature)).decode()

    def event(
        self,
        method: str = "GET",
        path: str = "/auth/",
        *,
        oidc_data: str | None = "",
        room: str | None = None,
        origin: str | None = PUBLIC_URL,
    ) -> dict[str, Any]:
        headers = {
            "host": "meet.example.com",
            "user-agent": "Mozilla/5.0",
            "x-forwarded-for": "198.51.100.7",
            "x-forwarded-proto": "https",
        }
        data = self.oidc_data() if oidc_data == "" else oidc_data
        if data is not None:
            headers["x-amzn-oidc-data"] = data
            headers["x-amzn-oidc-identity"] = "1b7e4c3a-0000-4000-8000-000000000001"
            headers["x-amzn-oidc-accesstoken"] = "opaque-access-token"
        event: dict[str, Any] = {
            "requestContext": {
                "elb": {
                    "targetGroupArn": "arn:aws:elasticloadbalancing:...:targetgroup/jitsi-auth/1"
                }
            },
            "httpMethod": method,
            "path": path,
            "queryStringParameters": {},
            "headers": headers,
            "body": "",
            "isBase64Encoded": False,
        }
        if room is not None:
            headers["content-type"] = "application/x-www-form-urlencoded"
            if origin:
                headers["origin"] = origin
            # Not a text/* type: the ALB hands the body over base64-encoded.
            event["body"] = base64.b64encode(f"room={room}".encode()).decode()
            event["isBase64Encoded"] = True
        return event


class CountingMetrics(Metrics):
    def __init__(self) -> None:
        self.issued = 0
        self.denied: list[str] = []

    def token_issued(self) -> None:
        self.issued += 1

    def login_denied(self, reason: str) -> None:
        self.denied.append(reason)


def settings(public_url: str = PUBLIC_URL, alb_arn: str = ALB_ARN) -> Settings:
    from datetime import timedelta

    return Settings(
        alb_arn=alb_arn,
        region="us-west-2",
        public_url=public_url,
        jwt_app_id=APP_ID,
        secret_parameter="/jitsi/jwt_app_secret",
        token_ttl=timedelta(hours=24),
        issuer=ISSUER,
        client_id=CLIENT,
    )


def app(fake: FakeAlb, metrics: Metrics | None = None, public_url: str = PUBLIC_URL) -> App:
    return App(
        settings(public_url, fake.arn), fake.keys, lambda: SECRET, metrics or CountingMetrics()
    )
