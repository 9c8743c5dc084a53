"""The moto extensions fill the measured gaps with documented AWS behaviour."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from jitsi_ecs.emulator.extensions import install

ACCOUNT = "123456789012"
NOTE = {
    "NotificationType": "ACTUAL",
    "ComparisonOperator": "GREATER_THAN",
    "Threshold": 100.0,
    "ThresholdType": "PERCENTAGE",
}


@pytest.fixture
def aws() -> Iterator[None]:
    install()
    with mock_aws():
        yield


def _client(name: str) -> Any:
    return boto3.client(
        name, region_name="us-west-2", aws_access_key_id="t", aws_secret_access_key="t"
    )


def _budget(budgets: Any) -> None:
    budgets.create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": "b",
            "BudgetLimit": {"Amount": "5.00", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
        NotificationsWithSubscribers=[
            {
                "Notification": NOTE,
                "Subscribers": [
                    {"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-west-2:123456789012:t"}
                ],
            }
        ],
        ResourceTags=[{"Key": "Project", "Value": "jitsi-ecs"}],
    )


def test_budget_subscribers_are_described(aws: None) -> None:
    budgets = _client("budgets")
    _budget(budgets)
    subs = budgets.describe_subscribers_for_notification(
        AccountId=ACCOUNT, BudgetName="b", Notification=NOTE
    )
    assert subs["Subscribers"] == [
        {"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-west-2:123456789012:t"}
    ]
    other = {**NOTE, "NotificationType": "FORECASTED"}
    with pytest.raises(budgets.exceptions.NotFoundException):
        budgets.describe_subscribers_for_notification(
            AccountId=ACCOUNT, BudgetName="b", Notification=other
        )


def test_budget_update_changes_the_amount(aws: None) -> None:
    budgets = _client("budgets")
    _budget(budgets)
    budget = budgets.describe_budget(AccountId=ACCOUNT, BudgetName="b")["Budget"]
    budget["BudgetLimit"] = {"Amount": "7.00", "Unit": "USD"}
    budget.pop("CalculatedSpend")
    budgets.update_budget(AccountId=ACCOUNT, NewBudget=budget)
    assert (
        budgets.describe_budget(AccountId=ACCOUNT, BudgetName="b")["Budget"]["BudgetLimit"][
            "Amount"
        ]
        == "7.00"
    )


def test_budget_tags_from_create_and_tag_resource(aws: None) -> None:
    budgets = _client("budgets")
    _budget(budgets)
    arn = f"arn:aws:budgets::{ACCOUNT}:budget/b"
    assert budgets.list_tags_for_resource(ResourceARN=arn)["ResourceTags"] == [
        {"Key": "Project", "Value": "jitsi-ecs"}
    ]
    budgets.tag_resource(ResourceARN=arn, ResourceTags=[{"Key": "Stack", "Value": "jitsi"}])
    budgets.untag_resource(ResourceARN=arn, ResourceTagKeys=["Project"])
    assert budgets.list_tags_for_resource(ResourceARN=arn)["ResourceTags"] == [
        {"Key": "Stack", "Value": "jitsi"}
    ]


def test_budget_tags_go_with_a_reset() -> None:
    """The tag store lives on moto's backend, so moto's reset clears it with the budgets."""
    install()
    arn = f"arn:aws:budgets::{ACCOUNT}:budget/b"
    with mock_aws():
        _budget(_client("budgets"))
    with mock_aws():
        assert _client("budgets").list_tags_for_resource(ResourceARN=arn)["ResourceTags"] == []


def test_create_service_keeps_deployment_configuration(aws: None) -> None:
    ecs = _client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(
        family="f", containerDefinitions=[{"name": "x", "image": "i", "memory": 128}]
    )
    config = {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "maximumPercent": 100,
        "minimumHealthyPercent": 0,
        "alarms": {"alarmNames": ["a"], "enable": True, "rollback": True},
    }
    ecs.create_service(
        cluster="c",
        serviceName="s",
        taskDefinition="f",
        desiredCount=2,
        deploymentConfiguration=config,
        healthCheckGracePeriodSeconds=120,
        enableECSManagedTags=True,
    )
    service = ecs.describe_services(cluster="c", services=["s"])["services"][0]
    assert service["deploymentConfiguration"] == config
    assert service["healthCheckGracePeriodSeconds"] == 120
    assert service["enableECSManagedTags"] is True
    assert service["runningCount"] == 2
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"


def test_update_service_keeps_the_deployment_settings_it_does_not_name(aws: None) -> None:
    ecs = _client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(
        family="f", containerDefinitions=[{"name": "x", "image": "i", "memory": 128}]
    )
    ecs.create_service(
        cluster="c",
        serviceName="s",
        taskDefinition="f",
        desiredCount=1,
        deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": False, "rollback": False},
            "maximumPercent": 100,
            "minimumHealthyPercent": 0,
        },
    )
    breaker = {"enable": True, "rollback": True}
    ecs.update_service(
        cluster="c", service="s", deploymentConfiguration={"deploymentCircuitBreaker": breaker}
    )
    config = ecs.describe_services(cluster="c", services=["s"])["services"][0][
        "deploymentConfiguration"
    ]
    assert config["deploymentCircuitBreaker"] == breaker
    assert (config["maximumPercent"], config["minimumHealthyPercent"]) == (100, 0)


def test_create_service_keeps_the_capacity_provider_strategy(aws: None) -> None:
    """A Spot service (one task on demand, the rest on Spot) reads back as created."""
    ecs = _client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(
        family="f", containerDefinitions=[{"name": "x", "image": "i", "memory": 128}]
    )
    strategy = [
        {"capacityProvider": "FARGATE", "base": 1, "weight": 0},
        {"capacityProvider": "FARGATE_SPOT", "base": 0, "weight": 1},
    ]
    ecs.create_service(
        cluster="c",
        serviceName="s",
        taskDefinition="f",
        desiredCount=2,
        capacityProviderStrategy=strategy,
    )
    service = ecs.describe_services(cluster="c", services=["s"])["services"][0]
    assert service["capacityProviderStrategy"] == strategy
    assert "launchType" not in service


def test_security_group_rule_keeps_description_of_group_pair(aws: None) -> None:
    ec2 = _client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_security_group(GroupName="a", Description="a", VpcId=vpc)["GroupId"]
    b = ec2.create_security_group(GroupName="b", Description="b", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=a,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5280,
                "ToPort": 5280,
                "UserIdGroupPairs": [{"GroupId": b, "Description": "BOSH from web"}],
            }
        ],
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [a]}])[
        "SecurityGroupRules"
    ]
    assert [r.get("Description") for r in rules if not r["IsEgress"]] == ["BOSH from web"]


def test_deleting_a_namespace_removes_its_hosted_zone(aws: None) -> None:
    sd, route53, ec2 = _client("servicediscovery"), _client("route53"), _client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sd.create_private_dns_namespace(Name="jitsi.internal", Vpc=vpc)
    ns = sd.list_namespaces()["Namespaces"][0]["Id"]
    assert len(route53.list_hosted_zones()["HostedZones"]) == 1
    sd.delete_namespace(Id=ns)
    assert route53.list_hosted_zones()["HostedZones"] == []


def test_scalable_target_tags(aws: None) -> None:
    ecs = _client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(
        family="f", containerDefinitions=[{"name": "x", "image": "i", "memory": 128}]
    )
    ecs.create_service(cluster="c", serviceName="s", taskDefinition="f", desiredCount=1)
    autoscaling = _client("application-autoscaling")
    autoscaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/c/s",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=1,
        Tags={"Project": "jitsi-ecs"},
    )
    arn = autoscaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0][
        "ScalableTargetARN"
    ]
    assert autoscaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Project": "jitsi-ecs"}
    autoscaling.tag_resource(ResourceARN=arn, Tags={"Stack": "jitsi"})
    autoscaling.untag_resource(ResourceARN=arn, TagKeys=["Project"])
    assert autoscaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Stack": "jitsi"}


def test_revoking_an_unknown_rule_id_answers_like_aws(aws: None) -> None:
    ec2 = _client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="a", Description="a", VpcId=vpc)["GroupId"]
    with pytest.raises(ec2.exceptions.ClientError) as info:
        ec2.revoke_security_group_egress(
            GroupId=group, SecurityGroupRuleIds=["sgr-0123456789abcdef0"]
        )
    # the code the AWS provider takes as "already deleted"
    assert info.value.response["Error"]["Code"] == "InvalidSecurityGroupRuleId.NotFound"
    rule = ec2.authorize_security_group_egress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 1,
                "ToPort": 2,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            }
        ],
    )["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    ec2.revoke_security_group_egress(GroupId=group, SecurityGroupRuleIds=[rule])
    ids = [
        r["SecurityGroupRuleId"]
        for r in ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [group]}]
        )["SecurityGroupRules"]
    ]
    assert rule not in ids


def test_flow_logs_to_a_folder_of_an_existing_bucket(aws: None) -> None:
    ec2, s3 = _client("ec2"), _client("s3")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    s3.create_bucket(
        Bucket="jitsi-logs", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )

    def create(destination: str) -> dict[str, Any]:
        answer: dict[str, Any] = ec2.create_flow_logs(
            ResourceIds=[vpc],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="s3",
            LogDestination=destination,
        )
        return answer

    made = create("arn:aws:s3:::jitsi-logs/vpc/")
    assert not made["Unsuccessful"]
    described = ec2.describe_flow_logs(FlowLogIds=made["FlowLogIds"])["FlowLogs"][0]
    assert described["LogDestination"] == "arn:aws:s3:::jitsi-logs/vpc/"
    # a bucket that does not exist is still refused, folder or not
    assert create("arn:aws:s3:::missing/vpc/")["Unsuccessful"]


# ---------------------------------------------------------------- AWS-published layers, quotas


def test_the_pinned_adot_layer_resolves_and_a_function_keeps_it(aws: None) -> None:
    from jitsi_ecs.targets.adot_layers import layer_arn

    arn = layer_arn("us-west-2")
    assert arn is not None
    lam, iam = _client("lambda"), _client("iam")
    assert lam.get_layer_version_by_arn(Arn=arn)["LayerVersionArn"] == arn
    # another version, or the pinned one of another region, is not AWS's: refused
    for other in (arn.rsplit(":", 1)[0] + ":1", layer_arn("eu-west-1")):
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_layer_version_by_arn(Arn=other)
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam.create_function(
        FunctionName="auth",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
        Layers=[arn],
    )
    assert [x["Arn"] for x in lam.get_function(FunctionName="auth")["Configuration"]["Layers"]] == [
        arn
    ]
    lam.update_function_configuration(FunctionName="auth", Layers=[arn])
    layers = lam.get_function_configuration(FunctionName="auth")["Layers"]
    assert [x["Arn"] for x in layers] == [arn]


def test_fargate_vcpu_quota_default_then_applied(aws: None) -> None:
    sq = _client("service-quotas")
    default = sq.get_aws_default_service_quota(ServiceCode="fargate", QuotaCode="L-3032A538")
    assert default["Quota"]["Value"] == 6.0
    # never changed: no applied value, as AWS answers
    with pytest.raises(sq.exceptions.NoSuchResourceException):
        sq.get_service_quota(ServiceCode="fargate", QuotaCode="L-3032A538")
    sq.request_service_quota_increase(
        ServiceCode="fargate", QuotaCode="L-3032A538", DesiredValue=40.0
    )
    assert (
        sq.get_service_quota(ServiceCode="fargate", QuotaCode="L-3032A538")["Quota"]["Value"]
        == 40.0
    )
    with pytest.raises(sq.exceptions.NoSuchResourceException):
        sq.get_aws_default_service_quota(ServiceCode="fargate", QuotaCode="L-NOPE")
