"""What the security review asked for, as it stands on the account: the ALB's response
headers, its deletion protection and request logs, the VPC's flow logs, and what each Jitsi
task may send out and who may assume its role."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from jitsi_ecs import iam_policy as policy
from jitsi_ecs.aws import calling
from jitsi_ecs.verify import turn
from jitsi_ecs.verify.alerting import scoped
from jitsi_ecs.verify.result import Check, VerifyContext, compare, missing

HSTS = "routing.http.response.strict_transport_security.header_value"
SERVER = "routing.http.response.server.enabled"
NOSNIFF = "routing.http.response.x_content_type_options.header_value"


def hsts_value(max_age: int) -> str:
    """The header the HTTPS listener sends (0 tells browsers to forget an earlier one)."""
    return f"max-age={max_age}; includeSubDomains" if max_age > 0 else "max-age=0"


def checks(ctx: VerifyContext) -> Iterator[Check]:
    yield from _headers(ctx)
    yield from _load_balancer(ctx)
    yield from _flow_logs(ctx)
    yield from _tasks(ctx)
    yield from turn.checks(ctx)


def _headers(ctx: VerifyContext) -> Iterator[Check]:
    https = ctx.aws.listener_attributes(ctx.outputs.https_listener_arn)
    http = ctx.aws.listener_attributes(ctx.outputs.http_listener_arn)
    yield compare(
        "security.hsts",
        hsts_value(ctx.config.alb.hsts_max_age),
        https.get(HSTS),
        "the web image sends HSTS only when it terminates TLS itself: the ALB adds it",
    )
    yield compare(
        "security.response-headers",
        {"https_server_header": "false", "http_server_header": "false", "nosniff": "nosniff"},
        {
            # The ALB names itself (Server: awselb/2.0) unless told not to.
            "https_server_header": https.get(SERVER, "true"),
            "http_server_header": http.get(SERVER, "true"),
            "nosniff": https.get(NOSNIFF),
        },
    )


def _load_balancer(ctx: VerifyContext) -> Iterator[Check]:
    attributes = ctx.aws.load_balancer_attributes(ctx.outputs.alb_arn)
    if attributes is None:
        yield missing(
            "security.alb-deletion-protection", None, f"load balancer {ctx.outputs.alb_arn}"
        )
        return
    yield compare(
        "security.alb-deletion-protection",
        str(ctx.config.alb.deletion_protection).lower(),
        attributes.get("deletion_protection.enabled", "false"),
        "alb.deletion_protection",
    )
    wanted = ctx.config.alb.access_logs
    yield compare(
        "security.alb-access-logs",
        {"enabled": "true", "bucket": ctx.outputs.log_bucket_name}
        if wanted
        else {"enabled": "false"},
        {
            "enabled": attributes.get("access_logs.s3.enabled", "false"),
            "bucket": attributes.get("access_logs.s3.bucket"),
        }
        if wanted
        else {"enabled": attributes.get("access_logs.s3.enabled", "false")},
        "alb.access_logs (the logs hold ?jwt= tokens: the bucket is private)",
    )
    if ctx.outputs.log_bucket_name:
        yield from _bucket(ctx, ctx.outputs.log_bucket_name)


def denies_plain_http(policy_text: str) -> bool:
    """Whether a bucket policy denies every request that does not come over TLS."""
    for statement in json.loads(policy_text or "{}").get("Statement", []):
        secure = statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
        secure = secure if isinstance(secure, list) else [secure]
        if statement.get("Effect") == "Deny" and "false" in secure:
            return True
    return False


def _bucket(ctx: VerifyContext, name: str) -> Iterator[Check]:
    s3 = ctx.aws.s3
    with calling(f"read the public access block and policy of bucket {name}"):
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        policy = s3.get_bucket_policy(Bucket=name)["Policy"]
    keys = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    yield compare(
        "security.log-bucket",
        {"public_access_blocked": True, "tls_only": True, "writers_scoped": True},
        {
            "public_access_blocked": all(block.get(k) for k in keys),
            "tls_only": denies_plain_http(policy),
            "writers_scoped": service_writers_scoped(policy),
        },
        f"bucket {name}: request logs hold ?jwt= tokens; each log delivery service writes "
        "for this account only (aws:SourceAccount)",
    )


def service_writers_scoped(policy_text: str) -> bool:
    """Whether every statement letting an AWS service in names the account it acts for: a
    log delivery service writes for every account's resources otherwise."""
    doc = policy.document(json.loads(policy_text or "{}"))
    return all(scoped(s) for s in policy.allowing(doc) if policy.service_principals(s))


def _flow_logs(ctx: VerifyContext) -> Iterator[Check]:
    bucket = ctx.outputs.log_bucket_name
    with calling(f"describe the flow logs of {ctx.outputs.vpc_id}"):
        found = ctx.aws.ec2.describe_flow_logs(
            Filters=[{"Name": "resource-id", "Values": [ctx.outputs.vpc_id]}]
        )["FlowLogs"]
    to_bucket = [
        f
        for f in found
        if bucket
        and f.get("LogDestinationType") == "s3"
        and f.get("LogDestination", "").split(":::", 1)[-1].split("/")[0] == bucket
    ]
    yield compare(
        "security.flow-logs",
        ctx.config.network.flow_logs,
        bool(to_bucket),
        "network.flow_logs: every flow of the VPC to the stack's log bucket",
    )


def egress_summary(permissions: list[Any]) -> dict[str, Any]:
    """What a set of egress permissions lets out: any rule for every protocol, and the TCP
    ports open to the whole internet."""
    everywhere = {"0.0.0.0/0", "::/0"}
    open_tcp = set()
    for p in permissions:
        cidrs = {r.get("CidrIp") for r in p.get("IpRanges", [])} | {
            r.get("CidrIpv6") for r in p.get("Ipv6Ranges", [])
        }
        if p.get("IpProtocol") == "tcp" and cidrs & everywhere:
            ports = (p.get("FromPort"), p.get("ToPort"))
            open_tcp.add(str(ports[0]) if ports[0] == ports[1] else f"{ports[0]}-{ports[1]}")
    return {
        "all_protocols": any(p.get("IpProtocol") == "-1" for p in permissions),
        "tcp_to_internet": sorted(open_tcp),
    }


def _tasks(ctx: VerifyContext) -> Iterator[Check]:
    """Per Jitsi service: egress narrowed (HTTPS out, the rest to the other groups or UDP for
    media) and a task role only ECS tasks of this account may assume. Operator services'
    egress (HTTPS and what their block declares) is checked by the services group."""
    outputs = ctx.outputs
    names = {k: n for k, n in outputs.service_names.items() if k not in ctx.config.services}
    # One DescribeServices for all of them (the ecs group fails a missing one already).
    described = {
        s["serviceName"]: s for s in ctx.aws.services(outputs.cluster_name, list(names.values()))
    }
    for key, name in names.items():
        service = described.get(name)
        if service is None:
            continue
        vpc = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
        groups = list(vpc.get("securityGroups", []))
        permissions: list[Any] = []
        if groups:
            with calling(f"describe the security groups of service {key}"):
                found = ctx.aws.ec2.describe_security_groups(GroupIds=groups)["SecurityGroups"]
            permissions = [p for g in found for p in g.get("IpPermissionsEgress", [])]
        yield compare(
            f"security.egress.{key}",
            {"all_protocols": False, "tcp_to_internet": ["443"]},
            egress_summary(permissions),
            "HTTPS out for images and AWS APIs; XMPP to the signaling group; UDP for media",
        )
        role = ctx.aws.task_definition(service["taskDefinition"]).get("taskRoleArn")
        yield _trust(ctx, f"security.trust.{key}", role)


def _trust(ctx: VerifyContext, check_id: str, role_arn: str | None) -> Check:
    if not role_arn:  # the containers get no AWS credentials at all: nothing to assume
        return compare(check_id, None, None, "no task role")
    name = role_arn.rsplit("/", 1)[-1]
    with calling(f"read the trust policy of role {name}"):
        trust = ctx.aws.iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    statements = [
        s
        for s in policy.allowing(policy.document(trust))
        if "ecs-tasks.amazonaws.com" in policy.service_principals(s)
    ]
    return compare(
        check_id,
        {"role": name, "ecs_tasks_only_for_this_account": True},
        {
            "role": name,
            "ecs_tasks_only_for_this_account": bool(statements)
            and all(scoped(s) for s in statements),
        },
        "aws:SourceAccount / aws:SourceArn: no other account's task can take this role",
    )
