"""aws.py: typed clients, error mapping, and the domain calls (moto in-process or a Stubber)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

import botocore.exceptions
import pytest
from botocore.stub import Stubber

from jitsi_ecs.aws import (
    _DENIED,
    _HINTS,
    EMULATOR_CREDENTIALS,
    AwsContext,
    calling,
    error_code,
    is_not_found,
    or_none,
)
from jitsi_ecs.errors import AwsError, JitsiEcsError, UsageError
from tests.unit.conftest import session_sharing_models

ENDPOINT = "http://127.0.0.1:9"


def client_error(code: str, message: str = "nope") -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": message}}, "SomeOperation"
    )


def stubbed(**fields: Any) -> AwsContext:
    """A context for a botocore Stubber (its session reuses the worker's parsed models)."""
    session = session_sharing_models(
        region_name="us-west-2", aws_access_key_id="test", aws_secret_access_key="test"
    )
    return AwsContext(region="us-west-2", endpoint_url=ENDPOINT, _session=session, **fields)


class RecordingSession:
    """Stands in for boto3.Session: records what each client was made with."""

    def __init__(self) -> None:
        self.made: list[tuple[str, dict[str, Any]]] = []

    def client(self, service: str, **kwargs: Any) -> object:
        self.made.append((service, kwargs))
        return object()


ACCESSORS = {
    "acm": "acm",
    "autoscaling": "application-autoscaling",
    "budgets": "budgets",
    "cloudwatch": "cloudwatch",
    "cognito": "cognito-idp",
    "ec2": "ec2",
    "ecs": "ecs",
    "elbv2": "elbv2",
    "events": "events",
    "iam": "iam",
    "lambda_": "lambda",
    "logs": "logs",
    "route53": "route53",
    "s3": "s3",
    "servicediscovery": "servicediscovery",
    "sns": "sns",
    "sqs": "sqs",
    "ssm": "ssm",
    "sts": "sts",
}


def test_each_typed_accessor_builds_its_service_once() -> None:
    session = RecordingSession()
    aws = AwsContext(region="eu-west-1", endpoint_url=ENDPOINT, _session=session)
    for attribute, service in ACCESSORS.items():
        first = getattr(aws, attribute)
        assert getattr(aws, attribute) is first, attribute
        assert aws.client(service) is first, attribute
        assert session.made[-1][0] == service, attribute
    assert len(session.made) == len(ACCESSORS)  # cached: one client per service
    regions = {service: kwargs["region_name"] for service, kwargs in session.made}
    # Global services answer in us-east-1; everything else in the stack's region.
    assert {s for s, r in regions.items() if r == "us-east-1"} == {"budgets", "route53"}
    assert {r for s, r in regions.items() if s not in ("budgets", "route53")} == {"eu-west-1"}
    assert {kwargs["endpoint_url"] for _, kwargs in session.made} == {ENDPOINT}


def test_emulator_gets_dummy_credentials_and_few_retries() -> None:
    aws = AwsContext(region="us-west-2", endpoint_url=ENDPOINT)
    assert aws.is_emulator
    credentials = aws.session.get_credentials()
    assert credentials is not None
    assert credentials.access_key == EMULATOR_CREDENTIALS["aws_access_key_id"]
    sts = aws.sts
    assert sts.meta.endpoint_url == ENDPOINT
    # Fail fast (moto answers 500 for what it lacks): 2 retries, 3 attempts in all.
    assert sts.meta.config.retries == {"mode": "standard", "total_max_attempts": 3}


def test_a_real_account_keeps_the_credential_chain_and_retries_more() -> None:
    aws = AwsContext(region="us-west-2")
    assert not aws.is_emulator
    assert aws.sts.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 9}
    assert aws.terraform_env() == {"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-west-2"}


def test_terraform_env_points_the_provider_at_the_emulator() -> None:
    assert AwsContext(region="us-west-2", endpoint_url=ENDPOINT).terraform_env() == {
        "AWS_REGION": "us-west-2",
        "AWS_DEFAULT_REGION": "us-west-2",
        "AWS_ENDPOINT_URL": ENDPOINT,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("code", "found"),
    [
        ("ClusterNotFoundException", True),
        ("TargetGroupNotFound", True),
        ("NotFound", True),
        ("InvalidGroup.NotFound", True),
        ("DBInstanceNotFoundFault", True),
        ("ResourceNotFoundException", True),
        ("NoSuchEntity", True),
        ("404", True),
        ("AccessDenied", False),
        ("ValidationError", False),
    ],
)
def test_is_not_found(code: str, found: bool) -> None:
    assert error_code(client_error(code)) == code
    assert is_not_found(client_error(code)) is found


def test_error_code_of_other_exceptions_is_empty() -> None:
    assert error_code(ValueError("x")) == ""
    assert not is_not_found(ValueError("x"))


def test_or_none() -> None:
    assert or_none(lambda: 42) == 42

    def gone() -> int:
        raise client_error("ResourceNotFoundException")

    def denied() -> int:
        raise client_error("AccessDenied")

    assert or_none(gone) is None
    with pytest.raises(botocore.exceptions.ClientError):
        or_none(denied)


@pytest.mark.parametrize("code", sorted(set(_HINTS) - set(_DENIED)))
def test_calling_maps_client_errors_with_their_hint(code: str) -> None:
    with pytest.raises(AwsError) as caught, calling("describe alarms"):
        raise client_error(code, "you may not")
    assert caught.value.message == f"describe alarms: AWS answered {code}: you may not"
    assert caught.value.hint == _HINTS[code]
    assert caught.value.exit_code == 1


@pytest.mark.parametrize("code", _DENIED)
def test_a_refused_action_is_exit_2_naming_it_and_iam_policy(code: str) -> None:
    message = (
        "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
        "ecs:CreateCluster on resource: arn:aws:ecs:us-west-2:123456789012:cluster/jitsi"
    )
    with pytest.raises(UsageError) as caught, calling("create the cluster"):
        raise client_error(code, message)
    assert caught.value.exit_code == 2
    assert caught.value.message.startswith(
        f"create the cluster: AWS refused ecs:CreateCluster ({code}): User: "
    )
    assert "jitsi-ecs iam-policy" in (caught.value.hint or "")
    # Without the action in the message, the operation stands in for it.
    with pytest.raises(UsageError) as caught, calling("x"):
        raise client_error(code, "Access Denied")
    assert caught.value.message == f"x: AWS refused SomeOperation ({code}): Access Denied"


def test_calling_an_unknown_code_has_no_hint() -> None:
    with pytest.raises(AwsError) as caught, calling("x"):
        raise client_error("ValidationError", "bad")
    assert caught.value.message == "x: AWS answered ValidationError: bad"
    assert caught.value.hint is None


@pytest.mark.parametrize(
    "failure",
    [
        botocore.exceptions.NoCredentialsError(),
        botocore.exceptions.PartialCredentialsError(provider="env", cred_var="AWS_SECRET"),
        botocore.exceptions.CredentialRetrievalError(provider="sso", error_msg="gone"),
        botocore.exceptions.ProfileNotFound(profile="nope"),
        botocore.exceptions.TokenRetrievalError(provider="sso", error_msg="expired"),
        botocore.exceptions.SSOTokenLoadError(error_msg="expired"),
        botocore.exceptions.UnauthorizedSSOTokenError(),
    ],
)
def test_calling_without_usable_credentials_is_a_usage_error(failure: Exception) -> None:
    """Whatever error class the caller chose: credentials are the environment's problem."""
    with pytest.raises(UsageError) as caught, calling("read metric", error=AwsError):
        raise failure
    assert type(caught.value) is UsageError
    assert caught.value.message == f"read metric: no usable AWS credentials ({failure})"
    assert caught.value.exit_code == 2
    assert caught.value.hint and "AWS_PROFILE" in caught.value.hint


def test_calling_takes_the_callers_credentials_hint() -> None:
    with pytest.raises(UsageError) as caught, calling("x", credentials_hint="Log in to Y."):
        raise botocore.exceptions.ProfileNotFound(profile="nope")
    assert caught.value.hint == "Log in to Y."


@pytest.mark.parametrize(
    ("failure", "says"),
    [
        (botocore.exceptions.EndpointConnectionError(endpoint_url=ENDPOINT), "cannot reach AWS"),
        (botocore.exceptions.ConnectionClosedError(endpoint_url=ENDPOINT), "cannot reach AWS"),
        (botocore.exceptions.ProxyConnectionError(proxy_url=ENDPOINT), "cannot reach AWS"),
        (botocore.exceptions.SSLError(endpoint_url=ENDPOINT, error="bad cert"), "cannot reach AWS"),
        (botocore.exceptions.ConnectTimeoutError(endpoint_url=ENDPOINT), "timed out"),
        (botocore.exceptions.ReadTimeoutError(endpoint_url=ENDPOINT), "timed out"),
    ],
)
def test_calling_on_network_failures(failure: Exception, says: str) -> None:
    with pytest.raises(AwsError) as caught, calling("x"):
        raise failure
    assert caught.value.message == f"x: {says} ({failure})"
    assert caught.value.hint == "Check the network."
    assert caught.value.exit_code == 1


def test_calling_names_the_endpoint_in_the_network_hint() -> None:
    with pytest.raises(AwsError) as caught, calling("x", endpoint="api.example.amazonaws.com"):
        raise botocore.exceptions.ReadTimeoutError(endpoint_url=ENDPOINT)
    assert caught.value.hint and "api.example.amazonaws.com must be reachable" in caught.value.hint


@pytest.mark.parametrize(
    "failure",
    [
        botocore.exceptions.ParamValidationError(report="Missing required parameter"),
        botocore.exceptions.InvalidConfigError(error_msg="bad max_attempts"),
        botocore.exceptions.BotoCoreError(),
    ],
)
def test_calling_turns_any_other_botocore_error_into_the_error_class(failure: Exception) -> None:
    with pytest.raises(AwsError) as caught, calling("x"):
        raise failure
    assert caught.value.message == f"x: {failure}"
    assert caught.value.hint and "AWS configuration" in caught.value.hint
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize(
    "failure",
    [
        client_error("ValidationError", "bad"),
        botocore.exceptions.EndpointConnectionError(endpoint_url=ENDPOINT),
        botocore.exceptions.ParamValidationError(report="Missing required parameter"),
    ],
)
def test_calling_raises_the_error_class_the_caller_chose(failure: Exception) -> None:
    with pytest.raises(UsageError) as caught, calling("x", error=UsageError):
        raise failure
    assert type(caught.value) is UsageError
    assert caught.value.exit_code == 2
    assert caught.value.message.startswith("x: ")


def test_calling_hints_per_code_add_to_and_override_the_defaults() -> None:
    hints = {"AccessDenied": "Grant pricing:GetProducts.", "TeapotError": "Brew less."}
    for code, hint in [
        ("AccessDenied", "Grant pricing:GetProducts."),
        ("TeapotError", "Brew less."),
        ("Throttling", _HINTS["Throttling"]),
        ("ValidationError", None),
    ]:
        with pytest.raises(JitsiEcsError) as caught, calling("x", hints=hints):
            raise client_error(code)
        assert caught.value.hint == hint, code


def test_calling_an_error_without_code_or_message() -> None:
    with pytest.raises(AwsError) as caught, calling("x"):
        raise botocore.exceptions.ClientError({}, "SomeOperation")
    assert caught.value.message == "x: AWS answered an error"


def test_calling_leaves_other_errors_and_results_alone() -> None:
    with calling("x"):
        value = 1
    assert value == 1
    with pytest.raises(KeyError), calling("x"):
        raise KeyError("bug")


# ---------------------------------------------------------------- account


def test_account_id_is_asked_once() -> None:
    aws = stubbed()
    with Stubber(aws.sts) as stub:
        stub.add_response(
            "get_caller_identity",
            {"Account": "111122223333", "Arn": "arn:aws:iam::111122223333:user/x", "UserId": "x"},
        )
        assert aws.account_id() == "111122223333"
        assert aws.account_id() == "111122223333"  # a second call would find no response
        stub.assert_no_pending_responses()


def test_rejected_credentials_are_an_aws_error() -> None:
    aws = stubbed()
    with Stubber(aws.sts) as stub:
        stub.add_client_error("get_caller_identity", "InvalidClientTokenId", "bad token")
        with pytest.raises(
            AwsError, match="AWS answered InvalidClientTokenId: bad token"
        ) as caught:
            aws.account_id()
    assert "sts:GetCallerIdentity" in caught.value.message
    assert caught.value.hint is not None and "emulator's" in caught.value.hint


def test_an_expired_sso_login_is_a_usage_error_not_a_traceback() -> None:
    aws = stubbed()
    expired = botocore.exceptions.TokenRetrievalError(provider="sso", error_msg="expired")
    with (
        patch.object(aws.sts, "get_caller_identity", side_effect=expired),
        pytest.raises(UsageError, match="no usable AWS credentials") as caught,
    ):
        aws.account_id()
    assert caught.value.exit_code == 2


def test_no_credentials_at_all_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for var in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(UsageError, match=r"--target aws: .*: no usable AWS credentials"):
        AwsContext(region="us-west-2").account_id()


# ---------------------------------------------------------------- services


def _cluster(aws: AwsContext, names: list[str]) -> None:
    ecs = aws.ecs
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(
        family="f", containerDefinitions=[{"name": "x", "image": "x", "memory": 128}]
    )
    for name in names:
        ecs.create_service(cluster="c", serviceName=name, taskDefinition="f", desiredCount=1)


def test_services_are_the_active_ones(moto_aws: AwsContext) -> None:
    _cluster(moto_aws, ["web", "jvb", "old"])
    moto_aws.ecs.delete_service(cluster="c", service="old", force=True)
    found = moto_aws.services("c", ["web", "jvb", "old", "never"])
    assert sorted(s["serviceName"] for s in found) == ["jvb", "web"]
    assert moto_aws.service("c", "web") is not None
    assert moto_aws.service("c", "old") is None
    assert moto_aws.service("c", "never") is None


def test_no_names_no_call() -> None:
    aws = stubbed()
    with Stubber(aws.ecs):  # no responses queued: any call would fail
        assert aws.services("c", []) == []
        assert aws.deploying("c", []) == []


def test_services_of_a_missing_cluster_is_an_aws_error(moto_aws: AwsContext) -> None:
    with pytest.raises(AwsError, match="describe the ECS services of cluster nope"):
        moto_aws.services("nope", ["web"])


def _service(name: str, status: str, rollouts: list[str]) -> dict[str, Any]:
    return {
        "serviceName": name,
        "status": status,
        "deployments": [{"id": f"ecs-svc/{i}", "rolloutState": r} for i, r in enumerate(rollouts)],
    }


def test_deploying_lists_services_with_a_rollout_in_progress() -> None:
    aws = stubbed()
    names = ["web", "xmpp", "jvb", "gone"]
    with Stubber(aws.ecs) as stub:
        stub.add_response(
            "describe_services",
            {
                "services": [
                    _service("web", "ACTIVE", ["IN_PROGRESS", "COMPLETED"]),
                    _service("xmpp", "ACTIVE", ["COMPLETED"]),
                    _service("jvb", "ACTIVE", ["FAILED", "COMPLETED"]),
                    _service("gone", "INACTIVE", ["IN_PROGRESS"]),
                ]
            },
            {"cluster": "c", "services": names},
        )
        assert aws.deploying("c", names) == ["web"]


def test_task_definition_that_does_not_exist(moto_aws: AwsContext) -> None:
    with pytest.raises(AwsError, match="describe task definition nope:1: AWS answered"):
        moto_aws.task_definition("nope:1")


def test_services_are_asked_10_names_at_a_time() -> None:
    aws = stubbed()
    names = [f"s{i:02}" for i in range(23)]
    with Stubber(aws.ecs) as stub:
        for start in (0, 10, 20):
            page = names[start : start + 10]
            found = [_service(n, "ACTIVE", ["COMPLETED"]) for n in page]
            stub.add_response(
                "describe_services", {"services": found}, {"cluster": "c", "services": page}
            )
        assert [s["serviceName"] for s in aws.services("c", names)] == names
        stub.assert_no_pending_responses()


def _stopped(arn: str, at: datetime) -> dict[str, Any]:
    return {"taskArn": arn, "stoppedAt": at, "stoppedReason": "r", "lastStatus": "STOPPED"}


def test_stopped_tasks_pages_and_describes_at_most_the_limit() -> None:
    aws = stubbed()
    arns = [f"arn:aws:ecs:us-west-2:1:task/c/t{i:03}" for i in range(150)]
    base = datetime(2026, 12, 6, tzinfo=UTC)
    listed = {"cluster": "c", "serviceName": "web", "desiredStatus": "STOPPED"}
    with Stubber(aws.ecs) as stub:
        stub.add_response("list_tasks", {"taskArns": arns[:100], "nextToken": "n"}, listed)
        stub.add_response("list_tasks", {"taskArns": arns[100:]}, {**listed, "nextToken": "n"})
        stub.add_response(
            "describe_tasks",
            {"tasks": [_stopped(a, base + timedelta(seconds=i)) for i, a in enumerate(arns[:100])]},
            {"cluster": "c", "tasks": arns[:100]},
        )
        stub.add_response(
            "describe_tasks",
            {"tasks": [_stopped(a, base) for a in arns[100:120]]},
            {"cluster": "c", "tasks": arns[100:120]},
        )
        tasks = aws.stopped_tasks("c", "web", limit=120)
        stub.assert_no_pending_responses()
    assert len(tasks) == 120 and tasks[0]["taskArn"] == arns[99]  # newest first


def test_stopped_tasks_of_a_missing_cluster_is_an_aws_error(moto_aws: AwsContext) -> None:
    with pytest.raises(AwsError, match="list the stopped tasks of service web in cluster nope"):
        moto_aws.stopped_tasks("nope", "web")


def test_health_check_paths_of_the_target_groups_that_exist(moto_aws: AwsContext) -> None:
    vpc = moto_aws.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    arn = moto_aws.elbv2.create_target_group(
        Name="api", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip", HealthCheckPath="/h"
    )["TargetGroups"][0]["TargetGroupArn"]
    gone = arn.replace("/api/", "/gone/")
    assert moto_aws.health_check_paths([arn, gone]) == {arn: "/h"}


# ---------------------------------------------------------------- alarms


def _alarm(name: str) -> dict[str, Any]:
    return {"AlarmName": name, "StateValue": "OK"}


def test_alarms_are_asked_100_names_at_a_time() -> None:
    aws = stubbed()
    names = [f"a{i:03}" for i in range(230)]
    with Stubber(aws.cloudwatch) as stub:
        for start in (0, 100, 200):
            page = names[start : start + 100]
            found = [_alarm(n) for n in page if n != "a150"]  # one of them does not exist
            stub.add_response("describe_alarms", {"MetricAlarms": found}, {"AlarmNames": page})
        alarms = aws.alarms(names)
        stub.assert_no_pending_responses()
    assert len(alarms) == 229 and "a150" not in alarms and alarms["a229"]["StateValue"] == "OK"


def test_alarms_in_moto_only_those_that_exist(moto_aws: AwsContext) -> None:
    moto_aws.cloudwatch.put_metric_alarm(
        AlarmName="here",
        Namespace="N",
        MetricName="M",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )
    moto_aws.cloudwatch.put_metric_alarm(
        AlarmName="not-asked",
        Namespace="N",
        MetricName="M",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )
    assert list(moto_aws.alarms(["here", "missing"])) == ["here"]
    assert moto_aws.alarms([]) == {}


# ---------------------------------------------------------------- budgets


def test_budget_found_or_none(moto_aws: AwsContext) -> None:
    moto_aws.budgets.create_budget(
        AccountId=moto_aws.account_id(),
        Budget={
            "BudgetName": "b5",
            "BudgetType": "COST",
            "TimeUnit": "MONTHLY",
            "BudgetLimit": {"Amount": "5.00", "Unit": "USD"},
        },
    )
    budget = moto_aws.budget("b5")
    assert budget is not None and budget["BudgetLimit"]["Amount"] == "5.00"
    assert moto_aws.budget("b6") is None


def test_budget_denied_is_a_usage_error_with_a_hint() -> None:
    aws = stubbed(_account="111122223333")
    with Stubber(aws.budgets) as stub:
        stub.add_client_error("describe_budget", "AccessDeniedException", "no budgets for you")
        with pytest.raises(UsageError) as caught:
            aws.budget("b5")
    assert caught.value.message == (
        "describe budget b5: AWS refused DescribeBudget (AccessDeniedException): no budgets for you"
    )
    assert caught.value.hint == _HINTS["AccessDeniedException"]


# ---------------------------------------------------------------- metrics


def _put(aws: AwsContext, value: float, minutes_ago: float) -> None:
    aws.cloudwatch.put_metric_data(
        Namespace="Jitsi",
        MetricData=[
            {
                "MetricName": "Participants",
                "Dimensions": [{"Name": "Service", "Value": "jicofo"}],
                "Value": value,
                "Timestamp": datetime.now(UTC) - timedelta(minutes=minutes_ago),
            }
        ],
    )


def test_latest_is_the_newest_point_in_the_window(moto_aws: AwsContext) -> None:
    assert moto_aws.latest("Jitsi", "Participants", {"Service": "jicofo"}) is None
    _put(moto_aws, 9.0, minutes_ago=40)  # outside the 15 minutes
    assert moto_aws.latest("Jitsi", "Participants", {"Service": "jicofo"}) is None
    _put(moto_aws, 3.0, minutes_ago=6)
    _put(moto_aws, 7.0, minutes_ago=2)
    latest = moto_aws.latest("Jitsi", "Participants", {"Service": "jicofo"})
    assert latest is not None
    value, when = latest
    assert value == 7.0
    assert datetime.now(UTC) - when < timedelta(minutes=4)
    assert moto_aws.latest("Jitsi", "Participants", {"Service": "jvb"}) is None


def _notification(kind: str) -> dict[str, Any]:
    return {
        "NotificationType": kind,
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": 100.0,
        "ThresholdType": "PERCENTAGE",
    }


def test_budget_notifications_come_with_their_subscribers(moto_aws: AwsContext) -> None:
    moto_aws.budgets.create_budget(
        AccountId=moto_aws.account_id(),
        Budget={
            "BudgetName": "b5",
            "BudgetType": "COST",
            "TimeUnit": "MONTHLY",
            "BudgetLimit": {"Amount": "5.00", "Unit": "USD"},
        },
        NotificationsWithSubscribers=[
            {
                "Notification": _notification("ACTUAL"),
                "Subscribers": [
                    {"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-east-1:1:money"},
                    {"SubscriptionType": "EMAIL", "Address": "cfo@example.com"},
                ],
            },
            {
                "Notification": _notification("FORECASTED"),
                "Subscribers": [
                    {"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-east-1:1:money"}
                ],
            },
        ],
    )
    found = {
        note["NotificationType"]: sorted(s["Address"] for s in subs)
        for note, subs in moto_aws.budget_notifications("b5")
    }
    assert found == {
        "ACTUAL": ["arn:aws:sns:us-east-1:1:money", "cfo@example.com"],
        "FORECASTED": ["arn:aws:sns:us-east-1:1:money"],
    }


def test_budget_notifications_denied_is_a_usage_error_with_a_hint() -> None:
    aws = stubbed(_account="111122223333")
    with Stubber(aws.budgets) as stub:
        stub.add_client_error(
            "describe_notifications_for_budget", "AccessDeniedException", "no budgets for you"
        )
        with pytest.raises(UsageError) as caught:
            aws.budget_notifications("b5")
    assert caught.value.message == (
        "describe the notifications of budget b5: AWS refused DescribeNotificationsForBudget "
        "(AccessDeniedException): no budgets for you"
    )
    assert caught.value.hint == _HINTS["AccessDeniedException"]


def test_budget_subscribers_denied_names_the_notification() -> None:
    aws = stubbed(_account="111122223333")
    note = _notification("FORECASTED")
    with Stubber(aws.budgets) as stub:
        stub.add_response(
            "describe_notifications_for_budget",
            {"Notifications": [note]},
            {"AccountId": "111122223333", "BudgetName": "b5"},
        )
        stub.add_client_error(
            "describe_subscribers_for_notification",
            "AccessDeniedException",
            "no subscribers for you",
            expected_params={"AccountId": "111122223333", "BudgetName": "b5", "Notification": note},
        )
        with pytest.raises(UsageError) as caught:
            aws.budget_notifications("b5")
    assert caught.value.message == (
        "describe the subscribers of the FORECASTED notification of budget b5: AWS refused "
        "DescribeSubscribersForNotification (AccessDeniedException): no subscribers for you"
    )
    assert caught.value.hint == _HINTS["AccessDeniedException"]


# ---------------------------------------------------------------- redeploy


def test_redeploy_forces_a_new_deployment_of_that_service() -> None:
    aws = stubbed()
    with Stubber(aws.ecs) as stub:
        stub.add_response(
            "update_service", {}, {"cluster": "c", "service": "web", "forceNewDeployment": True}
        )
        aws.redeploy("c", "web")
        stub.assert_no_pending_responses()


def test_redeploy_keeps_the_revision_and_starts_a_rollout(moto_aws: AwsContext) -> None:
    _cluster(moto_aws, ["web", "jvb"])
    before = moto_aws.service("c", "web")
    assert before is not None and moto_aws.deploying("c", ["web", "jvb"]) == []
    moto_aws.redeploy("c", "web")
    after = moto_aws.service("c", "web")
    assert after is not None and after["taskDefinition"] == before["taskDefinition"]
    # A new deployment (whether or not its rollout has finished by now: the emulator's clock
    # runs on), on the same revision; the other service untouched.
    primary = {d["id"] for d in before["deployments"] if d["status"] == "PRIMARY"}
    assert {d["id"] for d in after["deployments"] if d["status"] == "PRIMARY"} - primary
    jvb = moto_aws.service("c", "jvb")
    assert jvb is not None and len(jvb["deployments"]) == 1


def test_redeploy_denied_is_a_usage_error_naming_the_service() -> None:
    aws = stubbed()
    with Stubber(aws.ecs) as stub:
        stub.add_client_error("update_service", "AccessDeniedException", "no ecs:UpdateService")
        with pytest.raises(UsageError) as caught:
            aws.redeploy("c", "web")
    assert caught.value.message == (
        "start a new deployment of service web in cluster c: AWS refused UpdateService "
        "(AccessDeniedException): no ecs:UpdateService"
    )
    assert caught.value.hint == _HINTS["AccessDeniedException"]


def test_redeploy_of_a_missing_service_is_an_aws_error(moto_aws: AwsContext) -> None:
    _cluster(moto_aws, [])
    with pytest.raises(AwsError, match="start a new deployment of service nope in cluster c"):
        moto_aws.redeploy("c", "nope")
