"""What an operator service ([services.*]) has beyond the checks every service gets.

The ECS service, its task and its container (circuit breaker, deployment alarms, health check,
logs, ADOT, secrets only through ECS `secrets`) are checked in `ecs`, its listener rule and
target group in `edge`, its alarms in `alerting`, like Jitsi's. Here: its security group lets
in the ALB alone, on its port, and out HTTPS and what its block declares; its secrets exist
as SecureString parameters that the operator has set; and its execution role may read exactly
those parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jitsi_ecs import iam_policy as policy
from jitsi_ecs.config import Service
from jitsi_ecs.verify.result import WARNING, Check, VerifyContext, compare, missing

# The version Terraform writes (value_wo_version = 1, a placeholder); `jitsi-ecs secret set`
# makes the next one.
PLACEHOLDER_VERSION = 1


def checks(ctx: VerifyContext) -> Iterator[Check]:
    outputs = ctx.outputs
    for name, wanted in ctx.config.services.items():
        ecs_name = outputs.service_names.get(name)
        service = ctx.aws.service(outputs.cluster_name, ecs_name) if ecs_name else None
        if service is None:
            # ecs already fails service.<name>; nothing to look at here.
            yield missing(f"service.{name}.network", "the ECS service", f"ECS service {name}")
            continue
        yield from _network(ctx, name, wanted, service)
        parameters = outputs.service_secret_parameters.get(name, {})
        check, arns = _secrets(ctx, name, wanted, parameters)
        yield check
        task: Any = ctx.aws.task_definition(service["taskDefinition"])
        yield from _execution_role(ctx, name, task.get("executionRoleArn", ""), arns)


def _network(ctx: VerifyContext, name: str, wanted: Service, service: Any) -> Iterator[Check]:
    """Ingress: the service's port from the ALB's security group, nothing else."""
    vpc = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
    groups = vpc.get("securityGroups", [])
    alb: Any = ctx.aws.elbv2.describe_load_balancers(LoadBalancerArns=[ctx.outputs.alb_arn])
    alb_groups = sorted(alb["LoadBalancers"][0].get("SecurityGroups", []))
    ingress = []
    egress: list[str] = []
    if groups:
        found = ctx.aws.ec2.describe_security_groups(GroupIds=groups)["SecurityGroups"]
        egress = egress_rules([p for g in found for p in g.get("IpPermissionsEgress", [])])
        for group in found:
            for perm in group.get("IpPermissions", []):
                ingress.append(
                    {
                        "ports": [perm.get("FromPort"), perm.get("ToPort")],
                        "from_groups": sorted(
                            p["GroupId"] for p in perm.get("UserIdGroupPairs", [])
                        ),
                        "from_cidrs": sorted(
                            [r["CidrIp"] for r in perm.get("IpRanges", [])]
                            + [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", [])]
                        ),
                    }
                )
    yield compare(
        f"service.{name}.network",
        {
            "ingress": [
                {"ports": [wanted.port, wanted.port], "from_groups": alb_groups, "from_cidrs": []}
            ],
            "public_ip": "ENABLED",
            "egress": sorted({HTTPS_OUT, *wanted.egress}),
        },
        {"ingress": ingress, "public_ip": vpc.get("assignPublicIp"), "egress": egress},
        "reachable from the ALB only; a public IP pulls the image (no NAT gateway); out: "
        "HTTPS and what services.<name>.egress declares",
    )


HTTPS_OUT = "tcp:443:0.0.0.0/0"


def egress_rules(permissions: list[Any]) -> list[str]:
    """Egress permissions in the config's protocol:port[-port]:cidr form ("all:..." for every
    protocol, a group id for a rule towards a security group)."""
    rules = set()
    for p in permissions:
        protocol = p.get("IpProtocol")
        low, high = p.get("FromPort"), p.get("ToPort")
        ports = "*" if protocol == "-1" else (f"{low}" if low == high else f"{low}-{high}")
        name = "all" if protocol == "-1" else protocol
        peers = (
            [r.get("CidrIp") for r in p.get("IpRanges", [])]
            + [r.get("CidrIpv6") for r in p.get("Ipv6Ranges", [])]
            + [g.get("GroupId") for g in p.get("UserIdGroupPairs", [])]
            + [pl.get("PrefixListId") for pl in p.get("PrefixListIds", [])]
        )
        rules |= {f"{name}:{ports}:{peer}" for peer in peers}
    return sorted(rules)


def _secrets(
    ctx: VerifyContext, name: str, wanted: Service, parameters: dict[str, str]
) -> tuple[Check, list[str]]:
    """Each secret is a SecureString parameter; one still holding the placeholder is a
    warning (the stack works, the app gets a wrong value until `jitsi-ecs secret set`).
    Also returns the parameters' ARNs."""
    found: dict[str, Any] = {}
    names = [parameters[s] for s in wanted.secrets if s in parameters]
    if names:
        # Never decrypted: the type and version say what verify needs to know.
        answer = ctx.aws.ssm.get_parameters(Names=names, WithDecryption=False)
        found = {p["Name"]: p for p in answer["Parameters"]}
    observed = {
        secret: found[parameters[secret]]["Type"] if parameters.get(secret) in found else None
        for secret in wanted.secrets
    }
    unset = sorted(
        secret
        for secret in wanted.secrets
        if parameters.get(secret) in found
        and int(found[parameters[secret]].get("Version", 0)) <= PLACEHOLDER_VERSION
    )
    detail = "SSM SecureString parameters the stack created"
    if unset:
        detail = f"{WARNING}{', '.join(unset)} still hold(s) the placeholder: " + "; ".join(
            f"jitsi-ecs secret set {name} {s}" for s in unset
        )
    check = compare(
        f"service.{name}.secrets",
        {secret: "SecureString" for secret in wanted.secrets},
        observed,
        detail,
    )
    return check, sorted(str(p["ARN"]) for p in found.values())


def _execution_role(
    ctx: VerifyContext, name: str, role_arn: str, parameter_arns: list[str]
) -> Iterator[Check]:
    """The execution role reads this service's parameters and no others (inline policies;
    the managed AmazonECSTaskExecutionRolePolicy grants no SSM access)."""
    readable: set[str] = set()
    for document in ctx.aws.role_policies(role_arn):
        for statement in policy.allowing(document):
            if any(a.startswith("ssm:") for a in policy.listed(statement.get("Action", []))):
                readable |= set(policy.listed(statement.get("Resource", [])))
    yield compare(
        f"service.{name}.execution-role",
        {"reads_parameters": parameter_arns},
        {"reads_parameters": sorted(readable)},
        "the execution role may read exactly this service's parameters",
    )
