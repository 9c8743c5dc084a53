"""verify's telemetry group against a real function, schedule and security groups in moto."""

from __future__ import annotations

from typing import Any

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.verify import telemetry
from jitsi_ecs.verify.result import Check
from tests.unit.deployed import (
    CONFIG,
    GROWTH,
    NAME,
    Deployed,
    by_id,
    ecs,
    failed,
    function_environment,
    group,
    network,
    stats_rule,
)
from tests.unit.deployed import telemetry as build

FUNCTION = f"{NAME}-telemetry"


@pytest.fixture
def d(deployed: Deployed) -> Deployed:
    # The services run in the network's groups: those are the ones whose ports are checked.
    return build(ecs(network(deployed)))


def _checks(d: Deployed, config: Config | None = None, **outputs: Any) -> dict[str, Check]:
    return by_id(telemetry.checks(d.context(config, **outputs)))


def test_the_deployed_collector_passes(d: Deployed) -> None:
    checks = _checks(d)
    assert set(checks) == set(telemetry.IDS)
    assert failed(checks) == set()
    assert checks["telemetry.stats-access"].observed == {
        "ports": [8080, 8888],
        "only_from_collector": True,
    }


def test_jvb_rest_open_to_a_cidr_fails(d: Deployed) -> None:
    stats_rule(d, "jvb", 8080, cidr="0.0.0.0/0")
    checks = _checks(d)
    assert failed(checks) == {"telemetry.stats-access"}
    assert checks["telemetry.stats-access"].observed["only_from_collector"] is False


@pytest.mark.parametrize(
    ("protocol", "ports"), [("tcp", (8000, 9000)), ("tcp", (0, 65535)), ("-1", (-1, -1))]
)
def test_jvb_rest_open_through_a_port_range_fails(
    d: Deployed, protocol: str, ports: tuple[int, int]
) -> None:
    d.aws.ec2.authorize_security_group_ingress(
        GroupId=group(d, "jvb"),
        IpPermissions=[
            {
                "IpProtocol": protocol,
                "FromPort": ports[0],
                "ToPort": ports[1],
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    checks = _checks(d)
    assert failed(checks) == {"telemetry.stats-access"}
    assert checks["telemetry.stats-access"].observed["only_from_collector"] is False


def test_media_on_udp_does_not_count_as_stats_access(d: Deployed) -> None:
    # The bridge's media port is open to everyone (the deployment has it), and UDP, even a
    # range over the stats ports, is not their REST API.
    rules = d.aws.ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group(d, "jvb")]}]
    )["SecurityGroupRules"]
    assert {"udp", "tcp"} <= {r["IpProtocol"] for r in rules if not r["IsEgress"]}
    d.aws.ec2.authorize_security_group_ingress(
        GroupId=group(d, "jvb"),
        IpPermissions=[
            {
                "IpProtocol": "udp",
                "FromPort": 1024,
                "ToPort": 65535,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    assert failed(_checks(d)) == set()


def test_another_application_s_group_with_8080_open_is_not_the_stack_s_business(
    d: Deployed,
) -> None:
    # A real account holds other groups; only the bridge's and jicofo's groups are checked.
    vpc = d.aws.ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    other = d.aws.ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)
    d.aws.ec2.authorize_security_group_ingress(
        GroupId=other["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8080,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    assert failed(_checks(d)) == set()


def test_jicofo_open_to_another_group_fails(d: Deployed) -> None:
    stats_rule(d, "xmpp", 8888, source=group(d, "web"))
    assert failed(_checks(d)) == {"telemetry.stats-access"}


def test_stats_ports_closed_to_the_collector_fail(d: Deployed) -> None:
    for service, port in (("jvb", 8080), ("xmpp", 8888)):
        d.aws.ec2.revoke_security_group_ingress(
            GroupId=group(d, service),
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": port,
                    "ToPort": port,
                    "UserIdGroupPairs": [{"GroupId": group(d, "collector")}],
                }
            ],
        )
    checks = _checks(d)
    assert failed(checks) == {"telemetry.stats-access"}
    assert checks["telemetry.stats-access"].observed == {"ports": [], "only_from_collector": False}


def test_a_disabled_schedule_fails(d: Deployed) -> None:
    d.aws.events.disable_rule(Name=FUNCTION)
    checks = _checks(d)
    assert failed(checks) == {"telemetry.schedule"}
    assert checks["telemetry.schedule"].observed["state"] == "DISABLED"


def test_a_schedule_without_the_function_as_target_fails(d: Deployed) -> None:
    d.aws.events.remove_targets(Rule=FUNCTION, Ids=["collector"])
    checks = _checks(d)
    assert failed(checks) == {"telemetry.schedule"}
    assert checks["telemetry.schedule"].observed["target"] == []


def test_a_missing_schedule_fails(d: Deployed) -> None:
    d.aws.events.remove_targets(Rule=FUNCTION, Ids=["collector"])
    d.aws.events.delete_rule(Name=FUNCTION)
    checks = _checks(d)
    assert failed(checks) == {"telemetry.schedule"}
    assert checks["telemetry.schedule"].detail == f"EventBridge rule {FUNCTION} not found"


def test_another_schedule_in_the_config_fails(d: Deployed) -> None:
    config = Config.model_validate(
        {**CONFIG.model_dump(), "telemetry": {"schedule_expression": "rate(5 minutes)"}}
    )
    assert failed(_checks(d, config)) == {"telemetry.schedule"}


def test_a_function_outside_the_vpc_fails(d: Deployed) -> None:
    d.aws.lambda_.update_function_configuration(
        FunctionName=FUNCTION, VpcConfig={"SubnetIds": [], "SecurityGroupIds": []}
    )
    checks = _checks(d)
    assert "telemetry.function" in failed(checks)
    assert checks["telemetry.function"].observed["in_vpc"] is False


def test_a_function_reading_the_wrong_jicofo_fails(d: Deployed) -> None:
    env = {**function_environment(d), "JICOFO_URL": "http://xmpp.jitsi.internal:5280"}
    d.aws.lambda_.update_function_configuration(
        FunctionName=FUNCTION, Environment={"Variables": env}
    )
    checks = _checks(d)
    assert failed(checks) == {"telemetry.function"}
    assert checks["telemetry.function"].observed["JICOFO_URL"] == env["JICOFO_URL"]
    # A stack deployed before the jicofo_url output: that one setting is not judged.
    d.outputs["jicofo_url"] = None
    assert "telemetry.function" not in failed(_checks(d))


def test_a_function_that_misses_the_shard_s_bridge_fails(d: Deployed) -> None:
    # compact: the shard runs a bridge too (under jicofo's name, xmpp.<internal_domain>).
    assert function_environment(d)["JVB_DNS_NAMES"] == "jvb.jitsi.internal,xmpp.jitsi.internal"
    env = {**function_environment(d), "JVB_DNS_NAMES": "jvb.jitsi.internal"}
    d.aws.lambda_.update_function_configuration(
        FunctionName=FUNCTION, Environment={"Variables": env}
    )
    checks = _checks(d)
    assert failed(checks) == {"telemetry.function"}
    assert checks["telemetry.function"].expected["JVB_DNS_NAMES"] == (
        "jvb.jitsi.internal,xmpp.jitsi.internal"
    )


@pytest.mark.parametrize(("config", "exposed"), [(CONFIG, True), (GROWTH, False)])
def test_the_stats_ports_count_in_every_group_of_a_bridge_s_task(
    deployed: Deployed, config: Config, exposed: bool
) -> None:
    # compact's shard task runs web's group too: 8080 open there reaches its bridge. growth's
    # web tasks run no bridge, so their group is not the bridges' business.
    deployed.config = config
    d = build(ecs(network(deployed)))
    stats_rule(d, "web", 8080, cidr="10.0.0.0/8")
    checks = _checks(d)
    assert failed(checks) == ({"telemetry.stats-access"} if exposed else set())


def test_a_missing_function_fails_once(d: Deployed) -> None:
    d.aws.lambda_.delete_function(FunctionName=FUNCTION)
    checks = _checks(d)
    assert set(checks) == {"telemetry.function"}
    assert checks["telemetry.function"].detail == f"function {FUNCTION} not found"


def test_no_function_in_the_outputs_fails(d: Deployed) -> None:
    checks = _checks(d, telemetry_function_name=None)
    assert set(checks) == {"telemetry.function"}
    assert checks["telemetry.function"].status == "fail"
    assert checks["telemetry.function"].detail == "output telemetry_function_name not found"


def test_disabled_telemetry_skips_every_check(d: Deployed) -> None:
    config = Config.model_validate({**CONFIG.model_dump(), "telemetry": {"enabled": False}})
    checks = _checks(d, config, telemetry_function_name=None)
    assert set(checks) == set(telemetry.IDS)
    assert {c.status for c in checks.values()} == {"skip"}
    assert checks["telemetry.function"].detail == "telemetry.enabled = false in the config"
