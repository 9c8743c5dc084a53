"""verify's TURN checks against coturn in moto (issue 21): no open relay, the secret from a
file, egress to what it relays, the load balancer's health check. The container is built
from module turn's own script (rendered by Terraform), so the two cannot drift apart."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.terraform import terraform_binary
from jitsi_ecs.verify import turn
from tests.conftest import INFRA
from tests.unit.deployed import CONFIG, NAME, Deployed, by_id, failed, group, network, subnets

TURN_ON = Config.model_validate({**CONFIG.model_dump(), "jitsi": {"turn": {"enabled": True}}})
MODULE = INFRA / "modules" / "turn" / "main.tf"


def _rendered_start(tmp_path: Path) -> str:
    """module turn's start script for a 10.42.0.0/16 VPC, as Terraform renders it."""
    text = MODULE.read_text()
    block = text[text.index("locals {") : text.index("  container = {")] + "}\n"
    (tmp_path / "main.tf").write_text(
        block
        + 'variable "host" { default = "turn.meet.example.com" }\n'
        + 'variable "vpc_cidr" { default = "10.42.0.0/16" }\n'
        + 'output "start" { value = local.start }\n'
    )
    env = {**os.environ, "TF_IN_AUTOMATION": "1"}
    binary = terraform_binary()
    for args in (["init", "-backend=false"], ["apply", "-auto-approve"]):
        subprocess.run([binary, *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    out = subprocess.run(
        [binary, "output", "-json", "start"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return str(json.loads(out))


@pytest.fixture(scope="module")
def start(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _rendered_start(tmp_path_factory.mktemp("turn"))


def _coturn(d: Deployed, start: str, **change: Any) -> dict[str, str]:
    network(d)
    aws = d.aws
    gid = group(d, "turn")
    aws.ec2.revoke_security_group_egress(
        GroupId=gid, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    allowed = [
        ("tcp", 443, "0.0.0.0/0"),
        ("udp", 53, "208.67.222.222/32"),
        ("udp", 10000, "0.0.0.0/0"),
    ]
    aws.ec2.authorize_security_group_egress(
        GroupId=gid,
        IpPermissions=[
            {"IpProtocol": p, "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}
            for p, port, cidr in allowed
        ],
    )
    tg = aws.elbv2.create_target_group(
        Name=f"{NAME}-turn",
        Protocol="TCP",
        Port=3478,
        VpcId=d.ids["vpc"],
        TargetType="ip",
        HealthCheckProtocol="TCP",
        HealthCheckIntervalSeconds=change.pop("interval", 30),
        HealthyThresholdCount=3,
        UnhealthyThresholdCount=3,
    )["TargetGroups"][0]["TargetGroupArn"]
    container = {
        "name": "coturn",
        "image": "coturn/coturn:4.17.0-r0",
        "entryPoint": ["/bin/sh", "-c"],
        "command": [change.pop("command", start)],
        "secrets": [{"name": "TURN_SECRET", "valueFrom": "arn:ssm"}],
    }
    aws.ecs.create_cluster(clusterName=NAME)
    arn = aws.ecs.register_task_definition(
        family=f"{NAME}-turn",
        containerDefinitions=[container],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
    )["taskDefinition"]["taskDefinitionArn"]
    aws.ecs.create_service(
        cluster=NAME,
        serviceName="turn",
        taskDefinition=arn,
        desiredCount=1,
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": subnets(d), "securityGroups": [gid]}
        },
        loadBalancers=[{"targetGroupArn": tg, "containerName": "coturn", "containerPort": 3478}],
    )
    return {"turn_service_name": "turn", "cluster_name": NAME, "vpc_id": d.ids["vpc"]}


def _checks(d: Deployed, outputs: dict[str, str]) -> dict:
    return by_id(turn.checks(d.context(TURN_ON, **outputs)))


def test_the_module_s_coturn_passes(deployed: Deployed, start: str) -> None:
    checks = _checks(deployed, _coturn(deployed, start))
    assert set(checks) == {
        "security.turn-relay",
        "security.turn-egress",
        "security.turn-health-check",
    }
    assert failed(checks) == set(), {i: c.observed for i, c in checks.items()}
    relay = checks["security.turn-relay"].observed
    assert relay["no_tcp_relay"] and relay["secret_from_file"] and not relay["secret_as_argument"]
    assert "10.42.0.0-10.42.255.255" in relay["denied_peers"]


def test_turn_off_checks_nothing(deployed: Deployed) -> None:
    assert list(turn.checks(deployed.context())) == []


def test_the_old_open_relay_fails(deployed: Deployed, start: str) -> None:
    """The command line before issue 21: the secret as an argument, TCP relay, no limits."""
    old = (
        "turnserver --use-auth-secret --static-auth-secret=$TURN_SECRET "
        "--denied-peer-ip=10.0.0.0-10.255.255.255"
    )
    checks = _checks(deployed, _coturn(deployed, start, command=old))
    assert failed(checks) == {"security.turn-relay"}
    seen = checks["security.turn-relay"].observed
    assert seen["secret_as_argument"] and not seen["no_tcp_relay"]
    assert seen["limits"]["--user-quota"] is None


def test_a_missing_denied_range_fails(deployed: Deployed, start: str) -> None:
    fewer = start.replace("--denied-peer-ip=198.18.0.0-198.19.255.255 ", "")
    assert fewer != start
    checks = _checks(deployed, _coturn(deployed, start, command=fewer))
    assert failed(checks) == {"security.turn-relay"}


def test_egress_opened_again_and_a_changed_health_check_fail(
    deployed: Deployed, start: str
) -> None:
    outputs = _coturn(deployed, start, interval=10)
    deployed.aws.ec2.authorize_security_group_egress(
        GroupId=group(deployed, "turn"),
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    checks = _checks(deployed, outputs)
    assert failed(checks) == {"security.turn-egress", "security.turn-health-check"}


def test_the_python_limits_are_the_module_s() -> None:
    text = MODULE.read_text()
    for flag, value in turn.LIMITS.items():
        local = flag.removeprefix("--").replace("-", "_")
        assert re.search(rf"\b{local}\s*=\s*{value}\b", text), flag
    for denied in turn.DENIED:
        assert f'"{denied}"' in text, denied
