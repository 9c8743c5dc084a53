"""Refuse a doomed `--target aws` apply before anything changes.

`plan` and `up` on a real account run these checks (the aws target's `preflight` steps) before
the state bucket is created or Terraform initialised, and the one that needs the state (other
resources under the stack's names) after init, before the plan. Each check is a small function
returning a `Problem` or None; every check runs, every problem is printed, then one UsageError
(exit 2) lists them. A check that cannot ask AWS (a permission missing, a network failure)
is a problem too: nothing is deployed on a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from jitsi_ecs.aws import AwsContext, calling, or_none
from jitsi_ecs.config import Config
from jitsi_ecs.errors import JitsiEcsError, UsageError
from jitsi_ecs.targets.adot_layers import layer_arn
from jitsi_ecs.ui import err

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ssm import SSMClient

# The IAM actions the checks call (`jitsi-ecs iam-policy` includes them).
PREFLIGHT_ACTIONS = (
    "sts:GetCallerIdentity",
    "ec2:DescribeRegions",
    "ssm:GetParameter",
    "lambda:GetLayerVersion",  # GetLayerVersionByArn is authorised as lambda:GetLayerVersion
    "route53:GetHostedZone",
    "acm:DescribeCertificate",
    "servicequotas:GetServiceQuota",
    "servicequotas:GetAWSDefaultServiceQuota",
    "ecs:DescribeClusters",
    "elasticloadbalancing:DescribeLoadBalancers",
    "sns:GetTopicAttributes",
    "iam:GetRole",
    "logs:DescribeLogGroups",
)

# Service Quotas: "Fargate On-Demand vCPU resource count" (service code fargate), the vCPUs
# of on-demand Fargate tasks that may run at once in the account and region.
FARGATE_QUOTA = ("fargate", "L-3032A538")

# Regions where AWS lists Fargate but documents no ARM64 (Graviton) Fargate. None is known
# at the time of writing; add a region here with the page that says so (ECS developer guide,
# "Amazon ECS task definitions for 64-bit ARM workloads").
FARGATE_WITHOUT_ARM64: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Problem:
    """Why the apply would fail, and what to do about it."""

    message: str
    hint: str


Check = Callable[[Config, AwsContext], "Problem | None"]


# ---------------------------------------------------------------- the stack's tasks


@dataclass(frozen=True)
class Tasks:
    """One ECS service of the stack: tasks at most while awake, vCPU each, and how many of
    those run on demand (a Spot service keeps one task on demand: modules/capacity)."""

    service: str
    at_most: int
    vcpu: float
    spot: bool = False

    @property
    def on_demand(self) -> int:
        return min(1, self.at_most) if self.spot else self.at_most


def stack_tasks(config: Config) -> list[Tasks]:
    """Every Fargate service of the stack at its largest: the layout's services (the keys of
    modules/jitsi's local.services, whose task role is <name>-<key>-task), TURN and the
    operator services. Lambda functions (auth, telemetry) use no Fargate vCPU."""
    j = config.jitsi
    scale = j.jvb.autoscaling
    tasks: list[Tasks] = []
    if j.layout == "compact":
        tasks.append(Tasks("shard", 1, j.shard.cpu / 1024))
        alone = scale.max_count - 1  # the shard's own bridge is one of max_count
    else:
        tasks.append(Tasks("web", j.web.desired_count, j.web.cpu / 1024, j.web.spot))
        tasks.append(Tasks("xmpp", 1, j.xmpp.cpu / 1024))
        alone = scale.max_count
    if alone > 0:
        tasks.append(Tasks("jvb", alone, j.jvb.cpu / 1024, j.jvb.spot))
    if j.turn.enabled:
        tasks.append(Tasks("turn", 1, j.turn.cpu / 1024))
    for key, service in config.services.items():
        tasks.append(Tasks(key, service.desired_count, service.cpu / 1024, service.spot))
    return tasks


def on_demand_vcpus(config: Config) -> float:
    """The on-demand Fargate vCPUs the stack can scale to (a rolling deployment of web, the
    bridges or an operator service briefly starts up to as many again)."""
    return sum(t.on_demand * t.vcpu for t in stack_tasks(config))


# ---------------------------------------------------------------- checks before the backend


def account(config: Config, aws: AwsContext) -> Problem | None:
    if config.account_id is None or aws.account_id() == config.account_id:
        return None
    return Problem(
        f"the credentials are of account {aws.account_id()}, the config's account_id is "
        f"{config.account_id}",
        "Use a profile of account "
        f"{config.account_id} (AWS_PROFILE, `aws sso login`), or change account_id.",
    )


def home_region(region: str) -> str:
    """A region every account of the partition has enabled: a disabled region's own
    endpoints refuse the account's credentials, so the question is asked there."""
    if region.startswith("cn-"):
        return "cn-north-1"
    if region.startswith("us-gov-"):
        return "us-gov-west-1"
    return "us-east-1"


def region_enabled(config: Config, aws: AwsContext, account: str | None = None) -> Problem | None:
    """account: how to name the account (default: its ID, which asks STS)."""
    ec2: EC2Client = aws.client_in("ec2", home_region(config.region))
    with calling("list the account's regions (ec2:DescribeRegions)"):
        regions = ec2.describe_regions(AllRegions=True)["Regions"]
    status = {r.get("RegionName"): r.get("OptInStatus") for r in regions}
    if config.region not in status:
        return Problem(
            f"region {config.region} does not exist for this account",
            "Set region to one of: " + ", ".join(sorted(str(r) for r in status)) + ".",
        )
    if status[config.region] == "not-opted-in":
        return Problem(
            f"region {config.region} is not enabled for "
            + (account or f"account {aws.account_id()}"),
            "Enable it (AWS console: Account, AWS Regions; or `aws account enable-region "
            f"--region-name {config.region}`), wait until it is ENABLED, or choose another "
            "region.",
        )
    return None


def fargate_arm64(config: Config, aws: AwsContext) -> Problem | None:
    # No API answers "does Fargate run ARM64 tasks in this region". What this proves: AWS's
    # public global-infrastructure parameters in SSM list Fargate as offered in the region
    # (every ECS task here runs on Fargate, whatever the architecture); for ARM64, the region
    # is also not one AWS documents without ARM64 Fargate (FARGATE_WITHOUT_ARM64).
    ssm: SSMClient = aws.client_in("ssm", home_region(config.region))  # the same everywhere
    name = f"/aws/service/global-infrastructure/regions/{config.region}/services/fargate"
    with calling(f"read the public parameter {name} (ssm:GetParameter)"):
        offered = or_none(lambda: ssm.get_parameter(Name=name))
    arm = config.jitsi.cpu_architecture == "ARM64"
    if offered is None:
        return Problem(
            f"AWS does not offer Fargate{' (ARM64)' if arm else ''} in region {config.region}",
            "Choose a region that has Fargate (ECS developer guide, 'Supported Regions for "
            "Amazon ECS on AWS Fargate').",
        )
    if arm and config.region in FARGATE_WITHOUT_ARM64:
        return Problem(
            f"Fargate in region {config.region} runs no ARM64 tasks",
            'Set jitsi.cpu_architecture = "X86_64", or choose another region.',
        )
    return None


def adot_layer(config: Config, aws: AwsContext) -> Problem | None:
    if not config.auth.enabled:
        return None
    arn = layer_arn(config.region)
    if arn is None:
        return None  # the function runs without ADOT there (the target says so)
    lambda_ = aws.lambda_
    with calling(f"read the ADOT layer {arn} (lambda:GetLayerVersion)"):
        found = or_none(lambda: lambda_.get_layer_version_by_arn(Arn=arn))
    if found is None:
        return Problem(
            f"the ADOT Python layer pinned for {config.region} ({arn}) does not exist",
            "Update targets/adot_layers.py to a published version (its docstring says how), "
            "or set auth.enabled = false.",
        )
    return None


def _hosts(config: Config) -> list[str]:
    """The names the stack serves: the domain, and the TURN host when TURN is on."""
    hosts = [config.domain]
    if config.jitsi.turn.enabled:
        hosts.append(config.jitsi.turn.host or f"turn.{config.domain}")
    return hosts


def route53_zone(config: Config, aws: AwsContext) -> Problem | None:
    zone_id = config.route53_zone_id
    if zone_id is None:
        return None
    route53 = aws.route53
    with calling(f"read hosted zone {zone_id} (route53:GetHostedZone)"):
        zone = or_none(lambda: route53.get_hosted_zone(Id=zone_id), ("NoSuchHostedZone",))
    if zone is None:
        return Problem(
            f"route53_zone_id: hosted zone {zone_id} does not exist in this account",
            "Set route53_zone_id to the ID of the zone of the domain "
            "(`aws route53 list-hosted-zones`).",
        )
    name = zone["HostedZone"]["Name"].rstrip(".").lower()
    outside = [h for h in _hosts(config) if not (h == name or h.endswith(f".{name}"))]
    if outside:
        return Problem(
            f"route53_zone_id: zone {zone_id} is {name}, which does not hold "
            + " or ".join(outside),
            "Set route53_zone_id to the zone of the domain (or of a parent of it).",
        )
    return None


def covers(name: str, host: str) -> bool:
    """Whether a certificate name covers host: equal, or a wildcard one level up
    (`*.example.com` covers `meet.example.com`, not `a.b.example.com` nor `example.com`)."""
    name, host = name.lower().rstrip("."), host.lower().rstrip(".")
    if name.startswith("*."):
        return "." in host and host.split(".", 1)[1] == name[2:]
    return name == host


def _certificate(config: Config, aws: AwsContext, key: str, arn: str, host: str) -> str | None:
    region = arn.split(":")[3] if arn.count(":") >= 5 else ""
    if region != config.region:
        return (
            f"{key}: the certificate is in {region or 'no region'}, the stack in "
            f"{config.region} (an ALB or NLB takes certificates of its own region)"
        )
    acm = aws.acm
    with calling(f"describe certificate {arn} (acm:DescribeCertificate)"):
        found = or_none(lambda: acm.describe_certificate(CertificateArn=arn))
    if found is None:
        return f"{key}: certificate {arn} does not exist in this account"
    cert = found["Certificate"]
    if cert.get("Status") != "ISSUED":
        return f"{key}: certificate {arn} is {cert.get('Status')}, not ISSUED"
    names = {cert.get("DomainName", ""), *cert.get("SubjectAlternativeNames", [])}
    if not any(covers(n, host) for n in names if n):
        return f"{key}: certificate {arn} is for {', '.join(sorted(names))}, not {host}"
    return None


def certificates(config: Config, aws: AwsContext) -> Problem | None:
    given = []
    if config.certificate_arn:
        given.append(("certificate_arn", config.certificate_arn, config.domain))
    turn = config.jitsi.turn
    if turn.enabled and turn.certificate_arn:
        host = turn.host or f"turn.{config.domain}"
        given.append(("jitsi.turn.certificate_arn", turn.certificate_arn, host))
    found = [p for key, arn, host in given if (p := _certificate(config, aws, key, arn, host))]
    if not found:
        return None
    return Problem(
        "; ".join(found),
        "Give an ISSUED ACM certificate of the stack's region that covers the host name (its "
        "domain or a *. wildcard one level up), or set route53_zone_id to have one made.",
    )


def fargate_quota(config: Config, aws: AwsContext) -> Problem | None:
    service, code = FARGATE_QUOTA
    sq = aws.servicequotas
    with calling(f"read the Fargate On-Demand vCPU quota {code} (servicequotas)"):
        # No applied value (never changed for the account): Service Quotas answers
        # NoSuchResource, and the AWS default applies.
        applied = or_none(
            lambda: sq.get_service_quota(ServiceCode=service, QuotaCode=code),
            ("NoSuchResourceException",),
        )
        quota = applied or sq.get_aws_default_service_quota(ServiceCode=service, QuotaCode=code)
    limit = float(quota["Quota"].get("Value", 0.0))
    need = on_demand_vcpus(config)
    if limit >= need:
        return None
    return Problem(
        f"the stack can run {need:g} on-demand Fargate vCPUs, the account's quota in "
        f"{config.region} is {limit:g} (Fargate On-Demand vCPU resource count, {code})",
        f"Request an increase (`aws service-quotas request-service-quota-increase "
        f"--service-code {service} --quota-code {code} --desired-value {need:g} --region "
        f"{config.region}`), or lower jitsi.jvb.autoscaling.max_count or the task sizes.",
    )


BEFORE_BACKEND: tuple[Check, ...] = (
    account,
    region_enabled,
    fargate_arm64,
    adot_layer,
    route53_zone,
    certificates,
    fargate_quota,
)


# ---------------------------------------------------------------- the stack's names


@dataclass(frozen=True)
class Named:
    """A resource the stack creates under a name it chooses."""

    kind: str
    name: str
    # Its ARN when it exists (a log group: its name), as the state records it: a name alone
    # could match another of the state's resources (the cluster and the ALB share one).
    find: Callable[[AwsContext], str | None]


def _cluster(name: str) -> Callable[[AwsContext], str | None]:
    def find(aws: AwsContext) -> str | None:
        with calling(f"describe ECS cluster {name}"):
            found = aws.ecs.describe_clusters(clusters=[name])["clusters"]
        # A deleted cluster stays INACTIVE for a while; it is no conflict.
        return next((c["clusterArn"] for c in found if c.get("status") == "ACTIVE"), None)

    return find


def _load_balancer(name: str) -> Callable[[AwsContext], str | None]:
    def find(aws: AwsContext) -> str | None:
        elbv2 = aws.elbv2
        with calling(f"describe load balancer {name}"):
            found = or_none(lambda: elbv2.describe_load_balancers(Names=[name]))
        return found["LoadBalancers"][0]["LoadBalancerArn"] if found else None

    return find


def _topic(name: str) -> Callable[[AwsContext], str | None]:
    def find(aws: AwsContext) -> str | None:
        arn = f"arn:{_partition(aws.region)}:sns:{aws.region}:{aws.account_id()}:{name}"
        sns = aws.sns
        with calling(f"read SNS topic {name}"):
            found = or_none(lambda: sns.get_topic_attributes(TopicArn=arn))
        return arn if found else None

    return find


def _role(name: str) -> Callable[[AwsContext], str | None]:
    def find(aws: AwsContext) -> str | None:
        iam = aws.iam
        with calling(f"read IAM role {name}"):
            found = or_none(lambda: iam.get_role(RoleName=name))
        return found["Role"]["Arn"] if found else None

    return find


def _log_group(name: str) -> Callable[[AwsContext], str | None]:
    def find(aws: AwsContext) -> str | None:
        with calling(f"describe log group {name}"):
            groups = aws.logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        return name if any(g.get("logGroupName") == name for g in groups) else None

    return find


def _partition(region: str) -> str:
    return "aws-cn" if region.startswith("cn-") else "aws"


def stack_names(config: Config) -> list[Named]:
    """The names the stack gives its cluster, ALB, SNS topics, IAM roles and main log group,
    from the config. Terraform sets each one where the comment says; tests/unit/
    test_preflight.py reads those lines, so a renamed resource fails a test here."""
    n = config.name
    return [
        # modules/jitsi aws_ecs_cluster.this: name = var.name (root: local.cluster_name)
        Named("ECS cluster", n, _cluster(n)),
        # modules/edge aws_lb.this: name = var.name
        Named("load balancer", n, _load_balancer(n)),
        # modules/alarms and modules/budgets: name = "${var.name}-${var.topic_name}"
        Named(
            "SNS topic",
            f"{n}-{config.alarms.topic_name}",
            _topic(f"{n}-{config.alarms.topic_name}"),
        ),
        Named(
            "SNS topic",
            f"{n}-{config.budgets.topic_name}",
            _topic(f"{n}-{config.budgets.topic_name}"),
        ),
        # modules/jitsi module.execution_role: name = "${var.name}-execution"
        Named("IAM role", f"{n}-execution", _role(f"{n}-execution")),
        # modules/jitsi aws_iam_role.task: name = "${var.name}-${each.key}-task", for each of
        # the layout's services (stack_tasks names them as local.services does)
        *(
            Named("IAM role", f"{n}-{t.service}-task", _role(f"{n}-{t.service}-task"))
            for t in stack_tasks(config)
            if t.service in ("shard", "web", "xmpp", "jvb")
        ),
        # modules/observability aws_cloudwatch_log_group.this: name = var.log_group_name
        Named(
            "log group",
            config.observability.log_group_name,
            _log_group(config.observability.log_group_name),
        ),
    ]


def foreign_resources(config: Config, aws: AwsContext, state: set[str]) -> Problem | None:
    """Resources under the stack's names that its state does not hold: another stack's, or
    left over from an earlier one. With no state (a first deploy), every one found counts."""
    foreign = []
    for named in stack_names(config):
        found = named.find(aws)
        if found is not None and found not in state:
            foreign.append(f"{named.kind} {named.name} ({found})")
    if not foreign:
        return None
    return Problem(
        "these already exist outside the stack's Terraform state: " + "; ".join(foreign),
        "Another stack or an earlier deployment uses these names: choose another `name` "
        "(and observability.log_group_name) for this stack, delete the leftovers, or deploy "
        "from the working copy that holds their state.",
    )


# ---------------------------------------------------------------- running them


def _run(checks: list[Callable[[], Problem | None]]) -> list[Problem]:
    problems = []
    for check in checks:
        try:
            problem = check()
        except JitsiEcsError as exc:  # could not check: that is a problem too
            problem = Problem(exc.message, exc.hint or "Repeat the command when AWS answers.")
        if problem is not None:
            err.print(f"[red]Preflight:[/] {problem.message}\n  {problem.hint}")
            problems.append(problem)
    return problems


def _refuse(problems: list[Problem]) -> None:
    if not problems:
        return
    lines = "\n".join(f"- {p.message}" for p in problems)
    raise UsageError(
        f"the preflight found {len(problems)} problem(s); nothing was changed:\n{lines}",
        hint=problems[0].hint if len(problems) == 1 else "See each problem's hint above.",
    )


def before_backend(config: Config, aws: AwsContext, state: set[str] | None = None) -> None:
    """The account, region, Fargate, ADOT layer, zone, certificate and quota checks; with
    `state` (a first deploy: no state to initialise, so the empty set) also the names."""
    err.print(f"Working on AWS account {aws.account_id()} in {config.region}.")
    checks: list[Callable[[], Problem | None]] = [partial(c, config, aws) for c in BEFORE_BACKEND]
    if state is not None:
        checks.append(partial(foreign_resources, config, aws, state))
    _refuse(_run(checks))


def against_state(config: Config, aws: AwsContext, state: set[str]) -> None:
    """Resources under the stack's names outside its state (needs the initialised state)."""
    _refuse(_run([partial(foreign_resources, config, aws, state)]))
