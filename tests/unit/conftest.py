"""moto in-process for unit tests that read AWS: `moto_aws` (an AwsContext inside mock_aws, with
the project's moto extensions) and `deployed` (tests/unit/deployed.py, nothing built yet)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.emulator.extensions import install
from tests.unit.deployed import REGION, Deployed

# Creating a session and its clients (parsing service models: ec2's is megabytes of JSON)
# costs more than the calls a test makes. moto intercepts every client made after it was
# imported, whenever a mock is active, so one session and its clients serve every test of a
# worker; each test still starts from empty moto backends.
_SESSION: boto3.Session | None = None
_CLIENTS: dict[str, Any] = {}
_LOADER = botocore.loaders.create_loader()
_BOTO3_SESSION = boto3.Session


def session_sharing_models(**kwargs: Any) -> boto3.Session:
    """A new boto3 session (its own credentials and clients) reading service models that
    earlier sessions of this worker already parsed."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    return _BOTO3_SESSION(botocore_session=core, **kwargs)


def moto_context() -> AwsContext:
    """An AwsContext for moto in-process, sharing this worker's session and clients."""
    global _SESSION
    if _SESSION is None:
        _SESSION = session_sharing_models(
            region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t"
        )
    return AwsContext(region=REGION, _session=_SESSION, _clients=_CLIENTS)


@pytest.fixture(autouse=True)
def no_default_amis(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto loads thousands of AMIs into every new EC2 backend; no unit test reads one."""
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


@pytest.fixture
def moto_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsContext]:
    install()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        yield moto_context()


@pytest.fixture
def deployed(moto_aws: AwsContext) -> Deployed:
    return Deployed(moto_aws)
