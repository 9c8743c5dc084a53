"""What the deploying principal may do: the IAM policies `jitsi-ecs iam-policy` prints.

Computed from the config alone (no AWS call): every command of the tool (plan, up, verify,
status, link, members, secret, rotate-secrets, the drills, down) needs exactly these, for
this stack and no other. Each grant names the resources it covers wherever the service
supports resource-level permissions: the stack's name prefix (every resource the modules
make is called `<name>` or `<name>-...`, its parameters live under `/<name>/`), the region,
the account, the state bucket and the Route 53 zone. Actions that AWS authorises only on
`*` (Describe/List calls, creating things whose id AWS picks) get `*` and nothing more.

The policies are split by area so each stays under the 6,144 characters AWS allows a
customer-managed policy. The account is `--account`, else a wildcard.

How it is checked: parliament (no finding: every action exists and every resource matches
a type the action supports, and no action that supports resources is given `*`), and the
aws flow on the emulator with IAM enforced runs every command as a user holding only these.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jitsi_ecs.config import Config

# AWS's limit for a customer-managed policy, whitespace not counted.
MAX_POLICY_CHARS = 6144


@dataclass(frozen=True)
class Grant:
    """One statement: actions on resources (ARN templates, see Scope.arns)."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...] = ("*",)
    condition: dict[str, Any] | None = None


@dataclass(frozen=True)
class Scope:
    """What the templates are filled with."""

    name: str
    region: str
    account: str
    partition: str
    state_bucket: str
    zone_id: str | None
    log_groups: tuple[str, ...]
    oidc_secret_parameter: str | None

    def arns(self, template: str) -> list[str]:
        """A template filled in: {p} partition, {r} region, {a} account, {n} the stack's name,
        {bucket} the state bucket; {log} expands to each log group, {zone} to the zone (none
        without a zone), {oidc} to the OIDC client secret parameter (none without one)."""
        values = {
            "p": self.partition,
            "r": self.region,
            "a": self.account,
            "n": self.name,
            "bucket": self.state_bucket,
        }
        if "{log}" in template:
            return [template.format(**values, log=group) for group in self.log_groups]
        if "{zone}" in template:
            return [template.format(**values, zone=self.zone_id)] if self.zone_id else []
        if "{oidc}" in template:
            parameter = (self.oidc_secret_parameter or "").lstrip("/")
            return [template.format(**values, oidc=parameter)] if parameter else []
        return [template.format(**values)]


def _ec2(kind: str) -> str:
    return "arn:{p}:ec2:{r}:{a}:" + kind + "/*"


# The network the stack makes, as EC2 names its resource types (ids are AWS's choice).
_EC2_NETWORK = tuple(
    _ec2(kind)
    for kind in (
        "vpc",
        "subnet",
        "internet-gateway",
        "route-table",
        "security-group",
        "security-group-rule",
        "vpc-flow-log",
    )
)


def _ecs(kind: str) -> str:
    return "arn:{p}:ecs:{r}:{a}:" + kind


def _elb(kind: str) -> str:
    return "arn:{p}:elasticloadbalancing:{r}:{a}:" + kind


# ---------------------------------------------------------------------------- the catalog
# Grouped into policies by area; within a policy, one statement per kind of resource.
POLICIES: dict[str, tuple[Grant, ...]] = {
    "state": (
        Grant(
            "StateBucket",
            (
                "s3:CreateBucket",
                "s3:ListBucket",
                "s3:GetBucketVersioning",
                "s3:PutBucketVersioning",
                "s3:GetEncryptionConfiguration",
                "s3:PutEncryptionConfiguration",
                "s3:GetBucketPublicAccessBlock",
                "s3:PutBucketPublicAccessBlock",
                "s3:GetBucketPolicy",
                "s3:PutBucketPolicy",
                "s3:GetLifecycleConfiguration",
                "s3:PutLifecycleConfiguration",
            ),
            ("arn:{p}:s3:::{bucket}",),
        ),
        Grant(
            # The state and its lock file (`<name>/terraform.tfstate[.tflock]`). Whoever may
            # put the bucket's policy may grant itself any object in it: the objects are
            # given for the whole bucket rather than pretend to a narrower scope.
            "StateObjects",
            ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
            ("arn:{p}:s3:::{bucket}/*",),
        ),
        Grant(
            "AccountChecks",
            (
                "sts:GetCallerIdentity",
                "ec2:DescribeRegions",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeAccountAttributes",
                "servicequotas:GetAWSDefaultServiceQuota",
                "servicequotas:GetServiceQuota",
                "pricing:GetProducts",
                "ssm:DescribeParameters",
            ),
        ),
        Grant(
            # AWS's public parameters (regions, services): owned by no account, and the
            # preflight reads them in the partition's home region (us-east-1 for aws).
            "PublicParameters",
            ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"),
            ("arn:{p}:ssm:*:*:parameter/aws/service/*",),
        ),
    ),
    "network": (
        Grant(
            "Ec2Read",
            (
                "ec2:DescribeVpcs",
                "ec2:DescribeSubnets",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeRouteTables",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSecurityGroupRules",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeNetworkAcls",
                "ec2:DescribeFlowLogs",
                "ec2:DescribeTags",
                "ec2:DescribePrefixLists",
            ),
        ),
        Grant(
            "Ec2Create",
            (
                "ec2:CreateVpc",
                "ec2:CreateSubnet",
                "ec2:CreateInternetGateway",
                "ec2:CreateRouteTable",
                "ec2:CreateSecurityGroup",
                "ec2:CreateFlowLogs",
                "ec2:CreateTags",
            ),
            _EC2_NETWORK,
        ),
        Grant(
            "Ec2Change",
            (
                "ec2:DescribeVpcAttribute",
                "ec2:ModifyVpcAttribute",
                "ec2:ModifySubnetAttribute",
                "ec2:AttachInternetGateway",
                "ec2:DetachInternetGateway",
                "ec2:CreateRoute",
                "ec2:ReplaceRoute",
                "ec2:DeleteRoute",
                "ec2:AssociateRouteTable",
                "ec2:DisassociateRouteTable",
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:AuthorizeSecurityGroupEgress",
                "ec2:RevokeSecurityGroupIngress",
                "ec2:RevokeSecurityGroupEgress",
                "ec2:ModifySecurityGroupRules",
                "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
                "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
                "ec2:DeleteTags",
                "ec2:DeleteVpc",
                "ec2:DeleteSubnet",
                "ec2:DeleteInternetGateway",
                "ec2:DeleteRouteTable",
                "ec2:DeleteSecurityGroup",
                "ec2:DeleteFlowLogs",
            ),
            _EC2_NETWORK,
        ),
        Grant(
            "FlowLogDelivery",
            (
                "logs:CreateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:GetLogDelivery",
                "logs:ListLogDeliveries",
            ),
        ),
        Grant(
            "LogBucket",
            (
                "s3:CreateBucket",
                "s3:DeleteBucket",
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:GetBucket*",
                "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutBucketOwnershipControls",
                "s3:PutBucketTagging",
                "s3:PutBucketVersioning",
                "s3:GetAccelerateConfiguration",
                "s3:GetEncryptionConfiguration",
                "s3:PutEncryptionConfiguration",
                "s3:GetLifecycleConfiguration",
                "s3:PutLifecycleConfiguration",
                "s3:GetReplicationConfiguration",
            ),
            ("arn:{p}:s3:::{n}-logs-{a}-{r}",),
        ),
        Grant(
            # Emptied on destroy; readable by its owner (who may set the bucket policy anyway).
            "LogObjects",
            ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"),
            ("arn:{p}:s3:::{n}-logs-{a}-{r}/*",),
        ),
    ),
    "compute": (
        Grant(
            "EcsRead",
            (
                "ecs:DescribeTaskDefinition",
                "ecs:ListTaskDefinitions",
                "ecs:DeregisterTaskDefinition",
                "ecs:ListClusters",
                "ecs:ListServices",
            ),
        ),
        Grant(
            "EcsCluster",
            (
                "ecs:CreateCluster",
                "ecs:DeleteCluster",
                "ecs:DescribeClusters",
                "ecs:UpdateCluster",
                "ecs:UpdateClusterSettings",
                "ecs:PutClusterCapacityProviders",
                "ecs:TagResource",
                "ecs:UntagResource",
                "ecs:ListTagsForResource",
            ),
            (_ecs("cluster/{n}"),),
        ),
        Grant(
            "EcsServices",
            (
                "ecs:CreateService",
                "ecs:UpdateService",
                "ecs:DeleteService",
                "ecs:DescribeServices",
                "ecs:TagResource",
                "ecs:UntagResource",
                "ecs:ListTagsForResource",
                "ecs:ListTasks",
                "ecs:DescribeTasks",
                "ecs:RegisterTaskDefinition",
            ),
            (
                _ecs("service/{n}/*"),
                _ecs("task/{n}/*"),
                _ecs("task-definition/{n}-*:*"),
                _ecs("container-instance/{n}/*"),
            ),
        ),
        Grant(
            "LoadBalancersRead",
            (
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeCapacityReservation",
            ),
        ),
        Grant(
            "LoadBalancers",
            (
                "elasticloadbalancing:CreateLoadBalancer",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:CreateTargetGroup",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:RegisterTargets",
                "elasticloadbalancing:DeregisterTargets",
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
                "elasticloadbalancing:AddTags",
                "elasticloadbalancing:RemoveTags",
            ),
            (
                _elb("loadbalancer/app/{n}/*"),
                _elb("loadbalancer/net/{n}-*/*"),
                _elb("targetgroup/{n}-*/*"),
                _elb("listener/app/{n}/*/*"),
                _elb("listener/net/{n}-*/*/*"),
                _elb("listener-rule/app/{n}/*/*/*"),
                _elb("listener-rule/net/{n}-*/*/*/*"),
            ),
        ),
        Grant(
            "AutoscalingRead",
            (
                "application-autoscaling:DescribeScalableTargets",
                "application-autoscaling:DescribeScalingPolicies",
                "application-autoscaling:DescribeScheduledActions",
                "application-autoscaling:DescribeScalingActivities",
            ),
        ),
        Grant(
            "Autoscaling",
            (
                "application-autoscaling:RegisterScalableTarget",
                "application-autoscaling:DeregisterScalableTarget",
                "application-autoscaling:PutScalingPolicy",
                "application-autoscaling:DeleteScalingPolicy",
                "application-autoscaling:PutScheduledAction",
                "application-autoscaling:DeleteScheduledAction",
                "application-autoscaling:TagResource",
                "application-autoscaling:UntagResource",
                "application-autoscaling:ListTagsForResource",
            ),
            ("arn:{p}:application-autoscaling:{r}:{a}:scalable-target/*",),
        ),
        Grant(
            "CloudMapRead",
            (
                "servicediscovery:CreatePrivateDnsNamespace",
                "servicediscovery:GetOperation",
                "servicediscovery:ListNamespaces",
                "servicediscovery:ListServices",
                "servicediscovery:ListOperations",
                "servicediscovery:ListInstances",
                "servicediscovery:TagResource",
                "servicediscovery:UntagResource",
                "servicediscovery:ListTagsForResource",
            ),
        ),
        Grant(
            "CloudMap",
            (
                "servicediscovery:GetNamespace",
                "servicediscovery:DeleteNamespace",
                "servicediscovery:CreateService",
                "servicediscovery:GetService",
                "servicediscovery:UpdateService",
                "servicediscovery:DeleteService",
            ),
            (
                "arn:{p}:servicediscovery:{r}:{a}:namespace/*",
                "arn:{p}:servicediscovery:{r}:{a}:service/*",
            ),
        ),
        Grant(
            # Cloud Map makes the private namespace's hosted zone with the caller's rights.
            "CloudMapZone",
            (
                "route53:CreateHostedZone",
                "route53:ListHostedZonesByName",
                "route53:ListHostedZones",
            ),
        ),
        Grant(
            # ... and deletes it with the namespace (its id is AWS's choice).
            "CloudMapZoneDelete",
            ("route53:GetHostedZone", "route53:DeleteHostedZone"),
            ("arn:{p}:route53:::hostedzone/*",),
        ),
    ),
    "identity": (
        Grant(
            "Roles",
            (
                "iam:CreateRole",
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:UpdateRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
                "iam:PutRolePolicy",
                "iam:GetRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
            ),
            ("arn:{p}:iam::{a}:role/{n}-*",),
        ),
        Grant(
            "PassRoles",
            ("iam:PassRole",),
            ("arn:{p}:iam::{a}:role/{n}-*",),
            {
                "StringEquals": {
                    "iam:PassedToService": [
                        "ecs-tasks.amazonaws.com",
                        "lambda.amazonaws.com",
                        "scheduler.amazonaws.com",
                        "events.amazonaws.com",
                    ]
                }
            },
        ),
        Grant(
            "Policies",
            (
                "iam:CreatePolicy",
                "iam:DeletePolicy",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListPolicyVersions",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:TagPolicy",
                "iam:UntagPolicy",
                "iam:ListEntitiesForPolicy",
            ),
            ("arn:{p}:iam::{a}:policy/{n}-*",),
        ),
        Grant(
            # ECS, the load balancers and service autoscaling each need their role once per
            # account; AWS creates it on first use with the caller's rights.
            "ServiceLinkedRoles",
            ("iam:CreateServiceLinkedRole",),
            ("arn:{p}:iam::{a}:role/aws-service-role/*",),
            {
                "StringEquals": {
                    "iam:AWSServiceName": [
                        "ecs.amazonaws.com",
                        "elasticloadbalancing.amazonaws.com",
                        "ecs.application-autoscaling.amazonaws.com",
                    ]
                }
            },
        ),
        Grant(
            "UserPoolCreate",
            (
                "cognito-idp:CreateUserPool",
                "cognito-idp:ListUserPools",
                "cognito-idp:DescribeUserPoolDomain",
            ),
        ),
        Grant(
            "UserPool",
            (
                "cognito-idp:DeleteUserPool",
                "cognito-idp:DescribeUserPool",
                "cognito-idp:UpdateUserPool",
                "cognito-idp:GetUserPoolMfaConfig",
                "cognito-idp:SetUserPoolMfaConfig",
                "cognito-idp:CreateUserPoolClient",
                "cognito-idp:DescribeUserPoolClient",
                "cognito-idp:UpdateUserPoolClient",
                "cognito-idp:DeleteUserPoolClient",
                "cognito-idp:CreateUserPoolDomain",
                "cognito-idp:UpdateUserPoolDomain",
                "cognito-idp:DeleteUserPoolDomain",
                "cognito-idp:TagResource",
                "cognito-idp:UntagResource",
                "cognito-idp:ListTagsForResource",
                "cognito-idp:AdminCreateUser",
                "cognito-idp:AdminDeleteUser",
                "cognito-idp:AdminGetUser",
                "cognito-idp:ListUsers",
            ),
            ("arn:{p}:cognito-idp:{r}:{a}:userpool/*",),
        ),
        Grant(
            # auth.login_rate_limit's web ACL, <name>-login-rate-limit, on the user pool (AWS
            # asks both services, each on the ACL or the pool); verify reads it back.
            "LoginRateLimit",
            (
                "cognito-idp:AssociateWebACL",
                "cognito-idp:DisassociateWebACL",
                "cognito-idp:GetWebACLForResource",
                "cognito-idp:ListResourcesForWebACL",
                "wafv2:CreateWebACL",
                "wafv2:GetWebACL",
                "wafv2:UpdateWebACL",
                "wafv2:DeleteWebACL",
                "wafv2:ListTagsForResource",
                "wafv2:TagResource",
                "wafv2:UntagResource",
                "wafv2:AssociateWebACL",
                "wafv2:DisassociateWebACL",
                "wafv2:GetWebACLForResource",
                "wafv2:ListResourcesForWebACL",
            ),
            (
                "arn:{p}:wafv2:{r}:{a}:regional/webacl/{n}-*/*",
                "arn:{p}:cognito-idp:{r}:{a}:userpool/*",
            ),
        ),
        Grant(
            "Parameters",
            (
                "ssm:PutParameter",
                "ssm:GetParameter",
                "ssm:GetParameters",
                "ssm:DeleteParameter",
                "ssm:DeleteParameters",
                "ssm:AddTagsToResource",
                "ssm:RemoveTagsFromResource",
                "ssm:ListTagsForResource",
            ),
            ("arn:{p}:ssm:{r}:{a}:parameter/{n}/*", "arn:{p}:ssm:{r}:{a}:parameter/{oidc}"),
        ),
        Grant(
            "CertificateCreate",
            ("acm:RequestCertificate", "acm:ListCertificates"),
        ),
        Grant(
            "Certificates",
            (
                "acm:DescribeCertificate",
                "acm:DeleteCertificate",
                "acm:ListTagsForCertificate",
                "acm:AddTagsToCertificate",
                "acm:RemoveTagsFromCertificate",
            ),
            ("arn:{p}:acm:{r}:{a}:certificate/*",),
        ),
        Grant(
            "Zone",
            (
                "route53:GetHostedZone",
                "route53:ListResourceRecordSets",
                "route53:ChangeResourceRecordSets",
            ),
            ("arn:{p}:route53:::hostedzone/{zone}",),
        ),
        Grant("ZoneChanges", ("route53:GetChange",), ("arn:{p}:route53:::change/*",)),
    ),
    "observability": (
        Grant(
            "LogsRead",
            ("logs:DescribeLogGroups", "logs:DescribeResourcePolicies"),
        ),
        Grant(
            "LogsResourcePolicy",
            ("logs:PutResourcePolicy", "logs:DeleteResourcePolicy"),
        ),
        Grant(
            "LogGroups",
            (
                "logs:CreateLogGroup",
                "logs:DeleteLogGroup",
                "logs:PutRetentionPolicy",
                "logs:DeleteRetentionPolicy",
                "logs:TagResource",
                "logs:UntagResource",
                "logs:ListTagsForResource",
                "logs:ListTagsLogGroup",
                "logs:TagLogGroup",
                "logs:CreateLogStream",
                "logs:DeleteLogStream",
                "logs:DescribeLogStreams",
                "logs:GetLogEvents",
                "logs:FilterLogEvents",
            ),
            ("arn:{p}:logs:{r}:{a}:log-group:{log}:*", "arn:{p}:logs:{r}:{a}:log-group:{log}"),
        ),
        Grant(
            "MetricsRead",
            (
                "cloudwatch:GetMetricStatistics",
                "cloudwatch:GetMetricData",
                "cloudwatch:ListMetrics",
            ),
        ),
        Grant(
            # Read by name, across the account's alarms of the region (IAM knows no prefix
            # for a DescribeAlarms without names).
            "AlarmsRead",
            ("cloudwatch:DescribeAlarms",),
            ("arn:{p}:cloudwatch:{r}:{a}:alarm:*",),
        ),
        Grant(
            "Alarms",
            (
                "cloudwatch:PutMetricAlarm",
                "cloudwatch:DeleteAlarms",
                "cloudwatch:SetAlarmState",
                "cloudwatch:TagResource",
                "cloudwatch:UntagResource",
                "cloudwatch:ListTagsForResource",
            ),
            (
                "arn:{p}:cloudwatch:{r}:{a}:alarm:{n}-*",
                # Target tracking names its alarms after the scalable target.
                "arn:{p}:cloudwatch:{r}:{a}:alarm:TargetTracking-service/{n}/*",
            ),
        ),
        Grant(
            "Dashboard",
            ("cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"),
            ("arn:{p}:cloudwatch::{a}:dashboard/{n}",),
        ),
        Grant(
            "Topics",
            (
                "sns:CreateTopic",
                "sns:DeleteTopic",
                "sns:GetTopicAttributes",
                "sns:SetTopicAttributes",
                "sns:Subscribe",
                "sns:ListSubscriptionsByTopic",
                "sns:TagResource",
                "sns:UntagResource",
                "sns:ListTagsForResource",
            ),
            ("arn:{p}:sns:{r}:{a}:{n}-*",),
        ),
        Grant(
            # A subscription's ARN is its topic's plus an id; IAM authorises these on `*`.
            "Subscriptions",
            ("sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"),
        ),
        Grant(
            "DrillQueue",
            (
                "sqs:CreateQueue",
                "sqs:DeleteQueue",
                "sqs:GetQueueAttributes",
                "sqs:SetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
            ),
            ("arn:{p}:sqs:{r}:{a}:jitsi-ecs-drill-*",),
        ),
        Grant(
            "Budgets",
            (
                "budgets:ViewBudget",
                "budgets:ModifyBudget",
                "budgets:TagResource",
                "budgets:UntagResource",
                "budgets:ListTagsForResource",
            ),
            ("arn:{p}:budgets::{a}:budget/{n}-*",),
        ),
        Grant(
            "Rules",
            (
                "events:PutRule",
                "events:DeleteRule",
                "events:DescribeRule",
                "events:EnableRule",
                "events:DisableRule",
                "events:PutTargets",
                "events:RemoveTargets",
                "events:ListTargetsByRule",
                "events:TagResource",
                "events:UntagResource",
                "events:ListTagsForResource",
            ),
            ("arn:{p}:events:{r}:{a}:rule/{n}-*",),
        ),
        Grant(
            "Schedules",
            (
                "scheduler:CreateSchedule",
                "scheduler:UpdateSchedule",
                "scheduler:DeleteSchedule",
                "scheduler:GetSchedule",
            ),
            ("arn:{p}:scheduler:{r}:{a}:schedule/default/{n}-*",),
        ),
        Grant(
            "Functions",
            (
                "lambda:CreateFunction",
                "lambda:DeleteFunction",
                "lambda:GetFunction",
                "lambda:GetFunctionConfiguration",
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
                "lambda:ListVersionsByFunction",
                "lambda:GetFunctionCodeSigningConfig",
                "lambda:GetFunctionConcurrency",
                "lambda:PutFunctionConcurrency",
                "lambda:DeleteFunctionConcurrency",
                "lambda:AddPermission",
                "lambda:RemovePermission",
                "lambda:GetPolicy",
                "lambda:TagResource",
                "lambda:UntagResource",
                "lambda:ListTags",
                "lambda:InvokeFunction",
            ),
            ("arn:{p}:lambda:{r}:{a}:function:{n}-*",),
        ),
        Grant(
            # The AWS-published ADOT layer the /auth/ function runs with (another account's).
            "AdotLayer",
            ("lambda:GetLayerVersion",),
            ("arn:{p}:lambda:{r}:*:layer:AWSOpenTelemetryDistroPython:*",),
        ),
    ),
}


def _scope(config: Config, account: str) -> Scope:
    from jitsi_ecs.targets.aws import state_bucket_name

    partition = (
        "aws-cn"
        if config.region.startswith("cn-")
        else "aws-us-gov"
        if "-gov-" in config.region
        else "aws"
    )
    oidc = config.auth.oidc.client_secret_parameter if config.auth.oidc else None
    return Scope(
        name=config.name,
        region=config.region,
        account=account,
        partition=partition,
        state_bucket=state_bucket_name(account, config.region),
        zone_id=config.route53_zone_id,
        log_groups=(
            config.observability.log_group_name,
            f"/aws/lambda/{config.name}-*",
        ),
        oidc_secret_parameter=oidc,
    )


def _statement(grant: Grant, scope: Scope) -> dict[str, Any] | None:
    resources = sorted({arn for template in grant.resources for arn in scope.arns(template)})
    if not resources:
        return None  # every resource it covers is absent from this config (no zone, no OIDC)
    statement: dict[str, Any] = {
        "Sid": grant.sid,
        "Effect": "Allow",
        "Action": sorted(set(grant.actions)),
        "Resource": resources[0] if len(resources) == 1 else resources,
    }
    if grant.condition:
        statement["Condition"] = grant.condition
    return statement


def document(grants: Iterable[Grant], scope: Scope) -> dict[str, Any]:
    statements = [s for g in grants if (s := _statement(g, scope))]
    return {"Version": "2012-10-17", "Statement": statements}


def policies(config: Config, account: str = "*") -> list[dict[str, Any]]:
    """The policies for config: [{"name": ..., "document": {...}}], each small enough for a
    customer-managed policy."""
    scope = _scope(config, account)
    return [
        {"name": f"{config.name}-deploy-{area}", "document": document(grants, scope)}
        for area, grants in POLICIES.items()
    ]


def size(doc: dict[str, Any]) -> int:
    """Characters AWS counts against a policy's limit (whitespace is not counted)."""
    return len(json.dumps(doc, separators=(",", ":")))
