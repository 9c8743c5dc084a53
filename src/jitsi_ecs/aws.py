"""All AWS access goes through here: one place builds boto3 clients for either target.

`verify`, `status` and the tests get their clients from an `AwsContext`, so the same code
runs against a real account (normal credential chain) and the embedded emulator (endpoint
and dummy credentials injected).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.config
import botocore.exceptions

from jitsi_ecs.errors import AwsError, UsageError

EMULATOR_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
# Fail fast against the emulator (moto answers 500 for actions it lacks).
_EMULATOR_RETRIES = botocore.config.Config(retries={"max_attempts": 2, "mode": "standard"})
_AWS_RETRIES = botocore.config.Config(retries={"max_attempts": 8, "mode": "adaptive"})


@dataclass
class AwsContext:
    region: str
    endpoint_url: str | None = None  # set for the emulator
    _session: boto3.Session | None = field(default=None, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_emulator(self) -> bool:
        return self.endpoint_url is not None

    @property
    def session(self) -> boto3.Session:
        if self._session is None:
            if self.is_emulator:
                self._session = boto3.Session(
                    region_name=self.region,
                    aws_access_key_id=EMULATOR_CREDENTIALS["aws_access_key_id"],
                    aws_secret_access_key=EMULATOR_CREDENTIALS["aws_secret_access_key"],
                )
            else:
                self._session = boto3.Session(region_name=self.region)
        return self._session

    def client(self, service: str) -> Any:
        """A cached boto3 client; budgets and route53 are global services (us-east-1)."""
        if service not in self._clients:
            region = "us-east-1" if service in ("budgets", "route53", "ce") else self.region
            self._clients[service] = self.session.client(
                service,  # type: ignore[call-overload]
                region_name=region,
                endpoint_url=self.endpoint_url,
                config=_EMULATOR_RETRIES if self.is_emulator else _AWS_RETRIES,
            )
        return self._clients[service]

    def account_id(self) -> str:
        try:
            return str(self.client("sts").get_caller_identity()["Account"])
        except botocore.exceptions.NoCredentialsError:
            raise UsageError(
                "no AWS credentials found for --target aws",
                hint="Configure the normal AWS credential chain (AWS_PROFILE, `aws configure`, "
                "SSO or environment variables) and try again.",
            ) from None
        except botocore.exceptions.ClientError as exc:
            raise AwsError(f"AWS rejected the credentials: {exc}") from None

    def terraform_env(self) -> dict[str, str]:
        """Environment for terraform so its provider reaches the same place as this context."""
        env = {"AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region}
        if self.is_emulator:
            assert self.endpoint_url is not None
            env["AWS_ENDPOINT_URL"] = self.endpoint_url
            env["AWS_ACCESS_KEY_ID"] = EMULATOR_CREDENTIALS["aws_access_key_id"]
            env["AWS_SECRET_ACCESS_KEY"] = EMULATOR_CREDENTIALS["aws_secret_access_key"]
        return env


def error_code(exc: Exception) -> str:
    if isinstance(exc, botocore.exceptions.ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""
