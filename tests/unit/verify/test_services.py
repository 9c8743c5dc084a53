"""verify's services group against an operator service in moto: who may reach it, its secrets
as SecureString parameters, and what its execution role may read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.verify import services
from jitsi_ecs.verify.result import WARNING, Check
from tests.unit.deployed import (
    ACCOUNT,
    CONFIG,
    NAME,
    REGION,
    Deployed,
    by_id,
    ecs,
    edge,
    failed,
    group,
    ingress,
    parameter,
)

IDS = {"service.api.network", "service.api.secrets", "service.api.execution-role"}
ROLE = f"{NAME}-api-execution"


@pytest.fixture
def d(deployed: Deployed) -> Deployed:
    return ecs(edge(deployed))


def _checks(d: Deployed, config: Config | None = None, **outputs: Any) -> dict[str, Check]:
    return by_id(services.checks(d.context(config, **outputs)))


def test_the_deployed_service_passes_with_advice_for_its_placeholder(d: Deployed) -> None:
    checks = _checks(d)
    assert set(checks) == IDS
    assert failed(checks) == set()
    assert checks["service.api.network"].observed == {
        "ingress": [{"ports": [8004, 8004], "from_groups": [group(d, "alb")], "from_cidrs": []}],
        "public_ip": "ENABLED",
        "egress": ["tcp:443:0.0.0.0/0"],
    }
    # Terraform wrote the placeholder (version 1): it works, but says what to run.
    secrets = checks["service.api.secrets"]
    assert secrets.observed == {"API_KEY": "SecureString"}
    assert secrets.detail.startswith(WARNING)
    assert "jitsi-ecs secret set api API_KEY" in secrets.detail
    assert checks["service.api.execution-role"].observed == {
        "reads_parameters": [f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{parameter('API_KEY')}"]
    }


def test_a_set_secret_needs_no_advice(d: Deployed) -> None:
    d.aws.ssm.put_parameter(
        Name=parameter("API_KEY"), Type="SecureString", Value="real", Overwrite=True
    )
    secrets = _checks(d)["service.api.secrets"]
    assert secrets.status == "pass" and not secrets.detail.startswith(WARNING)


def test_a_service_open_to_the_world_fails(d: Deployed) -> None:
    ingress(d, "api", 8004, cidr="0.0.0.0/0")
    checks = _checks(d)
    assert failed(checks) == {"service.api.network"}
    # One permission per port: the ALB's group and the world on the same line.
    assert checks["service.api.network"].observed["ingress"] == [
        {"ports": [8004, 8004], "from_groups": [group(d, "alb")], "from_cidrs": ["0.0.0.0/0"]}
    ]


def test_another_port_open_to_the_alb_fails(d: Deployed) -> None:
    ingress(d, "api", 9000, source=group(d, "alb"))
    assert failed(_checks(d)) == {"service.api.network"}


def test_a_secret_stored_in_plain_text_or_missing_fails(d: Deployed) -> None:
    d.aws.ssm.delete_parameter(Name=parameter("API_KEY"))
    d.aws.ssm.put_parameter(Name=parameter("API_KEY"), Type="String", Value="in the open")
    checks = _checks(d)
    assert "service.api.secrets" in failed(checks)
    assert checks["service.api.secrets"].observed == {"API_KEY": "String"}
    d.aws.ssm.delete_parameter(Name=parameter("API_KEY"))
    checks = _checks(d)
    assert checks["service.api.secrets"].observed == {"API_KEY": None}
    # The role still names the parameter, which no longer exists: it reads more than it needs.
    assert failed(checks) == {"service.api.secrets", "service.api.execution-role"}


def test_an_execution_role_that_reads_every_parameter_fails(d: Deployed) -> None:
    wide = {"Effect": "Allow", "Action": "ssm:GetParameter*", "Resource": "*"}
    d.aws.iam.put_role_policy(
        RoleName=ROLE,
        PolicyName="too-much",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [wide]}),
    )
    checks = _checks(d)
    assert failed(checks) == {"service.api.execution-role"}
    assert "*" in checks["service.api.execution-role"].observed["reads_parameters"]


def test_a_configured_service_that_is_not_deployed_fails_once(d: Deployed) -> None:
    stream = {**CONFIG.services["api"].model_dump(), "path_patterns": ["/stream/*"], "priority": 41}
    config = Config.model_validate(
        {**CONFIG.model_dump(), "services": {**CONFIG.model_dump()["services"], "stream": stream}}
    )
    checks = _checks(d, config)
    assert failed(checks) == {"service.stream.network"}
    assert checks["service.stream.network"].detail == "ECS service stream not found"
    assert set(checks) == IDS | {"service.stream.network"}


def test_egress_is_https_and_what_the_block_declares(d: Deployed) -> None:
    """issue 21: an operator service no longer sends every protocol everywhere."""
    network = _checks(d)["service.api.network"]
    assert network.status == "pass"
    assert network.observed["egress"] == ["tcp:443:0.0.0.0/0"]


def test_egress_opened_to_everything_fails(d: Deployed) -> None:
    _checks(d)  # the service and its group exist
    d.aws.ec2.authorize_security_group_egress(
        GroupId=group(d, "api"),
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    checks = _checks(d)
    assert failed(checks) == {"service.api.network"}
    assert "all:*:0.0.0.0/0" in checks["service.api.network"].observed["egress"]


def test_declared_egress_is_expected_and_found(deployed: Deployed) -> None:
    api = CONFIG.services["api"].model_dump()
    declared = Config.model_validate(
        {**CONFIG.model_dump(), "services": {"api": {**api, "egress": ["tcp:5432:10.42.0.0/16"]}}}
    )
    deployed.config = declared
    d = ecs(edge(deployed))
    network = _checks(d, declared)["service.api.network"]
    assert network.status == "pass", network
    assert network.observed["egress"] == ["tcp:443:0.0.0.0/0", "tcp:5432:10.42.0.0/16"]
    # the same deployment against a config that declares nothing: the extra rule is drift
    assert _checks(d, CONFIG)["service.api.network"].status == "fail"
