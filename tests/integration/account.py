"""The emulator playing a real AWS account: HTTPS with a throw-away CA, IAM enforced.

The product reaches it only through the standard AWS variables (`AWS_ENDPOINT_URL`,
`AWS_CA_BUNDLE`, `SSL_CERT_FILE`) and the credentials of an IAM user holding the policies a
test gives it; nothing in the product knows it is not talking to AWS.

    account = start_account(tmp)            # enforcement off: set the account up
    env = account.user("deployer", [("deploy", policy_document)])
    account.enforce()                       # from now on every call is authorised
    ... run the product with env ...
    account.stop()
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from jitsi_ecs.emulator.server import EMULATOR_ENV

HOST = "127.0.0.1"
REGION = "us-west-2"
START_TIMEOUT_S = 30.0
ADMIN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _pem(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def make_tls(tmp: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate it signed for localhost, *.localhost and
    127.0.0.1: (ca_pem, cert_pem, key_pem)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("jitsi-ecs test CA"))
        .issuer_name(_name("jitsi-ecs test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    # S3 virtual-hosted style (bucket.localhost), where the client resolves it
                    x509.DNSName("*.localhost"),
                    x509.IPAddress(ipaddress.ip_address(HOST)),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return (
        _pem(tmp / "ca.pem", ca.public_bytes(serialization.Encoding.PEM)),
        _pem(tmp / "server.pem", cert.public_bytes(serialization.Encoding.PEM)),
        _pem(
            tmp / "server.key",
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        ),
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class AccountEmulator:
    """A running HTTPS emulator with an administrator IAM user made before enforcement."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, ca: Path, log: Path) -> None:
        self.proc = proc
        self.port = port
        self.ca_bundle = ca
        self.log = log
        self._admin_env: dict[str, str] | None = None

    @property
    def endpoint(self) -> str:
        # An IP address, not localhost: the SDKs address S3 path-style at an IP, where they
        # would ask for bucket.localhost (which does not resolve here) at a name.
        return f"https://{HOST}:{self.port}"

    def _post(self, path: str, body: bytes) -> bytes:
        context = ssl.create_default_context(cafile=str(self.ca_bundle))
        # text/plain: a form content type would make the server parse the body away
        request = urllib.request.Request(
            f"{self.endpoint}{path}",
            data=body,
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(request, timeout=10, context=context) as resp:
            return bytes(resp.read())

    def answers(self) -> bool:
        context = ssl.create_default_context(cafile=str(self.ca_bundle))
        try:
            url = f"{self.endpoint}/moto-api/"
            with urllib.request.urlopen(url, timeout=2, context=context) as resp:
                return bool(resp.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def enforce(self, after: int = 0) -> None:
        """Authorise every request from now on (after `after` more unchecked ones)."""
        self._post("/moto-api/reset-auth", str(after).encode())

    def relax(self) -> None:
        """Stop authorising requests (as before enforce())."""
        self._post("/moto-api/reset-auth", b"inf")

    def environment(self, key_id: str, secret: str) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_CA_BUNDLE": str(self.ca_bundle),
            "SSL_CERT_FILE": str(self.ca_bundle),
            "AWS_ACCESS_KEY_ID": key_id,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }

    def session(self, env: dict[str, str]) -> boto3.Session:
        return boto3.Session(
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            region_name=env["AWS_REGION"],
        )

    def client(self, env: dict[str, str], service: str, **kwargs: Any) -> Any:
        """A boto3 client of `service` as the user whose environment `env` is."""
        return self.session(env).client(
            service, endpoint_url=self.endpoint, verify=str(self.ca_bundle), **kwargs
        )

    def admin_env(self) -> dict[str, str]:
        """The environment of the administrator (Action * on Resource *), usable after
        enforcement; made at start, while enforcement is off."""
        assert self._admin_env is not None, "start_account() makes the administrator"
        return self._admin_env

    def admin(self, service: str, **kwargs: Any) -> Any:
        return self.client(self.admin_env(), service, **kwargs)

    def user(self, name: str, policies: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
        """An IAM user with one customer-managed policy per (name, document) and an access
        key; its environment (endpoint, CA bundle, credentials, region)."""
        iam = self.admin("iam") if self._admin_env else self._bootstrap_iam()
        iam.create_user(UserName=name)
        for policy_name, document in policies:
            arn = iam.create_policy(PolicyName=policy_name, PolicyDocument=json.dumps(document))[
                "Policy"
            ]["Arn"]
            iam.attach_user_policy(UserName=name, PolicyArn=arn)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return self.environment(key["AccessKeyId"], key["SecretAccessKey"])

    def _bootstrap_iam(self) -> Any:
        # Any credentials do while enforcement is off.
        return self.client(self.environment("AKIABOOTSTRAP0000000", "bootstrap"), "iam")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_account(tmp: Path) -> AccountEmulator:
    """Start the emulator over HTTPS on a free port, enforcement off, with an administrator."""
    tmp.mkdir(parents=True, exist_ok=True)
    ca, cert, key = make_tls(tmp)
    port = _free_port()
    log = tmp / "emulator.log"
    env = {**os.environ, **EMULATOR_ENV, "INITIAL_NO_AUTH_ACTION_COUNT": "inf"}
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jitsi_ecs.emulator.server",
                "--host",
                HOST,
                "--port",
                str(port),
                "--ssl-cert",
                str(cert),
                "--ssl-key",
                str(key),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    account = AccountEmulator(proc, port, ca, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not account.answers():
        if proc.poll() is not None or time.monotonic() > deadline:
            account.stop()
            raise RuntimeError(f"the account emulator did not start:\n{log.read_text()}")
        time.sleep(0.2)
    account._admin_env = account.user("administrator", [("administrator", ADMIN_POLICY)])
    return account


@pytest.fixture
def account(tmp_path: Path) -> Iterator[AccountEmulator]:
    """An account emulator for one test, enforcement off until the test calls enforce()."""
    emulator = start_account(tmp_path / "account")
    try:
        yield emulator
    finally:
        emulator.stop()
