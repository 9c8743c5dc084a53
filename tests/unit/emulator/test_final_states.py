"""The states the AWS provider's waiters poll for are already final at their first poll.

The slow resources of a local `up` (load balancer 60 s, Route 53 record 15 s, VPC, ECS cluster
and capacity providers 10 s, Lambda and budgets 5 s) are the AWS provider's fixed delay before
its first poll (`Delay` in its waiters), not states the emulator reports as pending: its first
poll already gets the final state, as AWS answers once the change has settled. These tests
keep it so; a slower answer would add a poll interval (5 to 15 s) on top of each delay.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from jitsi_ecs.emulator.extensions import install
from jitsi_ecs.lambda_zip import RUNTIME


@pytest.fixture
def aws() -> Iterator[None]:
    install()
    with mock_aws():
        yield


def _client(name: str) -> Any:
    return boto3.client(
        name, region_name="us-west-2", aws_access_key_id="t", aws_secret_access_key="t"
    )


def _subnets(ec2: Any) -> list[str]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-west-2{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]


def test_load_balancer_is_active_at_the_first_describe(aws: None) -> None:
    elbv2 = _client("elbv2")
    created = elbv2.create_load_balancer(Name="alb", Subnets=_subnets(_client("ec2")))
    balancer = created["LoadBalancers"][0]
    assert balancer["State"]["Code"] == "provisioning"  # what CreateLoadBalancer answers
    described = elbv2.describe_load_balancers(LoadBalancerArns=[balancer["LoadBalancerArn"]])
    assert described["LoadBalancers"][0]["State"]["Code"] == "active"


def test_route53_change_is_insync_at_the_first_get(aws: None) -> None:
    route53 = _client("route53")
    zone = route53.create_hosted_zone(Name="example.com.", CallerReference="r")["HostedZone"]
    change = route53.change_resource_record_sets(
        HostedZoneId=zone["Id"],
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": "meet.example.com.",
                        "Type": "CNAME",
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "alb.example.com"}],
                    },
                }
            ]
        },
    )["ChangeInfo"]
    assert route53.get_change(Id=change["Id"])["ChangeInfo"]["Status"] == "INSYNC"


def test_vpc_is_available_and_its_dns_hostnames_attribute_applied_at_once(aws: None) -> None:
    ec2 = _client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["State"] == "available"
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    attribute = ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")
    assert attribute["EnableDnsHostnames"]["Value"] is True


def test_ecs_cluster_is_active_after_create_and_capacity_providers(aws: None) -> None:
    ecs = _client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.put_cluster_capacity_providers(
        cluster="c",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
    )
    assert ecs.describe_clusters(clusters=["c"])["clusters"][0]["status"] == "ACTIVE"


def test_lambda_function_is_active_at_the_first_get(aws: None) -> None:
    role = _client("iam").create_role(
        RoleName="r", AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}'
    )["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("handler.py", "def handler(event, context):\n    return None\n")
    awslambda = _client("lambda")
    awslambda.create_function(
        FunctionName="f",
        Runtime=RUNTIME,
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": archive.getvalue()},
    )
    configuration = awslambda.get_function(FunctionName="f")["Configuration"]
    assert configuration["State"] == "Active"
    assert configuration["LastUpdateStatus"] == "Successful"
