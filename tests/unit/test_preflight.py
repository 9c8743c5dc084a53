"""The aws target's preflight, each check against moto in-process (with the project's moto
extensions: the ADOT layer AWS publishes, the Fargate vCPU quota)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import moto.settings
import pytest

from jitsi_ecs import preflight
from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Autoscaling as Scaling
from jitsi_ecs.config import Config, Jitsi, Jvb, Turn
from jitsi_ecs.errors import EXIT_USAGE, UsageError
from jitsi_ecs.targets.adot_layers import layer_arn
from jitsi_ecs.targets.aws import AwsTarget
from jitsi_ecs.terraform import Terraform
from jitsi_ecs.workspace import Workspace
from tests.unit.deployed import REGION

INFRA = Path(__file__).resolve().parents[2] / "infra"
MOTO_ACCOUNT = "123456789012"


def config(**changes: Any) -> Config:
    return Config(**{"region": REGION, "domain": "meet.example.com", **changes})


# ---------------------------------------------------------------- account and region


def test_the_wrong_account_is_refused(moto_aws: AwsContext) -> None:
    problem = preflight.account(config(account_id="111122223333"), moto_aws)
    assert problem is not None and "111122223333" in problem.message
    assert MOTO_ACCOUNT in problem.message
    assert preflight.account(config(account_id=MOTO_ACCOUNT), moto_aws) is None
    assert preflight.account(config(), moto_aws) is None  # no account_id: any account


def test_account_id_is_twelve_digits_and_cli_only() -> None:
    with pytest.raises(ValueError, match="12-digit"):
        config(account_id="1234")
    assert "account_id" not in config(account_id=MOTO_ACCOUNT).terraform_vars()


def test_a_region_not_enabled_for_the_account_is_refused(moto_aws: AwsContext) -> None:
    # moto lists ap-east-1 (an opt-in region) as not-opted-in, as AWS does for a new account
    problem = preflight.region_enabled(config(region="ap-east-1"), moto_aws)
    assert problem is not None and "not enabled" in problem.message
    assert "enable-region" in problem.hint
    unknown = preflight.region_enabled(config(region="xx-nowhere-1"), moto_aws)
    assert unknown is not None and "does not exist" in unknown.message
    assert preflight.region_enabled(config(), moto_aws) is None


# ---------------------------------------------------------------- Fargate, ADOT


def test_a_region_without_fargate_is_refused(moto_aws: AwsContext) -> None:
    problem = preflight.fargate_arm64(config(region="xx-nowhere-1"), moto_aws)
    assert problem is not None and "ARM64" in problem.message
    assert preflight.fargate_arm64(config(), moto_aws) is None


def test_a_region_without_arm64_fargate_is_refused_for_arm64_only(
    moto_aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preflight, "FARGATE_WITHOUT_ARM64", frozenset({REGION}))
    problem = preflight.fargate_arm64(config(), moto_aws)
    assert problem is not None and "X86_64" in problem.hint
    x86 = config(jitsi=Jitsi(cpu_architecture="X86_64"))
    assert preflight.fargate_arm64(x86, moto_aws) is None


def test_a_missing_adot_layer_is_refused(
    moto_aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert preflight.adot_layer(config(), moto_aws) is None  # the pinned one resolves
    pinned = layer_arn(REGION)
    assert pinned is not None
    gone = pinned.rsplit(":", 1)[0] + ":1"
    monkeypatch.setattr(preflight, "layer_arn", lambda region: gone)
    problem = preflight.adot_layer(config(), moto_aws)
    assert problem is not None and gone in problem.message
    off = config(auth={"enabled": False})
    assert preflight.adot_layer(off, moto_aws) is None


# ---------------------------------------------------------------- zone and certificate


def _zone(aws: AwsContext, name: str) -> str:
    zone = aws.route53.create_hosted_zone(Name=name, CallerReference=name)["HostedZone"]["Id"]
    return zone.rsplit("/", 1)[-1]


def test_a_zone_of_another_domain_is_refused(moto_aws: AwsContext) -> None:
    other = _zone(moto_aws, "example.org")
    problem = preflight.route53_zone(config(route53_zone_id=other), moto_aws)
    assert problem is not None and "example.org" in problem.message
    assert (
        preflight.route53_zone(config(route53_zone_id=_zone(moto_aws, "example.com")), moto_aws)
        is None
    )
    exact = _zone(moto_aws, "meet.example.com")
    assert preflight.route53_zone(config(route53_zone_id=exact), moto_aws) is None
    missing = preflight.route53_zone(config(route53_zone_id="ZNOSUCHZONE"), moto_aws)
    assert missing is not None and "does not exist" in missing.message


def _certificate(aws: AwsContext, domain: str, *also: str) -> str:
    kwargs: dict[str, Any] = {"SubjectAlternativeNames": [domain, *also]} if also else {}
    arn = aws.acm.request_certificate(DomainName=domain, ValidationMethod="DNS", **kwargs)
    return str(arn["CertificateArn"])


def test_a_pending_certificate_is_refused(
    moto_aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moto.settings, "ACM_VALIDATION_WAIT", 3600)
    arn = _certificate(moto_aws, "meet.example.com")
    problem = preflight.certificates(config(certificate_arn=arn), moto_aws)
    assert problem is not None and "PENDING_VALIDATION" in problem.message
    monkeypatch.setattr(moto.settings, "ACM_VALIDATION_WAIT", 0)
    assert preflight.certificates(config(certificate_arn=arn), moto_aws) is None


def test_a_certificate_of_another_region_or_domain_is_refused(
    moto_aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moto.settings, "ACM_VALIDATION_WAIT", 0)
    arn = _certificate(moto_aws, "meet.example.com")
    elsewhere = arn.replace(f":{REGION}:", ":eu-west-1:")
    problem = preflight.certificates(config(certificate_arn=elsewhere), moto_aws)
    assert problem is not None and "eu-west-1" in problem.message
    other = _certificate(moto_aws, "meet.example.org")
    problem = preflight.certificates(config(certificate_arn=other), moto_aws)
    assert problem is not None and "not meet.example.com" in problem.message
    wildcard = _certificate(moto_aws, "example.com", "*.example.com")
    assert preflight.certificates(config(certificate_arn=wildcard), moto_aws) is None
    # the TURN host is checked against its own certificate
    turn = Turn(enabled=True, certificate_arn=arn)
    problem = preflight.certificates(config(certificate_arn=arn, jitsi=Jitsi(turn=turn)), moto_aws)
    assert problem is not None and "turn.meet.example.com" in problem.message


@pytest.mark.parametrize(
    ("name", "host", "covered"),
    [
        ("meet.example.com", "meet.example.com", True),
        ("*.example.com", "meet.example.com", True),
        ("*.example.com", "a.b.example.com", False),
        ("*.example.com", "example.com", False),
        ("example.com", "meet.example.com", False),
        ("MEET.Example.com", "meet.example.com", True),
    ],
)
def test_covers(name: str, host: str, covered: bool) -> None:
    assert preflight.covers(name, host) is covered


# ---------------------------------------------------------------- quota


def test_default_stack_vcpus() -> None:
    # compact: the shard (0.5 vCPU) and up to two more bridges of 1 vCPU
    assert preflight.on_demand_vcpus(config()) == 2.5
    growth = config(jitsi=Jitsi(layout="growth"))
    # web 2 x 0.25, xmpp 0.5, three bridges of 1
    assert preflight.on_demand_vcpus(growth) == 4.0


def test_a_quota_below_the_need_is_refused(moto_aws: AwsContext) -> None:
    big = config(jitsi=Jitsi(jvb=Jvb(autoscaling=Scaling(max_count=10))))
    assert preflight.on_demand_vcpus(big) == 9.5  # above the default quota (6)
    problem = preflight.fargate_quota(big, moto_aws)
    assert problem is not None and "9.5" in problem.message and " 6 " in problem.message
    assert preflight.fargate_quota(config(), moto_aws) is None  # 2.5 fits the default
    moto_aws.servicequotas.request_service_quota_increase(
        ServiceCode="fargate", QuotaCode="L-3032A538", DesiredValue=2.0
    )
    assert preflight.fargate_quota(config(), moto_aws) is not None  # the applied value counts


# ---------------------------------------------------------------- the stack's names


def test_each_name_is_the_one_terraform_sets() -> None:
    """stack_names' comments name where Terraform sets each name: those lines must say so."""
    expected = {
        "modules/jitsi/main.tf": [
            'resource "aws_ecs_cluster" "this" {',
            '"${var.name}-execution"',
            '"${var.name}-${each.key}-task"',
        ],
        "modules/edge/main.tf": ['load_balancer_type         = "application"'],
        "modules/alarms/main.tf": ['name   = "${var.name}-${var.topic_name}"'],
        "modules/budgets/main.tf": ['name = "${var.name}-${var.topic_name}"'],
        "modules/observability/main.tf": ["name              = var.log_group_name"],
    }
    for path, lines in expected.items():
        text = (INFRA / path).read_text()
        for line in lines:
            assert line in text, (path, line)
    jitsi = (INFRA / "modules/jitsi/main.tf").read_text()
    cluster = jitsi.split('resource "aws_ecs_cluster" "this" {', 1)[1]
    assert re.search(r"^\s*name\s*=\s*var\.name$", cluster, re.M)
    edge = (INFRA / "modules/edge/main.tf").read_text().split('resource "aws_lb" "this" {', 1)[1]
    assert re.search(r"^\s*name\s*=\s*var\.name$", edge, re.M)
    root = (INFRA / "main.tf").read_text()
    assert "cluster_name = var.name" in root
    # the task roles follow module jitsi's local.services keys, which stack_tasks repeats
    for key in ("shard", "web", "xmpp", "jvb"):
        assert re.search(rf"^\s*{key} = ", jitsi, re.M), key
    names = {n.name for n in preflight.stack_names(config(name="demo"))}
    assert {"demo", "demo-execution", "demo-shard-task", "demo-jvb-task"} <= names
    assert {"demo-deployment-alerts", "demo-budget-alerts", "/ecs/jitsi-app"} <= names


def test_a_cluster_named_like_the_stack_outside_its_state_is_refused(
    moto_aws: AwsContext,
) -> None:
    arn = moto_aws.ecs.create_cluster(clusterName="jitsi")["cluster"]["clusterArn"]
    problem = preflight.foreign_resources(config(), moto_aws, set())
    assert problem is not None and "ECS cluster jitsi" in problem.message
    assert preflight.foreign_resources(config(), moto_aws, {arn}) is None  # the state's own
    moto_aws.logs.create_log_group(logGroupName="/ecs/jitsi-app")
    problem = preflight.foreign_resources(config(), moto_aws, {arn})
    assert problem is not None and "log group /ecs/jitsi-app" in problem.message
    assert "cluster" not in problem.message


def test_roles_and_topics_outside_the_state_are_refused(moto_aws: AwsContext) -> None:
    moto_aws.iam.create_role(RoleName="jitsi-execution", AssumeRolePolicyDocument="{}")
    topic = moto_aws.sns.create_topic(Name="jitsi-deployment-alerts")["TopicArn"]
    problem = preflight.foreign_resources(config(), moto_aws, set())
    assert problem is not None
    assert "IAM role jitsi-execution" in problem.message and topic in problem.message
    assert preflight.foreign_resources(config(name="other"), moto_aws, set()) is None


# ---------------------------------------------------------------- running them all


def test_every_problem_is_reported_in_one_usage_error(moto_aws: AwsContext) -> None:
    bad = config(account_id="111122223333", region="ap-east-1")
    with pytest.raises(UsageError) as raised:
        preflight.before_backend(bad, moto_aws)
    assert raised.value.exit_code == EXIT_USAGE
    assert "account 123456789012" in raised.value.message
    assert "ap-east-1 is not enabled" in raised.value.message
    assert "nothing was changed" in raised.value.message
    preflight.before_backend(config(), moto_aws)  # a sound config passes


def test_a_check_that_cannot_ask_aws_is_a_problem(
    moto_aws: AwsContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(config: Config, aws: AwsContext) -> None:
        from jitsi_ecs.errors import AwsError

        raise AwsError("read something: AWS answered AccessDenied", hint="Grant it.")

    monkeypatch.setattr(preflight, "BEFORE_BACKEND", (refused,))
    with pytest.raises(UsageError, match="AccessDenied"):
        preflight.before_backend(config(), moto_aws)


def test_preflight_actions_cover_the_calls() -> None:
    assert "servicequotas:GetAWSDefaultServiceQuota" in preflight.PREFLIGHT_ACTIONS
    assert "lambda:GetLayerVersion" in preflight.PREFLIGHT_ACTIONS
    assert len(set(preflight.PREFLIGHT_ACTIONS)) == len(preflight.PREFLIGHT_ACTIONS)


# ---------------------------------------------------------------- the aws target's steps


class _State:
    """A Terraform stand-in: the state's identities (state_identities is tested apart)."""

    def __init__(self, ids: set[str]) -> None:
        self.ids, self.read = ids, 0

    def state_identities(self) -> set[str]:
        self.read += 1
        return self.ids


def _aws_target(tmp_path: Path) -> AwsTarget:
    return AwsTarget(Workspace.for_target("aws", tmp_path))


def test_a_first_deploy_checks_the_names_before_the_backend(
    moto_aws: AwsContext, tmp_path: Path
) -> None:
    moto_aws.ecs.create_cluster(clusterName="jitsi")
    target, state = _aws_target(tmp_path), _State(set())
    with pytest.raises(UsageError, match="ECS cluster jitsi"):
        target.preflight(config(), moto_aws)  # no state bucket: the state is empty
    target.preflight_state(config(), moto_aws, state)  # type: ignore[arg-type]
    assert state.read == 0  # checked once, before


def test_a_deployed_stack_checks_the_names_against_its_state(
    moto_aws: AwsContext, tmp_path: Path
) -> None:
    moto_aws.s3.create_bucket(
        Bucket=f"jitsi-ecs-tfstate-{MOTO_ACCOUNT}-{REGION}",
        CreateBucketConfiguration={"LocationConstraint": REGION},
    )
    arn = moto_aws.ecs.create_cluster(clusterName="jitsi")["cluster"]["clusterArn"]
    target = _aws_target(tmp_path)
    target.preflight(config(), moto_aws)  # a bucket: the names wait for the state
    target.preflight_state(config(), moto_aws, _State({arn}))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="ECS cluster jitsi"):
        target.preflight_state(config(), moto_aws, _State({"arn:other"}))  # type: ignore[arg-type]


def test_state_identities_reads_arns_names_and_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = {
        "values": {
            "root_module": {
                "child_modules": [
                    {
                        "resources": [
                            {"mode": "managed", "values": {"arn": "arn:c", "name": "jitsi"}},
                            {"mode": "data", "values": {"arn": "arn:data"}},
                        ]
                    }
                ],
                "resources": [{"mode": "managed", "values": {"id": "/ecs/jitsi-app"}}],
            }
        }
    }
    tf = Terraform(tmp_path, {}, tmp_path / "x.log")
    monkeypatch.setattr(tf, "run", lambda args, **kw: json.dumps(shown))
    assert tf.state_identities() == {"arn:c", "jitsi", "/ecs/jitsi-app"}
    monkeypatch.setattr(tf, "run", lambda args, **kw: '{"format_version": "1.0"}')
    assert tf.state_identities() == set()  # no state yet


@pytest.mark.parametrize(
    ("run", "jitsi"),
    [("composition_defaults", Jitsi()), ("growth_layout", Jitsi(layout="growth"))],
)
def test_stack_tasks_match_what_terraform_test_asserts(run: str, jitsi: Jitsi) -> None:
    """stack_tasks repeats module jitsi's layout rule (local.services, local.capacity) in
    Python; infra/tests/root.tftest.hcl asserts Terraform's task_counts for these configs,
    so the two are held together through it."""
    text = (INFRA / "tests" / "root.tftest.hcl").read_text()
    block = text.split(f'run "{run}" {{', 1)[1].split("\nrun ", 1)[0]
    counts = re.search(r"output\.task_counts == \{(.*?)\}\s*\n", block)
    assert counts is not None, run
    terraform = {
        key: int(most)
        for key, most in re.findall(r"(\w+) = \{ min = \d+, max = (\d+) \}", counts.group(1))
    }
    assert terraform, run
    python = {t.service: t.at_most for t in preflight.stack_tasks(config(jitsi=jitsi))}
    assert python == terraform


def test_credentials_refused_in_a_disabled_region_say_the_region(
    moto_aws: AwsContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A region not enabled for the account refuses the account's credentials there (STS
    answers InvalidClientTokenId): connect says the region is the cause, asked in us-east-1."""

    def refused(self: AwsContext) -> str:
        raise UsageError("read the account: AWS answered InvalidClientTokenId")

    monkeypatch.setattr(AwsContext, "account_id", refused)
    target = _aws_target(tmp_path)
    monkeypatch.setattr("jitsi_ecs.targets.aws.AwsContext", lambda region: moto_aws)
    with pytest.raises(UsageError, match="ap-east-1 is not enabled for this account"):
        target.connect(config(region="ap-east-1"), start=False)
    with pytest.raises(UsageError, match="InvalidClientTokenId"):  # an enabled region: as is
        target.connect(config(), start=False)


def test_a_name_the_state_gives_another_resource_is_no_cover(moto_aws: AwsContext) -> None:
    # the state's ALB is named jitsi too: the cluster outside the state is still foreign
    moto_aws.ecs.create_cluster(clusterName="jitsi")
    state = {
        "jitsi",
        "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/jitsi/1",
    }
    problem = preflight.foreign_resources(config(), moto_aws, state)
    assert problem is not None and "ECS cluster jitsi" in problem.message


def test_a_load_balancer_named_like_the_stack_outside_its_state_is_refused(
    moto_aws: AwsContext,
) -> None:
    ec2 = moto_aws.ec2
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"{REGION}{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in enumerate("ab")
    ]
    alb = moto_aws.elbv2.create_load_balancer(Name="jitsi", Subnets=subnets)
    arn = alb["LoadBalancers"][0]["LoadBalancerArn"]
    problem = preflight.foreign_resources(config(), moto_aws, set())
    assert problem is not None and "load balancer jitsi" in problem.message
    assert preflight.foreign_resources(config(), moto_aws, {arn}) is None
