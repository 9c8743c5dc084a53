"""What a stack could leave behind, read through boto3. Empty means nothing is left."""

from __future__ import annotations

from typing import Any

from jitsi_ecs.aws import AwsContext


def leftovers(aws: AwsContext, keep_zones: tuple[str, ...] = ()) -> dict[str, Any]:
    ecs, elb, ec2 = aws.client("ecs"), aws.client("elbv2"), aws.client("ec2")
    cw, logs = aws.client("cloudwatch"), aws.client("logs")
    clusters = ecs.list_clusters()["clusterArns"]
    account = aws.account_id()
    found: dict[str, Any] = {
        # ECS keeps deleted clusters as INACTIVE (so does AWS for a while): only ACTIVE counts.
        "clusters": [
            c["clusterName"]
            for c in ecs.describe_clusters(clusters=clusters)["clusters"]
            if c["status"] == "ACTIVE"
        ]
        if clusters
        else [],
        "task_definitions": ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"],
        "load_balancers": [
            lb["LoadBalancerName"] for lb in elb.describe_load_balancers()["LoadBalancers"]
        ],
        "target_groups": [
            tg["TargetGroupName"] for tg in elb.describe_target_groups()["TargetGroups"]
        ],
        "alarms": [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]],
        "dashboards": [d["DashboardName"] for d in cw.list_dashboards()["DashboardEntries"]],
        "topics": [t["TopicArn"] for t in aws.client("sns").list_topics()["Topics"]],
        "budgets": [
            b["BudgetName"]
            for b in aws.client("budgets").describe_budgets(AccountId=account).get("Budgets", [])
        ],
        "log_groups": [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]],
        "log_resource_policies": [
            p["policyName"] for p in logs.describe_resource_policies()["resourcePolicies"]
        ],
        "ssm_parameters": [
            p["Name"] for p in aws.client("ssm").describe_parameters()["Parameters"]
        ],
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")],
        "security_groups": [
            g["GroupId"]
            for g in ec2.describe_security_groups()["SecurityGroups"]
            if g["GroupName"] != "default"
        ],
        "roles": [r["RoleName"] for r in aws.client("iam").list_roles()["Roles"]],
        "policies": [
            p["PolicyName"] for p in aws.client("iam").list_policies(Scope="Local")["Policies"]
        ],
        "namespaces": [
            n["Name"] for n in aws.client("servicediscovery").list_namespaces()["Namespaces"]
        ],
        "hosted_zones": [
            z["Name"]
            for z in aws.client("route53").list_hosted_zones()["HostedZones"]
            if z["Name"] not in keep_zones
        ],
        "user_pools": [
            p["Name"] for p in aws.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
        ],
        "functions": [
            f["FunctionName"] for f in aws.client("lambda").list_functions()["Functions"]
        ],
        "certificates": [
            c["DomainName"] for c in aws.client("acm").list_certificates()["CertificateSummaryList"]
        ],
    }
    return {kind: items for kind, items in found.items() if items}
