"""The jitsi verify group on the in-process emulator: a stack shaped like the one Terraform
makes passes, and each requirement fails (or warns) when it is broken."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from moto import mock_aws

from jitsi_ecs import memory
from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.verify import jitsi
from jitsi_ecs.verify.result import WARNING, Check, VerifyContext
from jitsi_ecs.workspace import infra_source

SCRIPTS = infra_source() / "modules" / "jitsi"
GUARD = (SCRIPTS / "guard.sh").read_text()
RELAY_ID = (SCRIPTS / "relay-id.sh").read_text()
REGISTRY, TAG = "ghcr.io/jitsi", "stable-11146-2"
# Each service's task memory in the default config.
MEMORY = {"web": 512, "xmpp": 1024, "jvb": 2048, "shard": 3072}
DIGEST = "sha256:" + "ab" * 32
ASSUME = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def _tmpfs(extra: dict[str, list[str]] | None = None) -> dict[str, Any]:
    mounts = {
        "/run": ["exec", "nosuid", "nodev", "mode=1750", "uid=1000", "gid=1000"],
        "/tmp": ["noexec", "nosuid", "nodev", "mode=1777", "uid=1000", "gid=1000"],
        **(extra or {}),
    }
    return {
        "readonlyRootFilesystem": True,
        "linuxParameters": {
            "tmpfs": [
                {"containerPath": p, "size": 16, "mountOptions": o} for p, o in mounts.items()
            ]
        },
    }


def _env(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in values.items()]


def containers(relay: bool = False) -> dict[str, list[dict[str, Any]]]:
    """The task definitions' containers, as the jitsi module renders them (relevant keys)."""
    octo_jvb = {"ENABLE_OCTO": "1", "JVB_OCTO_REGION": "us-west-2"} if relay else {}
    octo_jicofo = (
        {
            "ENABLE_OCTO": "1",
            "JICOFO_OCTO_REGION": "us-west-2",
            "OCTO_BRIDGE_SELECTION_STRATEGY": "IntraRegionBridgeSelectionStrategy",
        }
        if relay
        else {}
    )
    jvb: dict[str, Any] = {
        "name": "jvb",
        "image": f"{REGISTRY}/jvb:{TAG}",
        "essential": True,
        "stopTimeout": 120,
        "environment": _env(
            {
                "JVB_STUN_SERVERS": ",".join(Config().jitsi.jvb.stun_servers),
                "JVB_REQUIRE_VALID_ADDRESS": "1",
                "JVB_ADVERTISE_PRIVATE_CANDIDATES": "0",
                "COLIBRI_REST_ENABLED": "true",
                "SHUTDOWN_REST_ENABLED": "true",
                "VIDEOBRIDGE_DEBUG_OPTIONS": "-Dvideobridge.rest.debug.enabled=false "
                "-Dvideobridge.rest.drain.enabled=false",
                **octo_jvb,
            }
        ),
        **_tmpfs(),
    }
    if relay:
        jvb["entryPoint"] = ["/bin/sh", "-c", RELAY_ID]
    guard = {
        "name": "guard",
        "image": f"{REGISTRY}/jvb:{TAG}",
        "essential": False,
        "entryPoint": ["/bin/sh", "-c"],
        "command": [GUARD],
        "environment": _env({"GUARD_SHARD": "0"}),
        "dependsOn": [{"containerName": "jvb", "condition": "START"}],
        "stopTimeout": 120,
        "readonlyRootFilesystem": True,
    }
    return {
        "web": [
            {
                "name": "web",
                "image": f"{REGISTRY}/web:{TAG}",
                "essential": True,
                "environment": _env(
                    {
                        "NGINX_KEEPALIVE_TIMEOUT": "130",
                        "TOKEN_AUTH_URL": "https://meet.example.com/auth/?room={room}",
                    }
                ),
                **_tmpfs(),
            }
        ],
        "xmpp": [
            {
                "name": "prosody",
                "image": f"{REGISTRY}/prosody:{TAG}",
                "essential": True,
                **_tmpfs({"/var/lib/prosody": ["noexec", "mode=0750", "uid=1000", "gid=1000"]}),
            },
            {
                "name": "jicofo",
                "image": f"{REGISTRY}/jicofo:{TAG}",
                "essential": True,
                "environment": _env(octo_jicofo),
                **_tmpfs(),
            },
        ],
        "jvb": [jvb, guard],
    }


@dataclass
class Stack:
    aws: AwsContext
    outputs: StackOutputs
    jvb_group: str
    roles: dict[str, str]

    def register(self, service: str, defs: list[dict[str, Any]], size: int | None = None) -> None:
        """Register the containers as the service's task, of the config's size (or size), the
        JVM heaps set as the memory budget leaves them unless a container sets its own."""
        ecs = self.aws.ecs
        size = size or MEMORY[service]
        names = [c["name"] for c in defs]
        heaps = memory.heaps(names, size)
        defs = [
            {
                **c,
                "environment": [
                    *c.get("environment", []),
                    *_env({variable: f"{heaps[c['name']]}m"}),
                ],
            }
            if (variable := jitsi.HEAP_VARIABLES.get(c["name"])) is not None
            and variable not in {e["name"] for e in c.get("environment", [])}
            else c
            for c in defs
        ]
        arn = ecs.register_task_definition(
            family=f"jitsi-{service}",
            taskRoleArn=self.roles[service],
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="1024",
            memory=str(size),
            containerDefinitions=[{"memory": 128, **c} for c in defs],
        )["taskDefinition"]["taskDefinitionArn"]
        ecs.update_service(cluster="jitsi", service=service, taskDefinition=arn)

    def check(self, config: Config | None = None, **outputs: Any) -> dict[str, Check]:
        out = self.outputs.model_copy(update=outputs)
        ctx = VerifyContext(config or Config(), self.aws, out)
        return {c.id: c for c in jitsi.checks(ctx)}


def _policy(actions: list[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        }
    )


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        aws = AwsContext(region="us-west-2")
        ec2, iam, ecs, elb = aws.ec2, aws.iam, aws.ecs, aws.elbv2
        vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=az)[
                "Subnet"
            ]["SubnetId"]
            for i, az in enumerate(("us-west-2a", "us-west-2b"))
        ]
        groups = {
            k: ec2.create_security_group(GroupName=f"jitsi-{k}", Description=k, VpcId=vpc)[
                "GroupId"
            ]
            for k in ("web", "xmpp", "jvb")
        }
        alb = elb.create_load_balancer(Name="jitsi", Subnets=subnets)["LoadBalancers"][0]
        elb.modify_load_balancer_attributes(
            LoadBalancerArn=alb["LoadBalancerArn"],
            Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "120"}],
        )
        roles = {}
        for name, key in (("jitsi-task", "web"), ("jitsi-bridge-task", "jvb")):
            roles[key] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=ASSUME)["Role"][
                "Arn"
            ]
        roles["xmpp"] = roles["web"]
        iam.put_role_policy(
            RoleName="jitsi-bridge-task",
            PolicyName="own-task-scale-in-protection",
            PolicyDocument=_policy(jitsi.PROTECTION_ACTIONS),
        )
        ecs.create_cluster(clusterName="jitsi")
        first = ecs.register_task_definition(
            family="bootstrap", containerDefinitions=[{"name": "x", "image": "x", "memory": 8}]
        )["taskDefinition"]["taskDefinitionArn"]
        for key in ("web", "xmpp", "jvb"):
            ecs.create_service(
                cluster="jitsi",
                serviceName=key,
                taskDefinition=first,
                desiredCount=1,
                networkConfiguration={
                    "awsvpcConfiguration": {"subnets": subnets, "securityGroups": [groups[key]]}
                },
            )
        outputs = StackOutputs(
            url="https://meet.example.com",
            alb_arn=alb["LoadBalancerArn"],
            https_listener_arn="arn:https",
            http_listener_arn="arn:http",
            web_target_group_arn="arn:tg",
            cluster_name="jitsi",
            service_names={"web": "web", "xmpp": "xmpp", "jvb": "jvb"},
            service_containers={
                "web": ["web"],
                "xmpp": ["prosody", "jicofo"],
                "jvb": ["jvb", "guard"],
            },
            task_counts={k: {"min": 1, "max": 1} for k in ("web", "xmpp", "jvb")},
            layout="growth",
            vpc_id=vpc,
            bridge_dns_names=["jvb.jitsi.internal"],
            ecs_events_rule_name="jitsi-ecs-failures",
            secrets_version=1,
            deployment_alerts_topic_arn="arn:topic",
            budget_alerts_topic_arn="arn:budgets",
            alarm_names={},
            deployment_alarm_names={},
            budget_names={},
            log_group_name="/ecs/jitsi-app",
            dashboard_name="jitsi",
            web_port=8000,
            images={n: f"{REGISTRY}/{n}:{TAG}" for n in jitsi.IMAGES},
            image_rootless=True,
            bridge_relay=False,
        )
        built = Stack(aws, outputs, groups["jvb"], roles)
        for service, defs in containers().items():
            built.register(service, defs)
        yield built


def _relay_rules(stack: Stack) -> None:
    stack.aws.ec2.authorize_security_group_ingress(
        GroupId=stack.jvb_group,
        IpPermissions=[
            {
                "IpProtocol": "udp",
                "FromPort": low,
                "ToPort": high,
                "UserIdGroupPairs": [{"GroupId": stack.jvb_group}],
            }
            for low, high in ((10000, 10000), (32768, 65535))
        ],
    )


def test_a_stack_as_terraform_makes_it_passes(stack: Stack) -> None:
    results = stack.check()
    failed = {k: (c.expected, c.observed) for k, c in results.items() if c.status != "pass"}
    assert failed == {}
    assert {
        "task.web.web.filesystem",
        "task.xmpp.prosody.filesystem",
        "web.keepalive",
        "task.jvb.jvb.address-discovery",
        "task.jvb.guard",
        "task.jvb.heaps",
        "task.xmpp.heaps",
        "iam.task-protection",
        "jitsi.relay",
    } <= set(results)
    assert results["task.jvb.heaps"].observed == {"memory": 2048, "VIDEOBRIDGE_MAX_MEMORY": "1600m"}
    assert results["task.xmpp.heaps"].observed == {"memory": 1024, "JICOFO_MAX_MEMORY": "512m"}


def test_tag_only_images_pass_with_a_warning_and_digests_without(stack: Stack) -> None:
    check = stack.check()["task.web.web.image-digest"]
    assert check.status == "pass" and check.detail.startswith(WARNING)
    defs = containers()
    defs["web"][0]["image"] = f"{REGISTRY}/web@{DIGEST}"
    stack.register("web", defs["web"])
    results = stack.check(images={**stack.outputs.images, "web": f"{REGISTRY}/web@{DIGEST}"})
    assert results["task.web.web.image-digest"].status == "pass"
    assert not results["task.web.web.image-digest"].detail.startswith(WARNING)
    assert results["task.web.web.image"].status == "pass"
    # A configured digest that the task does not use is a failure, not a warning.
    stack.register("web", containers()["web"])
    wanted = {**stack.outputs.images, "web": f"{REGISTRY}/web@{DIGEST}"}
    assert stack.check(images=wanted)["task.web.web.image"].status == "fail"


def test_a_writable_root_or_an_init_process_fails_the_rootless_line(stack: Stack) -> None:
    defs = containers()
    defs["xmpp"][0]["linuxParameters"]["tmpfs"] = defs["xmpp"][0]["linuxParameters"]["tmpfs"][:2]
    defs["xmpp"][1]["readonlyRootFilesystem"] = False
    defs["xmpp"][1]["linuxParameters"]["initProcessEnabled"] = True
    stack.register("xmpp", defs["xmpp"])
    results = stack.check()
    prosody, jicofo = (
        results["task.xmpp.prosody.filesystem"],
        results["task.xmpp.jicofo.filesystem"],
    )
    assert prosody.status == "fail"
    assert prosody.observed["tmpfs_owned_by_image_user"] == ["/run", "/tmp"]
    assert jicofo.status == "fail"
    assert jicofo.observed["read_only_root"] is False and jicofo.observed["init_process"] is True


def test_the_root_line_keeps_a_writable_root(stack: Stack) -> None:
    defs = containers()
    for c in defs["web"]:
        c.pop("linuxParameters")
        c["readonlyRootFilesystem"] = False
    stack.register("web", defs["web"])
    results = stack.check(image_rootless=False)
    assert results["task.web.web.filesystem"].status == "pass"
    assert results["task.xmpp.jicofo.filesystem"].status == "fail"  # still rootless-shaped


def test_nginx_keepalive_at_or_below_the_alb_idle_timeout_fails(stack: Stack) -> None:
    defs = containers()
    defs["web"][0]["environment"] = _env({"NGINX_KEEPALIVE_TIMEOUT": "120"})
    stack.register("web", defs["web"])
    check = stack.check()["web.keepalive"]
    assert check.status == "fail"
    assert check.observed == {"nginx_keepalive_timeout": 120, "alb_idle_timeout": 120}


def test_address_discovery_needs_every_stun_server_and_a_valid_address(stack: Stack) -> None:
    defs = containers()
    env = [e for e in defs["jvb"][0]["environment"] if e["name"] != "JVB_REQUIRE_VALID_ADDRESS"]
    defs["jvb"][0]["environment"] = env
    stack.register("jvb", defs["jvb"])
    assert stack.check()["task.jvb.jvb.address-discovery"].status == "fail"
    config = Config(jitsi={"jvb": {"stun_servers": ["a.example.org:3478", "b.example.org:3478"]}})
    stack.register("jvb", containers()["jvb"])
    assert stack.check(config)["task.jvb.jvb.address-discovery"].status == "fail"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("command", ["while :; do sleep 60; done"]),
        ("essential", True),
        ("dependsOn", []),
        ("stopTimeout", 30),
    ],
)
def test_a_changed_guard_fails(stack: Stack, key: str, value: Any) -> None:
    defs = containers()
    defs["jvb"][1][key] = value
    stack.register("jvb", defs["jvb"])
    assert stack.check()["task.jvb.guard"].status == "fail"


def test_a_missing_guard_or_a_short_bridge_stop_timeout_fails(stack: Stack) -> None:
    defs = containers()
    defs["jvb"][0]["stopTimeout"] = 30
    stack.register("jvb", defs["jvb"])
    assert stack.check()["task.jvb.guard"].status == "fail"
    stack.register("jvb", containers()["jvb"][:1])
    check = stack.check()["task.jvb.guard"]
    assert check.status == "fail" and "not found" in check.detail


def test_task_protection_is_the_bridges_alone_and_nothing_more(stack: Stack) -> None:
    iam = stack.aws.iam
    iam.put_role_policy(
        RoleName="jitsi-bridge-task",
        PolicyName="own-task-scale-in-protection",
        PolicyDocument=_policy([*jitsi.PROTECTION_ACTIONS, "ecs:StopTask"]),
    )
    assert stack.check()["iam.task-protection"].status == "fail"
    iam.put_role_policy(
        RoleName="jitsi-bridge-task",
        PolicyName="own-task-scale-in-protection",
        PolicyDocument=_policy(jitsi.PROTECTION_ACTIONS),
    )
    iam.put_role_policy(
        RoleName="jitsi-task",
        PolicyName="too-much",
        PolicyDocument=_policy(["ecs:UpdateTaskProtection"]),
    )
    check = stack.check()["iam.task-protection"]
    assert check.status == "fail"
    assert check.observed["web"] == ["ecs:UpdateTaskProtection"]


def test_relay_on_needs_jicofo_the_bridges_and_the_group_rules(stack: Stack) -> None:
    assert stack.check(bridge_relay=True)["jitsi.relay"].status == "fail"
    for service, defs in containers(relay=True).items():
        stack.register(service, defs)
    check = stack.check(bridge_relay=True)["jitsi.relay"]
    assert check.status == "fail"
    assert check.observed["bridges"]["jvb"]["udp_between_bridges"] == []
    _relay_rules(stack)
    check = stack.check(bridge_relay=True)["jitsi.relay"]
    assert check.status == "pass", (check.expected, check.observed)
    assert stack.check(bridge_relay=False)["jitsi.relay"].status == "fail"


def test_relay_off_means_no_relay_settings(stack: Stack) -> None:
    defs = copy.deepcopy(containers())
    defs["xmpp"][1]["environment"] = _env({"ENABLE_OCTO": "1"})
    stack.register("xmpp", defs["xmpp"])
    check = stack.check()["jitsi.relay"]
    assert check.status == "fail" and check.observed["jicofo"] == {"ENABLE_OCTO": "1"}


def test_turn_off_means_prosody_advertises_none(stack: Stack) -> None:
    assert stack.check()["jitsi.turn"].status == "pass"
    defs = containers()
    defs["xmpp"][0]["environment"] = _env({"TURNS_HOST": "turn.example.org"})
    stack.register("xmpp", defs["xmpp"])
    assert stack.check()["jitsi.turn"].status == "fail"


def test_turn_on_needs_prosody_the_secret_the_tls_listener_and_coturn(stack: Stack) -> None:
    aws = stack.aws
    config = Config(jitsi={"turn": {"enabled": True}})
    host = "turn.meet.example.com"
    subnets = [s["SubnetId"] for s in aws.ec2.describe_subnets()["Subnets"]][:2]
    nlb = aws.elbv2.create_load_balancer(Name="jitsi-turn", Subnets=subnets, Type="network")[
        "LoadBalancers"
    ][0]["LoadBalancerArn"]
    outputs = {
        "turn_host": host,
        "turn_port": 443,
        "turn_load_balancer_arn": nlb,
        "turn_service_name": "turn",
    }
    check = stack.check(config, **outputs)["jitsi.turn"]
    assert check.status == "fail"
    assert check.observed["listener"] is None and check.observed["prosody"] == {}

    defs = containers()
    # issue 21: the images' default TURN_TTL (24 h) is what prosody gets without the variable
    defs["xmpp"][0]["environment"] = _env({"TURNS_HOST": host, "TURNS_PORT": "443"})
    defs["xmpp"][0]["secrets"] = [{"name": "TURN_CREDENTIALS", "valueFrom": "arn:ssm"}]
    stack.register("xmpp", defs["xmpp"])
    assert stack.check(config, **outputs)["jitsi.turn"].observed["prosody"].get("TURN_TTL") is None
    defs["xmpp"][0]["environment"] = _env(
        {"TURNS_HOST": host, "TURNS_PORT": "443", "TURN_TTL": "28800"}
    )
    stack.register("xmpp", defs["xmpp"])
    group = aws.elbv2.create_target_group(
        Name="jitsi-turn",
        Protocol="TCP",
        Port=3478,
        VpcId=aws.ec2.describe_vpcs()["Vpcs"][-1]["VpcId"],
    )["TargetGroups"][0]["TargetGroupArn"]
    certificate = aws.acm.request_certificate(DomainName=host)["CertificateArn"]
    aws.elbv2.create_listener(
        LoadBalancerArn=nlb,
        Protocol="TLS",
        Port=443,
        Certificates=[{"CertificateArn": certificate}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    first = aws.ecs.list_task_definitions()["taskDefinitionArns"][0]
    aws.ecs.create_service(
        cluster="jitsi", serviceName="turn", taskDefinition=first, desiredCount=1
    )
    check = stack.check(config, **outputs)["jitsi.turn"]
    assert check.status == "pass", (check.expected, check.observed)
    # A stack deployed before the turn_port output: not judged against a port of None.
    older = stack.check(config, **{**outputs, "turn_port": None})["jitsi.turn"]
    assert older.status == "skip" and "run `jitsi-ecs up`" in str(older.detail)


# ---------------------------------------------------------------- the compact layout
def _compact(stack: Stack, relay: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Reshape the stack as the compact layout runs it: the shard (web, prosody, jicofo and a
    bridge with its guard, in the web, xmpp and jvb groups) and the bridges alone."""
    ec2, ecs = stack.aws.ec2, stack.aws.ecs
    groups = {
        g["GroupName"]: g["GroupId"]
        for g in ec2.describe_security_groups(
            Filters=[{"Name": "group-name", "Values": ["jitsi-web", "jitsi-xmpp", "jitsi-jvb"]}]
        )["SecurityGroups"]
    }
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
    first = ecs.register_task_definition(
        family="bootstrap", containerDefinitions=[{"name": "x", "image": "x", "memory": 8}]
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster="jitsi",
        serviceName="shard",
        taskDefinition=first,
        desiredCount=1,
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": subnets, "securityGroups": sorted(groups.values())}
        },
    )
    stack.roles["shard"] = stack.roles["jvb"]  # it runs a bridge: the bridges' role
    defs = containers(relay)
    shard = [*defs["web"], *defs["xmpp"], *_in_shard(defs["jvb"])]
    stack.register("shard", shard)
    stack.register("jvb", defs["jvb"])
    stack.outputs = stack.outputs.model_copy(
        update={
            "layout": "compact",
            "service_names": {"shard": "shard", "jvb": "jvb"},
            "service_containers": {
                "shard": ["web", "prosody", "jicofo", "jvb", "guard"],
                "jvb": ["jvb", "guard"],
            },
            "task_counts": {"shard": {"min": 1, "max": 1}, "jvb": {"min": 0, "max": 2}},
        }
    )
    return {"shard": shard, "jvb": defs["jvb"]}


def _in_shard(bridge: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bridge and guard as the shard runs them: the bridge not essential and restarted in
    place, the guard told it shares the task with jicofo."""
    jvb, guard = copy.deepcopy(bridge)
    jvb.update(essential=False, restartPolicy={"enabled": True, "restartAttemptPeriod": 60})
    guard["environment"] = _env({"GUARD_SHARD": "1"})
    return [jvb, guard]


def test_the_shard_s_bridge_stops_fast_and_heals_in_place(stack: Stack) -> None:
    defs = _compact(stack)
    check = stack.check()["task.shard.guard"]
    assert check.status == "pass", (check.expected, check.observed)
    assert check.observed["shard_setting"] == {"GUARD_SHARD": "1"}
    assert stack.check()["task.jvb.guard"].observed["jvb_essential"] is True
    web, prosody, jicofo, jvb, guard = defs["shard"]
    # The bridge essential again (a bridge problem replaces signaling), or no restart policy,
    # or a guard that drains (a minute of outage at every stop): each fails.
    for broken in (
        [web, prosody, jicofo, {**jvb, "essential": True}, guard],
        [web, prosody, jicofo, {k: v for k, v in jvb.items() if k != "restartPolicy"}, guard],
        [web, prosody, jicofo, jvb, {**guard, "environment": _env({"GUARD_SHARD": "0"})}],
    ):
        stack.register("shard", broken)
        assert stack.check()["task.shard.guard"].status == "fail"
    # A bridge alone that is healed in place (and so never replaced) fails too.
    alone_jvb, alone_guard = defs["jvb"]
    stack.register("jvb", [{**alone_jvb, "restartPolicy": {"enabled": True}}, alone_guard])
    assert stack.check()["task.jvb.guard"].status == "fail"


def test_compact_the_shard_s_bridge_is_held_to_every_bridge_rule(stack: Stack) -> None:
    defs = _compact(stack)
    results = stack.check()
    for key in ("shard", "jvb"):
        assert results[f"task.{key}.guard"].status == "pass"
        assert results[f"task.{key}.jvb.address-discovery"].status == "pass"
    assert results["iam.task-protection"].status == "pass"
    assert results["iam.task-protection"].expected == {
        "shard": jitsi.PROTECTION_ACTIONS,
        "jvb": jitsi.PROTECTION_ACTIONS,
    }
    assert {i for i, c in results.items() if c.status == "fail"} == set()
    # The shard without its guard, or with the role of a task that runs no bridge: both fail.
    stack.register("shard", defs["shard"][:-1])
    assert stack.check()["task.shard.guard"].status == "fail"
    stack.roles["shard"] = stack.roles["web"]
    stack.register("shard", defs["shard"])
    assert stack.check()["iam.task-protection"].status == "fail"


def test_compact_relay_reaches_the_shard_s_bridge_too(stack: Stack) -> None:
    _compact(stack, relay=True)
    _relay_rules(stack)
    check = stack.check(bridge_relay=True)["jitsi.relay"]
    assert check.status == "pass", (check.expected, check.observed)
    assert set(check.observed["bridges"]) == {"shard", "jvb"}
    # The shard's bridge started by the image's own entrypoint (no relay id of its own): fail.
    defs = containers(relay=False)
    octo = containers(relay=True)
    shard = [*octo["web"], *octo["xmpp"], *_in_shard(defs["jvb"])]
    stack.register("shard", shard)
    check = stack.check(bridge_relay=True)["jitsi.relay"]
    assert check.status == "fail" and check.observed["bridges"]["shard"]["relay_id"] is None


def test_heaps_that_the_budget_does_not_leave_fail(stack: Stack) -> None:
    defs = _compact(stack)
    results = stack.check()
    assert results["task.shard.heaps"].status == "pass"
    assert results["task.shard.heaps"].observed == {
        "memory": 3072,
        "VIDEOBRIDGE_MAX_MEMORY": "1472m",
        "JICOFO_MAX_MEMORY": "512m",
    }
    # The heaps of the old share rule (half the task to the bridge), or the images' 3 GB.
    old = [
        {
            **c,
            "environment": [*c.get("environment", []), *_env({"VIDEOBRIDGE_MAX_MEMORY": "1536m"})],
        }
        if c["name"] == "jvb"
        else c
        for c in defs["shard"]
    ]
    stack.register("shard", old)
    assert stack.check()["task.shard.heaps"].status == "fail"
    unset = [{**c, "environment": []} if c["name"] == "jicofo" else c for c in defs["shard"]]
    stack.register(
        "shard",
        [c for c in unset if c["name"] != "jicofo"]
        + [
            {**c, "environment": _env({"JICOFO_MAX_MEMORY": "3072m"})}
            for c in unset
            if c["name"] == "jicofo"
        ],
    )
    assert stack.check()["task.shard.heaps"].status == "fail"
    # A task of another size than the config's: the heaps it got do not match either.
    stack.register("jvb", defs["jvb"], size=4096)
    check = stack.check()["task.jvb.heaps"]
    assert check.status == "fail" and check.observed["memory"] == 4096
    assert (
        stack.check(Config.model_validate({"jitsi": {"jvb": {"memory": 4096}}}))[
            "task.jvb.heaps"
        ].status
        == "pass"
    )


def test_token_auth_url_sends_the_host_to_the_auth_page_only_while_it_is_on(
    stack: Stack,
) -> None:
    check = stack.check()["web.web.token-auth-url"]
    assert check.status == "pass"
    assert check.expected == "https://meet.example.com/auth/?room={room}"
    off = Config.model_validate({"auth": {"enabled": False}})
    assert stack.check(off)["web.web.token-auth-url"].status == "fail"
    defs = containers()
    web = defs["web"][0]
    stack.register("web", [{**web, "environment": _env({"NGINX_KEEPALIVE_TIMEOUT": "130"})}])
    assert stack.check()["web.web.token-auth-url"].status == "fail"  # unset: Jitsi's login
    assert stack.check(off)["web.web.token-auth-url"].status == "pass"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VIDEOBRIDGE_DEBUG_OPTIONS", None),  # /debug and /colibri/drain back on
        ("VIDEOBRIDGE_DEBUG_OPTIONS", "-Dvideobridge.rest.debug.enabled=false"),
        ("SHUTDOWN_REST_ENABLED", None),  # the guard could not move the meetings
    ],
)
def test_jvb_rest_apis_only_what_the_guard_and_telemetry_use(
    stack: Stack, name: str, value: str | None
) -> None:
    assert stack.check()["task.jvb.jvb.rest-apis"].status == "pass"
    defs = containers()
    env = [e for e in defs["jvb"][0]["environment"] if e["name"] != name]
    defs["jvb"][0]["environment"] = env + (_env({name: value}) if value else [])
    stack.register("jvb", defs["jvb"])
    check = stack.check()["task.jvb.jvb.rest-apis"]
    assert check.status == "fail"
    assert check.observed[name] == value
