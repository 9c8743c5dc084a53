"""The telemetry wiring: the collector function, its schedule, and how narrow its access is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jitsi_ecs.aws import or_none
from jitsi_ecs.lambda_zip import RUNTIME
from jitsi_ecs.telemetry.package import HANDLER as TELEMETRY_HANDLER
from jitsi_ecs.telemetry.sources import JICOFO_PORT, JVB_PORT
from jitsi_ecs.verify.result import Check, VerifyContext, compare, missing, skip

IDS = ("telemetry.function", "telemetry.schedule", "telemetry.stats-access")


def checks(ctx: VerifyContext) -> Iterator[Check]:
    config = ctx.config
    if not config.telemetry.enabled:
        for check_id in IDS:
            yield skip(check_id, "telemetry.enabled = false in the config")
        return
    name = ctx.outputs.telemetry_function_name
    if name is None:
        yield missing(
            "telemetry.function", "a telemetry function", "output telemetry_function_name"
        )
        return
    expected = {
        "runtime": RUNTIME,
        "handler": TELEMETRY_HANDLER,
        "in_vpc": True,
        "JVB_DNS_NAMES": ",".join(ctx.outputs.bridge_dns_names),
        "JICOFO_URL": ctx.outputs.jicofo_url,
        "METRIC_NAMESPACE": config.observability.metric_namespace,
    }
    if ctx.outputs.jicofo_url is None:  # deployed before the root output existed: not judged
        del expected["JICOFO_URL"]
    lambda_ = ctx.aws.lambda_
    fn: Any = or_none(lambda: lambda_.get_function(FunctionName=name)["Configuration"])
    if fn is None:
        yield missing("telemetry.function", expected, f"function {name}")
        return
    env = fn.get("Environment", {}).get("Variables", {})
    vpc = fn.get("VpcConfig", {})
    yield compare(
        "telemetry.function",
        expected,
        {
            "runtime": fn.get("Runtime"),
            "handler": fn.get("Handler"),
            "in_vpc": bool(vpc.get("SubnetIds")) and bool(vpc.get("SecurityGroupIds")),
            **{
                k: env.get(k)
                for k in ("JVB_DNS_NAMES", "JICOFO_URL", "METRIC_NAMESPACE")
                if k in expected
            },
        },
        "collector-less: a scheduled function in the VPC prints EMF; no agent, no sidecar",
    )
    yield from _schedule(ctx, fn["FunctionArn"])
    yield from _access(ctx, vpc.get("SecurityGroupIds", []))


def _schedule(ctx: VerifyContext, function_arn: str) -> Iterator[Check]:
    events = ctx.aws.events
    rule_name = ctx.outputs.telemetry_schedule_rule_name or ""
    expected = {
        "schedule": ctx.config.telemetry.schedule_expression,
        "state": "ENABLED",
        "target": function_arn,
    }
    rule: Any = or_none(lambda: events.describe_rule(Name=rule_name))
    if rule is None:
        yield missing("telemetry.schedule", expected, f"EventBridge rule {rule_name}")
        return
    targets = [t["Arn"] for t in events.list_targets_by_rule(Rule=rule_name)["Targets"]]
    yield compare(
        "telemetry.schedule",
        expected,
        {
            "schedule": rule.get("ScheduleExpression"),
            "state": rule.get("State"),
            "target": function_arn if function_arn in targets else targets,
        },
    )


# The stats port of each container that serves one.
STATS_PORTS = {"jvb": JVB_PORT, "jicofo": JICOFO_PORT}


def _stats_groups(ctx: VerifyContext) -> list[str]:
    """The security groups of the services whose tasks run a bridge or jicofo."""
    outputs = ctx.outputs
    names = [
        name
        for key, name in outputs.service_names.items()
        if set(outputs.service_containers.get(key, [])) & set(STATS_PORTS)
    ]
    return sorted(
        {
            group
            for service in ctx.aws.services(outputs.cluster_name, names)
            for group in service.get("networkConfiguration", {})
            .get("awsvpcConfiguration", {})
            .get("securityGroups", [])
        }
    )


def _covers(rule: Any, port: int) -> bool:
    if rule.get("IpProtocol") == "-1":  # all traffic
        return True
    low, high = rule.get("FromPort", -1), rule.get("ToPort", -1)
    return bool(rule.get("IpProtocol") == "tcp" and low <= port <= high)


def _access(ctx: VerifyContext, collector_groups: list[str]) -> Iterator[Check]:
    """The stats ports (JVB's, jicofo's) may be reached from the collector's group, nothing else.

    Only the groups of the tasks that serve them count (other groups of the account are not
    the stack's), and every rule that opens the port counts, a range or all traffic too."""
    groups = _stats_groups(ctx)
    rules: list[Any] = []
    if groups:
        rules = ctx.aws.ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": groups}]
        )["SecurityGroupRules"]
    open_stats = []
    for rule in rules:
        if rule.get("IsEgress"):
            continue
        source = (
            rule.get("ReferencedGroupInfo", {}).get("GroupId")
            or rule.get("CidrIpv4")
            or rule.get("CidrIpv6")
        )
        for port in STATS_PORTS.values():
            if _covers(rule, port):
                open_stats.append({"port": port, "from_collector": source in collector_groups})
    yield compare(
        "telemetry.stats-access",
        {"ports": sorted(STATS_PORTS.values()), "only_from_collector": True},
        {
            "ports": sorted({r["port"] for r in open_stats}),
            "only_from_collector": bool(open_stats)
            and all(r["from_collector"] for r in open_stats),
        },
        "JVB's REST (with /debug and /colibri/drain) must never be reachable from anywhere else",
    )
