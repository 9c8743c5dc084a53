"""A small but real deployment in moto, built with boto3 the way the Terraform modules build it,
and the StackOutputs that point at it. Each check group's tests build only what the group
reads; `deploy_all` builds everything for run_checks and the CLI.

The defaults of `Config()` are what these resources match, with one route ("api") and two
budgets so that routes and budget keys are exercised without creating five of each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.verify.observability import DASHBOARD_METRICS, JITSI_METRICS
from jitsi_ecs.verify.result import Check, VerifyContext

ACCOUNT = "123456789012"
REGION = "us-west-2"
NAME = "jitsi"
ROUTE = {"api": {"path_patterns": ["/api/v1/*"], "priority": 40, "port": 8004}}
CONFIG = Config.model_validate({"routes": ROUTE, "budgets": {"limits": [5, 20]}})
# The same config as a jitsi-ecs.toml, for the CLI.
CONFIG_TOML = """\
[budgets]
limits = [5, 20]

[routes.api]
path_patterns = ["/api/v1/*"]
priority = 40
port = 8004
"""
SERVICES = {"web": "web", "xmpp": "xmpp", "jvb": "jvb"}
CONTAINERS = {"web": ["web"], "xmpp": ["prosody", "jicofo"], "jvb": ["jvb"]}
DESIRED = {"web": 3, "xmpp": 1, "jvb": 1}
DEPLOYMENT_ALARMS = [f"{NAME}-target-5xx", f"{NAME}-elb-5xx"]
ALARM_KINDS = (
    "target-5xx",
    "elb-5xx",
    "unhealthy-hosts",
    "p99-latency",
    "web-running-tasks",
    "xmpp-running-tasks",
    "jvb-running-tasks",
    "bridge-stress",
    "no-bridge",
    "jicofo-unhealthy",
)
ALARM_NAMES = {kind: f"{NAME}-{kind}" for kind in ALARM_KINDS}
# Outputs of a group that was not built point at nothing.
NOWHERE = f"arn:aws:sns:{REGION}:{ACCOUNT}:nothing"


@dataclass
class Deployed:
    """What has been built so far, and the outputs Terraform would report for it."""

    aws: AwsContext
    config: Config = CONFIG
    outputs: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # network ids for later steps

    def stack_outputs(self) -> StackOutputs:
        base: dict[str, Any] = {
            "url": f"https://{self.config.domain}",
            "alb_arn": "",
            "https_listener_arn": "",
            "http_listener_arn": "",
            "web_target_group_arn": "",
            "route_target_group_arns": {},
            "cluster_name": NAME,
            "service_names": dict(SERVICES),
            "service_containers": {k: list(v) for k, v in CONTAINERS.items()},
            "desired_counts": dict(DESIRED),
            "deployment_alerts_topic_arn": NOWHERE,
            "budget_alerts_topic_arn": NOWHERE,
            "alarm_names": dict(ALARM_NAMES),
            "deployment_alarm_names": list(DEPLOYMENT_ALARMS),
            "budget_names": {"5": f"{NAME}-monthly-5usd", "20": f"{NAME}-monthly-20usd"},
            "log_group_name": self.config.observability.log_group_name,
            "dashboard_name": NAME,
            "web_port": 80,
            "telemetry_function_name": f"{NAME}-telemetry",
            "telemetry_schedule_rule_name": f"{NAME}-telemetry",
        }
        return StackOutputs.parse({**base, **self.outputs})

    def context(self, config: Config | None = None, **outputs: Any) -> VerifyContext:
        """The verify context, optionally with another config or outputs changed."""
        parsed = self.stack_outputs()
        if outputs:
            parsed = parsed.model_copy(update=outputs)
        return VerifyContext(config or self.config, self.aws, parsed)


def by_id(checks: Any) -> dict[str, Check]:
    found: dict[str, Check] = {}
    for check in checks:
        assert check.id not in found, f"check id {check.id} repeated"
        found[check.id] = check
    return found


def failed(checks: dict[str, Check]) -> set[str]:
    return {i for i, c in checks.items() if c.status == "fail"}


# ---------------------------------------------------------------- network


def network(d: Deployed) -> Deployed:
    """The stack's VPC and two public subnets (security groups come with `group`)."""
    if "vpc" in d.ids:
        return d
    ec2 = d.aws.ec2
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=f"{REGION}{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in enumerate("ab")
    ]
    d.ids["vpc"] = vpc
    d.ids["subnets"] = ",".join(subnets)
    return d


def group(d: Deployed, role: str) -> str:
    """The security group of alb, web, xmpp, jvb or collector, made on first use."""
    key = f"sg-{role}"
    if key not in d.ids:
        network(d)
        d.ids[key] = d.aws.ec2.create_security_group(
            GroupName=f"{NAME}-{role}", Description=role, VpcId=d.ids["vpc"]
        )["GroupId"]
    return d.ids[key]


def subnets(d: Deployed) -> list[str]:
    return d.ids["subnets"].split(",")


# ---------------------------------------------------------------- edge


def edge(d: Deployed) -> Deployed:
    network(d)
    elb, tg_check = d.aws.elbv2, d.config.health_check.target_group
    # An IAM server certificate (ALBs take those too): moto's ACM makes an RSA key for each
    # certificate, a quarter of a second, and the check reads only that the listener has one.
    cert = d.aws.iam.upload_server_certificate(
        ServerCertificateName=NAME, CertificateBody="test", PrivateKey="test"
    )["ServerCertificateMetadata"]["Arn"]
    alb = elb.create_load_balancer(
        Name=NAME, Subnets=subnets(d), SecurityGroups=[group(d, "alb")], Type="application"
    )["LoadBalancers"][0]["LoadBalancerArn"]

    def target_group(name: str, port: int, path: str) -> str:
        return str(
            elb.create_target_group(
                Name=name,
                Protocol="HTTP",
                Port=port,
                VpcId=d.ids["vpc"],
                TargetType="ip",
                HealthCheckPath=path,
                HealthCheckIntervalSeconds=tg_check.interval,
                HealthCheckTimeoutSeconds=tg_check.timeout,
                HealthyThresholdCount=tg_check.healthy_threshold,
                UnhealthyThresholdCount=tg_check.unhealthy_threshold,
            )["TargetGroups"][0]["TargetGroupArn"]
        )

    web_tg = target_group(f"{NAME}-web", 80, tg_check.path)
    api_tg = target_group(f"{NAME}-api", 8004, d.config.routes["api"].health_path)
    https = elb.create_listener(
        LoadBalancerArn=alb,
        Port=443,
        Protocol="HTTPS",
        SslPolicy=d.config.ssl_policy,
        Certificates=[{"CertificateArn": cert}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": web_tg}],
    )["Listeners"][0]["ListenerArn"]
    http = elb.create_listener(
        LoadBalancerArn=alb,
        Port=80,
        Protocol="HTTP",
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )["Listeners"][0]["ListenerArn"]
    route = d.config.routes["api"]
    elb.create_rule(
        ListenerArn=https,
        Priority=route.priority,
        Conditions=[
            {"Field": "path-pattern", "PathPatternConfig": {"Values": route.path_patterns}}
        ],
        Actions=[{"Type": "forward", "TargetGroupArn": api_tg}],
    )
    d.outputs.update(
        alb_arn=alb,
        https_listener_arn=https,
        http_listener_arn=http,
        web_target_group_arn=web_tg,
        route_target_group_arns={"api": api_tg},
    )
    return d


# ---------------------------------------------------------------- ecs


def container(d: Deployed, name: str, probe: str, **extra: Any) -> dict[str, Any]:
    """A container as the jitsi module defines it (health check, logs, secrets from SSM)."""
    hc = d.config.health_check.container
    secrets = {
        "web": [],
        "prosody": ["JICOFO_AUTH_PASSWORD", "JVB_AUTH_PASSWORD", "JWT_APP_SECRET"],
        "jicofo": ["JICOFO_AUTH_PASSWORD"],
        "jvb": ["JVB_AUTH_PASSWORD"],
    }[name]
    return {
        "name": name,
        "image": f"jitsi/{name}:stable-11031",
        "essential": True,
        "environment": [{"name": "XMPP_SERVER", "value": f"xmpp.{NAME}.internal"}],
        "secrets": [
            {"name": s, "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{NAME}/{s}"}
            for s in secrets
        ],
        "healthCheck": {
            "command": ["CMD-SHELL", f"curl -fsS -o /dev/null http://{probe} || exit 1"],
            "interval": hc.interval,
            "timeout": hc.timeout,
            "retries": hc.retries,
            "startPeriod": hc.start_period,
        },
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": d.config.observability.log_group_name,
                "awslogs-region": REGION,
                "awslogs-stream-prefix": name,
            },
        },
        **extra,
    }


def containers(d: Deployed, service: str) -> list[dict[str, Any]]:
    probes = {
        "web": "127.0.0.1:80/",
        "prosody": "127.0.0.1:5280/health",
        "jicofo": "127.0.0.1:8888/about/version",
        "jvb": "127.0.0.1:8080/about/health",
    }
    return [container(d, name, probes[name]) for name in CONTAINERS[service]]


def register(d: Deployed, service: str, defs: list[dict[str, Any]]) -> str:
    return str(
        d.aws.ecs.register_task_definition(
            family=f"{NAME}-{service}",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="512",
            memory="1024",
            containerDefinitions=defs,
        )["taskDefinition"]["taskDefinitionArn"]
    )


def deployment_configuration(service: str) -> dict[str, Any]:
    signaling = service == "xmpp"
    return {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "alarms": {"alarmNames": list(DEPLOYMENT_ALARMS), "enable": True, "rollback": True},
        "minimumHealthyPercent": 0 if signaling else 100,
        "maximumPercent": 100 if signaling else 200,
    }


def ecs(d: Deployed) -> Deployed:
    """The cluster, a task definition per service and the services; in the network's groups
    when the network was built (telemetry reads them), else without network configuration."""
    ecs_ = d.aws.ecs
    ecs_.create_cluster(clusterName=NAME)
    arns = {}
    for service in SERVICES:
        arns[service] = register(d, service, containers(d, service))
        ecs_.create_service(
            cluster=NAME,
            serviceName=SERVICES[service],
            taskDefinition=arns[service],
            desiredCount=DESIRED[service],
            launchType="FARGATE",
            healthCheckGracePeriodSeconds=d.config.health_check.grace_period,
            deploymentConfiguration=deployment_configuration(service),
            **network_configuration(d, service),
        )
    d.outputs["task_definition_arns"] = arns
    return d


def network_configuration(d: Deployed, service: str) -> dict[str, Any]:
    if "vpc" not in d.ids:
        return {}
    awsvpc = {
        "subnets": subnets(d),
        "securityGroups": [group(d, service)],
        "assignPublicIp": "ENABLED",
    }
    return {"networkConfiguration": {"awsvpcConfiguration": awsvpc}}


def update_service(d: Deployed, service: str, **changes: Any) -> None:
    d.aws.ecs.update_service(cluster=NAME, service=SERVICES[service], **changes)


def redeploy(d: Deployed, service: str, defs: list[dict[str, Any]]) -> None:
    """A new revision of the service's task definition, deployed (drift behind Terraform)."""
    update_service(d, service, taskDefinition=register(d, service, defs))


# ---------------------------------------------------------------- alerting


def alarm(d: Deployed, kind: str, **override: Any) -> None:
    """put_metric_alarm for one kind, as the alarms and telemetry modules define it."""
    cfg = d.config.alarms
    topic = d.outputs["deployment_alerts_topic_arn"]
    common: dict[str, Any] = {
        "AlarmName": ALARM_NAMES[kind],
        "EvaluationPeriods": 3,
        "AlarmActions": [topic],
        "OKActions": [topic],
    }
    alb_dims = [{"Name": "LoadBalancer", "Value": f"app/{NAME}/0123456789abcdef"}]
    alb = {
        "Namespace": "AWS/ApplicationELB",
        "Period": cfg.period,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "Dimensions": alb_dims,
    }
    jitsi = {"Namespace": d.config.observability.metric_namespace, "Period": 60}
    telemetry = d.config.telemetry
    shapes: dict[str, dict[str, Any]] = {
        "target-5xx": {
            **alb,
            "MetricName": "HTTPCode_Target_5XX_Count",
            "Statistic": "Sum",
            "Threshold": cfg.target_5xx_threshold,
        },
        "elb-5xx": {
            **alb,
            "MetricName": "HTTPCode_ELB_5XX_Count",
            "Statistic": "Sum",
            "Threshold": cfg.elb_5xx_threshold,
        },
        "unhealthy-hosts": {
            **alb,
            "MetricName": "UnHealthyHostCount",
            "Statistic": "Maximum",
            "Threshold": 0.0,
        },
        "p99-latency": {
            **alb,
            "MetricName": "TargetResponseTime",
            "ExtendedStatistic": "p99",
            "Threshold": cfg.p99_latency_seconds,
        },
        "bridge-stress": {
            **jitsi,
            "MetricName": "Stress",
            "Statistic": "Maximum",
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "Threshold": telemetry.stress_threshold,
        },
        "no-bridge": {
            **jitsi,
            "MetricName": "OperationalBridges",
            "Statistic": "Minimum",
            "ComparisonOperator": "LessThanThreshold",
            "TreatMissingData": "breaching",
            "Threshold": 1.0,
        },
        "jicofo-unhealthy": {
            **jitsi,
            "MetricName": "SourceUp",
            "Statistic": "Minimum",
            "ComparisonOperator": "LessThanThreshold",
            "TreatMissingData": "breaching",
            "Threshold": 1.0,
        },
    }
    if kind.endswith("-running-tasks"):
        service = kind.removesuffix("-running-tasks")
        dims = [
            {"Name": "ClusterName", "Value": NAME},
            {"Name": "ServiceName", "Value": SERVICES[service]},
        ]
        shape: dict[str, Any] = {
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "breaching",
            "Threshold": 0.0,
            "Metrics": [
                {"Id": "missing", "Expression": "desired - running", "ReturnData": True},
                *(
                    {
                        "Id": metric_id,
                        "ReturnData": False,
                        "MetricStat": {
                            "Metric": {
                                "Namespace": "ECS/ContainerInsights",
                                "MetricName": metric,
                                "Dimensions": dims,
                            },
                            "Period": cfg.period,
                            "Stat": "Average",
                        },
                    }
                    for metric_id, metric in (
                        ("running", "RunningTaskCount"),
                        ("desired", "DesiredTaskCount"),
                    )
                ),
            ],
        }
    else:
        shape = shapes[kind]
    d.aws.cloudwatch.put_metric_alarm(**{**common, **shape, **override})


def topic(d: Deployed, name: str, publisher: str) -> str:
    sns = d.aws.sns
    arn = str(sns.create_topic(Name=name)["TopicArn"])
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowPublish",
                "Effect": "Allow",
                "Principal": {"Service": publisher},
                "Action": "SNS:Publish",
                "Resource": arn,
            }
        ],
    }
    sns.set_topic_attributes(
        TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )
    return arn


def notification(kind: str) -> dict[str, Any]:
    return {
        "NotificationType": kind,
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": 100.0,
        "ThresholdType": "PERCENTAGE",
    }


def budget(
    d: Deployed, limit: float, kinds: tuple[str, ...] = ("FORECASTED", "ACTUAL"), amount: str = ""
) -> None:
    key = f"{limit:g}"
    name = f"{NAME}-monthly-{key}usd"
    topic_arn = d.outputs["budget_alerts_topic_arn"]
    d.aws.budgets.create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": name,
            "BudgetType": "COST",
            "TimeUnit": "MONTHLY",
            "BudgetLimit": {"Amount": amount or f"{limit:.2f}", "Unit": "USD"},
        },
        NotificationsWithSubscribers=[
            {
                "Notification": notification(kind),
                "Subscribers": [
                    {"SubscriptionType": "SNS", "Address": topic_arn},
                    *({"SubscriptionType": "EMAIL", "Address": e} for e in d.config.budgets.emails),
                ],
            }
            for kind in kinds
        ],
    )
    d.outputs.setdefault("budget_names", {})[key] = name


def alerting(d: Deployed) -> Deployed:
    d.outputs["deployment_alerts_topic_arn"] = topic(
        d, d.config.alarms.topic_name, "cloudwatch.amazonaws.com"
    )
    d.outputs["budget_alerts_topic_arn"] = topic(
        d, d.config.budgets.topic_name, "budgets.amazonaws.com"
    )
    for email in d.config.alarms.emails:
        d.aws.sns.subscribe(
            TopicArn=d.outputs["deployment_alerts_topic_arn"], Protocol="email", Endpoint=email
        )
    for kind in ALARM_KINDS:
        alarm(d, kind)
    d.outputs["budget_names"] = {}
    for limit in d.config.budgets.limits:
        budget(d, limit)
    return d


# ---------------------------------------------------------------- observability


def dashboard_body(metrics: tuple[str, ...] | list[str]) -> str:
    widgets = [
        {
            "type": "metric",
            "properties": {"title": metric, "metrics": [["AWS/Whatever", metric, "Dim", "x"]]},
        }
        for metric in metrics
    ]
    return json.dumps({"widgets": widgets})


def observability(d: Deployed) -> Deployed:
    obs = d.config.observability
    d.aws.logs.create_log_group(logGroupName=obs.log_group_name)
    d.aws.logs.put_retention_policy(
        logGroupName=obs.log_group_name, retentionInDays=obs.log_retention_days
    )
    metrics = list(DASHBOARD_METRICS) + (list(JITSI_METRICS) if d.config.telemetry.enabled else [])
    d.aws.cloudwatch.put_dashboard(DashboardName=NAME, DashboardBody=dashboard_body(metrics))
    d.outputs["dashboard_name"] = NAME
    return d


# ---------------------------------------------------------------- telemetry


def function_environment(d: Deployed) -> dict[str, str]:
    internal = d.config.jitsi.internal_domain
    return {
        "JVB_DNS_NAME": f"jvb.{internal}",
        "JICOFO_URL": f"http://xmpp.{internal}:8888",
        "METRIC_NAMESPACE": d.config.observability.metric_namespace,
    }


def stats_rule(
    d: Deployed, service: str, port: int, *, cidr: str | None = None, source: str | None = None
) -> None:
    """Ingress to a service's group on a stats port: from a CIDR, a source group, or (the
    default) the collector's group."""
    permission: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if cidr:
        permission["IpRanges"] = [{"CidrIp": cidr}]
    else:
        permission["UserIdGroupPairs"] = [{"GroupId": source or group(d, "collector")}]
    d.aws.ec2.authorize_security_group_ingress(
        GroupId=group(d, service), IpPermissions=[permission]
    )


def telemetry(d: Deployed) -> Deployed:
    network(d)
    role = d.aws.iam.create_role(
        RoleName=f"{NAME}-telemetry",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    fn = d.aws.lambda_.create_function(
        FunctionName=f"{NAME}-telemetry",
        Runtime="python3.12",
        Role=role,
        Handler="jitsi_ecs.telemetry.lambda_handler.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},  # an empty zip
        VpcConfig={"SubnetIds": subnets(d), "SecurityGroupIds": [group(d, "collector")]},
        Environment={"Variables": function_environment(d)},
    )["FunctionArn"]
    events = d.aws.events
    events.put_rule(
        Name=f"{NAME}-telemetry",
        ScheduleExpression=d.config.telemetry.schedule_expression,
        State="ENABLED",
    )
    events.put_targets(Rule=f"{NAME}-telemetry", Targets=[{"Id": "collector", "Arn": fn}])
    stats_rule(d, "jvb", 8080)
    stats_rule(d, "xmpp", 8888)
    d.ids["function_arn"] = fn
    return d


def deploy_all(d: Deployed) -> Deployed:
    for step in (network, edge, ecs, alerting, observability, telemetry):
        step(d)
    return d
