"""TURN is no open relay (issue 21): coturn's abuse limits, where its secret comes from, what
it may send out, and its load balancer's health check, as the account shows them. Nothing
when jitsi.turn is off (jitsi.turn checks that prosody then advertises none).

The limits are module turn's locals; this is Python's one copy of them."""

from __future__ import annotations

import ipaddress
import shlex
from collections.abc import Iterator
from typing import Any

from jitsi_ecs.aws import or_none
from jitsi_ecs.verify.result import Check, VerifyContext, compare, missing
from jitsi_ecs.verify.services import egress_rules

# Module turn's local.limits, as coturn flags.
LIMITS = {
    "--user-quota": "12",
    "--total-quota": "200",
    "--max-bps": "500000",
    "--bps-capacity": "6250000",
}
# Ranges coturn must refuse as peers, beside the VPC's own (module turn's local.denied_peers).
DENIED = (
    "0.0.0.0-0.255.255.255",
    "10.0.0.0-10.255.255.255",
    "100.64.0.0-100.127.255.255",
    "127.0.0.0-127.255.255.255",
    "169.254.0.0-169.254.255.255",
    "172.16.0.0-172.31.255.255",
    "192.0.0.0-192.0.0.255",
    "192.168.0.0-192.168.255.255",
    "198.18.0.0-198.19.255.255",
    "224.0.0.0-239.255.255.255",
    "240.0.0.0-255.255.255.255",
    "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
)
SECRET_FILE = "/var/lib/coturn/auth.conf"
# detect-external-ip asks resolver1.opendns.com first.
EXTERNAL_IP_LOOKUP = "udp:53:208.67.222.222/32"
HEALTH_CHECK = {"enabled": True, "protocol": "TCP", "interval": 30, "healthy": 3, "unhealthy": 3}


def vpc_range(cidr: str) -> str:
    network = ipaddress.IPv4Network(cidr)
    return f"{network.network_address}-{network.broadcast_address}"


def relay_settings(container: Any) -> dict[str, Any]:
    """What coturn's container definition says about relaying: its flags (the start script's
    turnserver line), whether the secret is passed as an argument, and where it comes from."""
    script = " ".join(container.get("entryPoint", []) + container.get("command", []))
    try:
        words = shlex.split(script.replace("\n", " ; "))
    except ValueError:
        words = script.split()
    flags: dict[str, list[str]] = {}
    for word in words:
        if word.startswith("--"):
            name, _, value = word.partition("=")
            flags.setdefault(name, []).append(value)
    return {
        "no_tcp_relay": "--no-tcp-relay" in flags,
        "limits": {name: next(iter(flags.get(name, [])), None) for name in LIMITS},
        "denied_peers": sorted(flags.get("--denied-peer-ip", [])),
        "secret_as_argument": "--static-auth-secret" in flags
        or any("TURN_SECRET" in v for values in flags.values() for v in values),
        "secret_from_file": f"turnserver -c {SECRET_FILE}" in script,
    }


def checks(ctx: VerifyContext) -> Iterator[Check]:
    outputs = ctx.outputs
    if not ctx.config.jitsi.turn.enabled or not outputs.turn_service_name:
        return
    service: Any = ctx.aws.service(outputs.cluster_name, outputs.turn_service_name)
    if service is None:
        yield missing("security.turn-relay", "coturn", f"ECS service {outputs.turn_service_name}")
        return
    yield _relay(ctx, service)
    yield _egress(ctx, service)
    yield _health_check(ctx, service)


def _relay(ctx: VerifyContext, service: Any) -> Check:
    task: Any = ctx.aws.task_definition(service["taskDefinition"])
    containers = task.get("containerDefinitions", [])
    container: Any = next((c for c in containers if c["name"] == "coturn"), {})
    observed = relay_settings(container)
    vpcs = ctx.aws.ec2.describe_vpcs(VpcIds=[ctx.outputs.vpc_id])["Vpcs"]
    vpc = vpc_range(vpcs[0]["CidrBlock"] if vpcs else ctx.config.network.cidr)
    required = sorted({*DENIED, vpc})
    expected = {
        "no_tcp_relay": True,
        "limits": LIMITS,
        "denied_peers": required,
        "secret_as_argument": False,
        "secret_from_file": True,
    }
    # More denied ranges than these is fine; fewer is not.
    if set(required) <= set(observed["denied_peers"]):
        observed = {**observed, "denied_peers": required}
    return compare(
        "security.turn-relay",
        expected,
        observed,
        "coturn is no open relay: no TCP relay, quotas, bandwidth caps, no private, reserved, "
        "IPv6 or VPC peers; its secret read from a file on the tmpfs, never an argument",
    )


def _egress(ctx: VerifyContext, service: Any) -> Check:
    vpc = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
    groups = vpc.get("securityGroups", [])
    permissions: list[Any] = []
    if groups:
        found = ctx.aws.ec2.describe_security_groups(GroupIds=groups)["SecurityGroups"]
        permissions = [p for g in found for p in g.get("IpPermissionsEgress", [])]
    port = ctx.config.jitsi.jvb.udp_port
    return compare(
        "security.turn-egress",
        sorted({"tcp:443:0.0.0.0/0", EXTERNAL_IP_LOOKUP, f"udp:{port}:0.0.0.0/0"}),
        egress_rules(permissions),
        "coturn sends out HTTPS, its external-IP lookup, and media to the bridges' port only",
    )


def _health_check(ctx: VerifyContext, service: Any) -> Check:
    arns = [b["targetGroupArn"] for b in service.get("loadBalancers", []) if "targetGroupArn" in b]
    found = (
        or_none(lambda: ctx.aws.elbv2.describe_target_groups(TargetGroupArns=arns[:1]))
        if arns
        else None
    )
    if not found or not found["TargetGroups"]:
        return missing("security.turn-health-check", HEALTH_CHECK, "coturn's target group")
    group: Any = found["TargetGroups"][0]
    return compare(
        "security.turn-health-check",
        HEALTH_CHECK,
        {
            "enabled": group.get("HealthCheckEnabled"),
            "protocol": group.get("HealthCheckProtocol"),
            "interval": group.get("HealthCheckIntervalSeconds"),
            "healthy": group.get("HealthyThresholdCount"),
            "unhealthy": group.get("UnhealthyThresholdCount"),
        },
        "the load balancer checks coturn's TURN port over TCP",
    )
