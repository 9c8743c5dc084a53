"""All AWS access goes through here: typed clients, the domain calls the tool repeats, and AWS
errors turned into the tool's one error type.

Like chalice's TypedAWSClient: commands, checks and drills ask an `AwsContext` for a typed
client (`aws.ecs`, `aws.elbv2`, ... typed with the boto3 stubs) or for a domain answer
(`aws.service(cluster, name)`, `aws.deploying(...)`, `aws.redeploy(...)`,
`aws.stopped_tasks(cluster, service)`, `aws.budget(name)`, `aws.budget_notifications(name)`),
so the same code runs against a real account (normal credential chain) and the emulator
(endpoint and dummy credentials injected).
`calling("what")` is the one place botocore's errors become the tool's errors (AwsError by
default, or the error class a caller chooses), each with a hint.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
import botocore.config
import botocore.exceptions

from jitsi_ecs.errors import AwsError, JitsiEcsError, UsageError
from jitsi_ecs.iam_policy import document

if TYPE_CHECKING:
    from mypy_boto3_acm import ACMClient
    from mypy_boto3_application_autoscaling import ApplicationAutoScalingClient
    from mypy_boto3_budgets import BudgetsClient
    from mypy_boto3_budgets.type_defs import (
        BudgetOutputTypeDef,
        NotificationTypeDef,
        SubscriberTypeDef,
    )
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_cloudwatch.type_defs import MetricAlarmTypeDef
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_ecs.type_defs import ServiceTypeDef, TaskDefinitionTypeDef, TaskTypeDef
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_route53 import Route53Client
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_service_quotas import ServiceQuotasClient
    from mypy_boto3_servicediscovery import ServiceDiscoveryClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient
    from mypy_boto3_sts import STSClient

EMULATOR_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
# Fail fast against the emulator (moto answers 500 for actions it lacks).
_EMULATOR_RETRIES = botocore.config.Config(retries={"max_attempts": 2, "mode": "standard"})
_AWS_RETRIES = botocore.config.Config(retries={"max_attempts": 8, "mode": "adaptive"})
# Global services answer in us-east-1 (the Price List API has its own client: cost/refresh.py).
_FIXED_REGION = {"budgets": "us-east-1", "route53": "us-east-1"}
# The hosts AWS's own endpoints live under (commercial and GovCloud, China, dual-stack).
_AWS_ENDPOINT_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")

DENIED_HINT = (
    "The credentials lack this permission: give the principal the policies `jitsi-ecs "
    "iam-policy` prints (`--account <id>` pins them to the account)."
)
# AWS refused the principal an action: bad environment, not a failure of the stack, so exit 2
# (UsageError) whatever error class the caller chose, naming the action and how to grant it.
_DENIED = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError")
_DENIED_ACTION = re.compile(r"not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9*]+)")
_HINTS = {
    **dict.fromkeys(_DENIED, DENIED_HINT),
    "ExpiredToken": "The session expired: log in again (`aws sso login`) and repeat the command.",
    "ExpiredTokenException": "The session expired: log in again and repeat the command.",
    "Throttling": "AWS is throttling the account; wait a minute and repeat the command.",
    "ThrottlingException": "AWS is throttling the account; wait a minute and repeat the command.",
    "UnrecognizedClientException": "AWS does not know these credentials: are they the "
    "emulator's (from `jitsi-ecs env`)? Unset them or choose a real profile.",
    "InvalidClientTokenId": "AWS does not know these credentials: are they the emulator's (from "
    "`jitsi-ecs env`)? Unset them or choose a real profile.",
}
# Credentials missing, incomplete, expired or of a profile that does not exist: always a
# UsageError (exit 2), whatever error class the caller chose.
_CREDENTIAL_ERRORS = (
    botocore.exceptions.NoCredentialsError,
    botocore.exceptions.PartialCredentialsError,
    botocore.exceptions.CredentialRetrievalError,
    botocore.exceptions.ProfileNotFound,
    botocore.exceptions.TokenRetrievalError,
    botocore.exceptions.SSOError,  # and SSOTokenLoadError, UnauthorizedSSOTokenError
)
# No answer from AWS: ConnectionError covers EndpointConnectionError, ConnectTimeoutError,
# ProxyConnectionError and SSLError; HTTPClientError covers ReadTimeoutError (not a
# ConnectionError) and ConnectionClosedError.
_NETWORK_ERRORS = (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError)
_TIMEOUTS = (botocore.exceptions.ConnectTimeoutError, botocore.exceptions.ReadTimeoutError)
_CREDENTIALS_HINT = (
    "Configure the normal AWS credential chain (AWS_PROFILE, `aws configure`, SSO or environment "
    "variables) and try again."
)
_BOTOCORE_HINT = (
    "Check the AWS configuration (AWS_PROFILE, ~/.aws/config and the AWS_* environment "
    "variables) and repeat the command."
)


def denied_action(text: str) -> str | None:
    """The IAM action an AccessDenied message names (AWS: "... is not authorized to perform:
    ecs:CreateCluster on resource: ...")."""
    found = _DENIED_ACTION.search(text)
    return found.group(1) if found else None


def error_code(exc: BaseException) -> str:
    if isinstance(exc, botocore.exceptions.ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def is_not_found(exc: BaseException) -> bool:
    code = error_code(exc)
    return code.endswith(("NotFound", "NotFoundException", "NotFoundFault")) or code in (
        "404",
        "NoSuchEntity",
        "ResourceNotFoundException",
    )


T = TypeVar("T")


def or_none(call: Callable[[], T], also: tuple[str, ...] = ()) -> T | None:
    """call(), or None when AWS answers that the thing does not exist (other errors raise);
    `also` adds a service's own codes for that (Route 53's NoSuchHostedZone)."""
    try:
        return call()
    except botocore.exceptions.ClientError as exc:
        if is_not_found(exc) or error_code(exc) in also:
            return None
        raise


@contextmanager
def calling(
    what: str,
    *,
    error: type[JitsiEcsError] = AwsError,
    hints: Mapping[str, str] | None = None,
    endpoint: str | None = None,
    credentials_hint: str | None = None,
) -> Iterator[None]:
    """Turn every botocore failure inside the block into the tool's error naming `what`.

    AWS's refusals (ClientError), network failures and any other botocore error raise `error`
    (AwsError unless the caller chooses, e.g. UsageError); credential failures raise UsageError.
    `hints` adds or overrides hints per error code (over `_HINTS`); `endpoint`, the host that
    must be reachable, goes into the network hint; `credentials_hint` replaces the default hint
    for credential failures and other botocore errors. Other exceptions pass through.
    """
    try:
        yield
    except botocore.exceptions.ClientError as exc:
        code = error_code(exc) or "an error"
        message = str(exc.response.get("Error", {}).get("Message", ""))
        hint = {**_HINTS, **(hints or {})}.get(code)
        if code in _DENIED:
            action = denied_action(message) or exc.operation_name
            raise UsageError(
                f"{what}: AWS refused {action} ({code})" + (f": {message}" if message else ""),
                hint=hint,
            ) from None
        raise error(
            f"{what}: AWS answered {code}" + (f": {message}" if message else ""), hint=hint
        ) from None
    except _CREDENTIAL_ERRORS as exc:
        raise UsageError(
            f"{what}: no usable AWS credentials ({exc})",
            hint=credentials_hint or _CREDENTIALS_HINT,
        ) from None
    except _NETWORK_ERRORS as exc:
        failure = "timed out" if isinstance(exc, _TIMEOUTS) else "cannot reach AWS"
        raise error(
            f"{what}: {failure} ({exc})",
            hint=f"Check the network or proxy: {endpoint} must be reachable over HTTPS; repeat "
            "the command when it is."
            if endpoint
            else "Check the network.",
        ) from None
    except botocore.exceptions.BotoCoreError as exc:
        raise error(f"{what}: {exc}", hint=credentials_hint or _BOTOCORE_HINT) from None


@dataclass
class AwsContext:
    region: str
    endpoint_url: str | None = None  # set for the emulator
    _session: boto3.Session | None = field(default=None, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)
    _account: str | None = field(default=None, repr=False)

    @property
    def is_emulator(self) -> bool:
        return self.endpoint_url is not None

    @property
    def session(self) -> boto3.Session:
        if self._session is None:
            if self.is_emulator:
                self._session = boto3.Session(
                    region_name=self.region,
                    aws_access_key_id=EMULATOR_CREDENTIALS["aws_access_key_id"],
                    aws_secret_access_key=EMULATOR_CREDENTIALS["aws_secret_access_key"],
                )
            else:
                self._session = boto3.Session(region_name=self.region)
        return self._session

    def client(self, service: str) -> Any:
        """A cached boto3 client; prefer the typed properties below."""
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service,  # type: ignore[call-overload]
                region_name=_FIXED_REGION.get(service, self.region),
                endpoint_url=self.endpoint_url,
                config=_EMULATOR_RETRIES if self.is_emulator else _AWS_RETRIES,
            )
        return self._clients[service]

    def client_in(self, service: str, region: str) -> Any:
        """A cached boto3 client for another region (the same credentials and endpoint)."""
        key = f"{service}@{region}"
        if key not in self._clients:
            self._clients[key] = self.session.client(
                service,  # type: ignore[call-overload]
                region_name=region,
                endpoint_url=self.endpoint_url,
                config=_EMULATOR_RETRIES if self.is_emulator else _AWS_RETRIES,
            )
        return self._clients[key]

    # ------------------------------------------------------------ typed clients
    @property
    def acm(self) -> ACMClient:
        return self.client("acm")  # type: ignore[no-any-return]

    @property
    def autoscaling(self) -> ApplicationAutoScalingClient:
        return self.client("application-autoscaling")  # type: ignore[no-any-return]

    @property
    def budgets(self) -> BudgetsClient:
        return self.client("budgets")  # type: ignore[no-any-return]

    @property
    def cloudwatch(self) -> CloudWatchClient:
        return self.client("cloudwatch")  # type: ignore[no-any-return]

    @property
    def cognito(self) -> CognitoIdentityProviderClient:
        return self.client("cognito-idp")  # type: ignore[no-any-return]

    @property
    def wafv2(self) -> Any:
        """WAF (no boto3 stubs installed for it: untyped)."""
        return self.client("wafv2")

    @property
    def ec2(self) -> EC2Client:
        return self.client("ec2")  # type: ignore[no-any-return]

    @property
    def ecs(self) -> ECSClient:
        return self.client("ecs")  # type: ignore[no-any-return]

    @property
    def elbv2(self) -> ElasticLoadBalancingv2Client:
        return self.client("elbv2")  # type: ignore[no-any-return]

    @property
    def events(self) -> EventBridgeClient:
        return self.client("events")  # type: ignore[no-any-return]

    @property
    def iam(self) -> IAMClient:
        return self.client("iam")  # type: ignore[no-any-return]

    @property
    def lambda_(self) -> LambdaClient:
        return self.client("lambda")  # type: ignore[no-any-return]

    @property
    def logs(self) -> CloudWatchLogsClient:
        return self.client("logs")  # type: ignore[no-any-return]

    @property
    def route53(self) -> Route53Client:
        return self.client("route53")  # type: ignore[no-any-return]

    @property
    def s3(self) -> S3Client:
        return self.client("s3")  # type: ignore[no-any-return]

    @property
    def servicediscovery(self) -> ServiceDiscoveryClient:
        return self.client("servicediscovery")  # type: ignore[no-any-return]

    @property
    def servicequotas(self) -> ServiceQuotasClient:
        return self.client("service-quotas")  # type: ignore[no-any-return]

    @property
    def sns(self) -> SNSClient:
        return self.client("sns")  # type: ignore[no-any-return]

    @property
    def sqs(self) -> SQSClient:
        return self.client("sqs")  # type: ignore[no-any-return]

    @property
    def ssm(self) -> SSMClient:
        return self.client("ssm")  # type: ignore[no-any-return]

    @property
    def sts(self) -> STSClient:
        return self.client("sts")  # type: ignore[no-any-return]

    # ------------------------------------------------------------ domain calls
    def custom_endpoint(self, service: str) -> str | None:
        """The endpoint a service is reached at when it is not AWS's own (the emulator, or
        the standard AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables and the shared
        config's endpoint_url, as boto3 resolves them): None for AWS itself.

        Terraform's provider reads those variables by itself; its S3 state backend and S3
        resources also need path-style addressing there (LocalStack, MinIO, the emulator)."""
        url = str(self.client(service).meta.endpoint_url)
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
        return None if host.endswith(_AWS_ENDPOINT_SUFFIXES) else url

    def account_id(self) -> str:
        # The first call a real account sees: missing, expired (SSO) or foreign credentials
        # end here, as exit 2 with a hint, never as a traceback.
        if self._account is None:
            with calling("--target aws: read the account (sts:GetCallerIdentity)"):
                self._account = str(self.sts.get_caller_identity()["Account"])
        return self._account

    def services(self, cluster: str, names: list[str]) -> list[ServiceTypeDef]:
        """The ACTIVE services of these names (ECS keeps deleted ones as INACTIVE)."""
        found: list[ServiceTypeDef] = []
        with calling(f"describe the ECS services of cluster {cluster}"):
            for start in range(0, len(names), 10):  # DescribeServices takes 10 names at most
                page = names[start : start + 10]
                found += self.ecs.describe_services(cluster=cluster, services=page)["services"]
        return [s for s in found if s.get("status") == "ACTIVE"]

    def service(self, cluster: str, name: str) -> ServiceTypeDef | None:
        found = self.services(cluster, [name])
        return found[0] if found else None

    def deploying(self, cluster: str, names: list[str]) -> list[str]:
        """Services with a deployment still rolling out."""
        return [
            s["serviceName"]
            for s in self.services(cluster, names)
            if any(d.get("rolloutState") == "IN_PROGRESS" for d in s.get("deployments", []))
        ]

    def redeploy(self, cluster: str, service: str) -> None:
        """Start a new deployment of the service on its current revision (forceNewDeployment):
        its tasks are replaced, with the service's usual safety nets, and read their secrets
        again."""
        with calling(f"start a new deployment of service {service} in cluster {cluster}"):
            self.ecs.update_service(cluster=cluster, service=service, forceNewDeployment=True)

    def task_definition(self, arn: str) -> TaskDefinitionTypeDef:
        with calling(f"describe task definition {arn}"):
            return self.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]

    def stopped_tasks(self, cluster: str, service: str, limit: int = 100) -> list[TaskTypeDef]:
        """The service's stopped tasks ECS still lists (at least an hour's), newest first, at
        most `limit`."""
        ecs, arns = self.ecs, []
        with calling(f"list the stopped tasks of service {service} in cluster {cluster}"):
            pages = ecs.get_paginator("list_tasks").paginate(
                cluster=cluster, serviceName=service, desiredStatus="STOPPED"
            )
            for page in pages:
                arns += page["taskArns"]
                if len(arns) >= limit:
                    break
        tasks: list[TaskTypeDef] = []
        with calling(f"describe the stopped tasks of service {service} in cluster {cluster}"):
            for start in range(0, min(len(arns), limit), 100):  # DescribeTasks takes 100
                chunk = arns[start : min(start + 100, limit)]
                tasks += ecs.describe_tasks(cluster=cluster, tasks=chunk)["tasks"]
        return sorted(tasks, key=lambda t: str(t.get("stoppedAt", "")), reverse=True)

    def health_check_paths(self, target_groups: list[str]) -> dict[str, str]:
        """The health check path of each target group (by ARN) that still exists."""
        elbv2, paths = self.elbv2, {}
        for arn in target_groups:
            with calling(f"describe target group {arn}"):
                found = or_none(partial(elbv2.describe_target_groups, TargetGroupArns=[arn]))
            for group in found["TargetGroups"] if found else []:
                paths[group["TargetGroupArn"]] = group.get("HealthCheckPath", "")
        return paths

    def role_policies(self, role: str) -> list[dict[str, Any]]:
        """The inline policy documents of a role (by name or ARN), parsed."""
        name = role.rsplit("/", 1)[-1]
        with calling(f"read the inline policies of role {name}"):
            names = self.iam.list_role_policies(RoleName=name)["PolicyNames"]
            return [
                document(self.iam.get_role_policy(RoleName=name, PolicyName=n)["PolicyDocument"])
                for n in names
            ]

    def listener_attributes(self, arn: str) -> dict[str, str]:
        with calling(f"describe the attributes of listener {arn}"):
            found = self.elbv2.describe_listener_attributes(ListenerArn=arn)["Attributes"]
        return {a["Key"]: a["Value"] for a in found if "Key" in a and "Value" in a}

    def load_balancer_attributes(self, arn: str) -> dict[str, str] | None:
        """The ALB's attributes; None when it no longer exists."""
        elbv2 = self.elbv2
        with calling(f"describe the attributes of load balancer {arn}"):
            answer = or_none(lambda: elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn))
        if answer is None:
            return None
        return {a["Key"]: a["Value"] for a in answer["Attributes"] if "Key" in a and "Value" in a}

    def alarms(self, names: list[str]) -> dict[str, MetricAlarmTypeDef]:
        """The alarms that exist among these names, by name."""
        found: dict[str, MetricAlarmTypeDef] = {}
        with calling("describe alarms"):
            for start in range(0, len(names), 100):  # DescribeAlarms takes 100 names at most
                page = self.cloudwatch.describe_alarms(AlarmNames=names[start : start + 100])
                found.update({a["AlarmName"]: a for a in page["MetricAlarms"]})
        return found

    def budget(self, name: str) -> BudgetOutputTypeDef | None:
        try:
            return self.budgets.describe_budget(AccountId=self.account_id(), BudgetName=name)[
                "Budget"
            ]
        except botocore.exceptions.ClientError as exc:
            if error_code(exc) == "NotFoundException":
                return None
            with calling(f"describe budget {name}"):
                raise

    def budget_notifications(
        self, name: str
    ) -> list[tuple[NotificationTypeDef, list[SubscriberTypeDef]]]:
        """Each notification of a budget with its subscribers (a missing budget is an AwsError)."""
        budgets, account = self.budgets, self.account_id()
        with calling(f"describe the notifications of budget {name}"):
            notes = budgets.describe_notifications_for_budget(AccountId=account, BudgetName=name)
        found = []
        for note in notes["Notifications"]:
            with calling(
                f"describe the subscribers of the {note['NotificationType']} notification of "
                f"budget {name}"
            ):
                subs = budgets.describe_subscribers_for_notification(
                    AccountId=account, BudgetName=name, Notification=note
                )
            found.append((note, subs["Subscribers"]))
        return found

    def latest(
        self, namespace: str, metric: str, dimensions: dict[str, str], minutes: int = 15
    ) -> tuple[float, datetime] | None:
        """The latest per-minute maximum of a metric within the last minutes, with its time."""
        end = datetime.now(UTC)
        with calling(f"read metric {namespace}/{metric}"):
            points = self.cloudwatch.get_metric_statistics(
                Namespace=namespace,
                MetricName=metric,
                Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
                StartTime=end - timedelta(minutes=minutes),
                EndTime=end,
                Period=60,
                Statistics=["Maximum"],
            )["Datapoints"]
        if not points:
            return None
        newest = max(points, key=lambda p: p["Timestamp"])
        return float(newest["Maximum"]), newest["Timestamp"]

    def terraform_env(self) -> dict[str, str]:
        """Environment for terraform so its provider reaches the same place as this context."""
        env = {"AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region}
        if self.is_emulator:
            assert self.endpoint_url is not None
            env["AWS_ENDPOINT_URL"] = self.endpoint_url
            env["AWS_ACCESS_KEY_ID"] = EMULATOR_CREDENTIALS["aws_access_key_id"]
            env["AWS_SECRET_ACCESS_KEY"] = EMULATOR_CREDENTIALS["aws_secret_access_key"]
        return env
