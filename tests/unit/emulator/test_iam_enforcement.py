"""IAM enforcement judges statements as AWS does (the rules in iam_enforcement's docstring)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.iam.access_control import IAMPolicy, PermissionResult

from jitsi_ecs.emulator import server
from jitsi_ecs.emulator.extensions import install
from jitsi_ecs.emulator.iam_enforcement import (
    Judgement,
    iam_action,
    judge_conditions,
    s3_bucket_action,
    s3_deleted_objects,
)
from jitsi_ecs.targets.aws import tls_only_policy

PERMITTED, DENIED, NEUTRAL = (
    PermissionResult.PERMITTED,
    PermissionResult.DENIED,
    PermissionResult.NEUTRAL,
)
BUCKET = "jitsi-ecs-tfstate-123456789012-us-west-2"
ROLES = "arn:aws:iam::123456789012:role/jitsi-*"


def _policy(*statements: dict[str, Any]) -> IAMPolicy:
    install()
    return IAMPolicy({"policy_document": json.dumps({"Statement": list(statements)})})


@pytest.fixture
def over(monkeypatch: pytest.MonkeyPatch) -> Any:
    def scheme(name: str) -> None:
        monkeypatch.setattr(server, "_current", {"wsgi.url_scheme": name})

    return scheme


@pytest.mark.parametrize(("scheme", "expected"), [("https", NEUTRAL), ("http", DENIED)])
def test_the_tls_only_policy_denies_plain_http_only(over: Any, scheme: str, expected: Any) -> None:
    over(scheme)
    policy = IAMPolicy(json.dumps(tls_only_policy(BUCKET)))
    install()
    assert policy.is_action_permitted("s3:HeadObject", f"arn:aws:s3:::{BUCKET}/s/x") == expected


def test_an_allow_whose_condition_fails_does_not_apply(over: Any) -> None:
    over("http")
    allow_tls = {
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
    assert _policy(allow_tls).is_action_permitted("s3:GetObject", "arn:aws:s3:::b/k") == NEUTRAL


def test_an_unknown_key_lets_an_allow_apply_and_a_deny_not(over: Any) -> None:
    over("https")
    condition = {"StringEquals": {"aws:RequestedRegion": "us-west-2"}}
    allow = {"Effect": "Allow", "Action": "ecs:*", "Resource": "*", "Condition": condition}
    deny = {**allow, "Effect": "Deny"}
    assert _policy(allow).is_action_permitted("ecs:CreateCluster") == PERMITTED
    assert _policy(deny).is_action_permitted("ecs:CreateCluster") == NEUTRAL


def test_resources_are_judged_only_where_known() -> None:
    allow = {"Effect": "Allow", "Action": "iam:CreateRole", "Resource": ROLES}
    policy = _policy(allow)
    assert policy.is_action_permitted("iam:CreateRole", "*") == PERMITTED  # not known: by action
    assert policy.is_action_permitted("iam:CreateRole", ROLES.replace("*", "x")) == PERMITTED
    assert policy.is_action_permitted("iam:CreateRole", ROLES.replace("jitsi-*", "y")) == NEUTRAL
    single = _policy({**allow, "Resource": "arn:aws:s3:::b?"})
    assert single.is_action_permitted("iam:CreateRole", "arn:aws:s3:::b1") == PERMITTED
    assert single.is_action_permitted("iam:CreateRole", "arn:aws:s3:::b12") == NEUTRAL
    # a dot is a dot, not any character
    dotted = _policy({**allow, "Resource": "arn:aws:s3:::a.b"})
    assert dotted.is_action_permitted("iam:CreateRole", "arn:aws:s3:::axb") == NEUTRAL


def test_actions_match_case_insensitively_and_not_action_excludes() -> None:
    assert (
        _policy({"Effect": "Allow", "Action": "ECS:list*", "Resource": "*"}).is_action_permitted(
            "ecs:ListClusters"
        )
        == PERMITTED
    )
    not_iam = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert _policy(not_iam).is_action_permitted("iam:CreateRole") == NEUTRAL
    assert _policy(not_iam).is_action_permitted("ecs:ListClusters") == PERMITTED


@pytest.mark.parametrize(
    ("signing", "operation", "action"),
    [
        ("monitoring", "DescribeAlarms", "cloudwatch:DescribeAlarms"),
        ("budgets", "DescribeBudgets", "budgets:ViewBudget"),
        ("budgets", "CreateNotification", "budgets:ModifyBudget"),
        ("budgets", "TagResource", "budgets:TagResource"),
        ("lambda", "GetLayerVersionByArn", "lambda:GetLayerVersion"),
        ("ecs", "CreateCluster", "ecs:CreateCluster"),
        ("elasticloadbalancing", "CreateLoadBalancer", "elasticloadbalancing:CreateLoadBalancer"),
    ],
)
def test_the_checked_action_is_the_iam_action(signing: str, operation: str, action: str) -> None:
    assert iam_action(signing, operation) == action


def test_conditions_judge_known_keys() -> None:
    known = {"aws:securetransport": "true", "sts:externalid": "abc"}
    assert judge_conditions({"Bool": {"aws:SecureTransport": "true"}}, known) is Judgement.MET
    assert judge_conditions({"Bool": {"aws:SecureTransport": False}}, known) is Judgement.NOT_MET
    assert judge_conditions({"StringLike": {"sts:ExternalId": "a*"}}, known) is Judgement.MET
    assert judge_conditions({"StringNotEquals": {"sts:ExternalId": ["x", "abc"]}}, known) is (
        Judgement.NOT_MET
    )
    assert judge_conditions({"StringEqualsIfExists": {"aws:Foo": "x"}}, known) is Judgement.MET
    assert judge_conditions({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, known) is (
        Judgement.UNKNOWN
    )


@pytest.mark.parametrize(
    ("method", "query", "action"),
    [
        ("GET", "encryption", "s3:GetEncryptionConfiguration"),
        ("PUT", "encryption=", "s3:PutEncryptionConfiguration"),
        ("DELETE", "publicAccessBlock", "s3:PutBucketPublicAccessBlock"),
        ("GET", "list-type=2&prefix=a", None),  # moto names it: ListObjectsV2 -> ListBucket
    ],
)
def test_bucket_subresources_moto_does_not_know_get_their_iam_action(
    method: str, query: str, action: str | None
) -> None:
    assert s3_bucket_action(method, query) == action
    assert iam_action("s3", "ListObjectsV2") == "s3:ListBucket"


def test_delete_objects_is_judged_on_each_object_as_aws_does() -> None:
    """A user allowed s3:DeleteObject on a bucket's objects may empty it with DeleteObjects
    (the emulator judged the bucket's ARN and refused; `down --delete-logs` needs it)."""
    body = (
        b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>'
        b"<Object><Key>alb/AWSLogs/a&amp;b.log.gz</Key><VersionId>null</VersionId></Object>"
        b"<Object><Key>vpc/x</Key></Object></Delete>"
    )
    assert s3_deleted_objects("arn:aws:s3:::logs", body) == [
        "arn:aws:s3:::logs/alb/AWSLogs/a&b.log.gz",
        "arn:aws:s3:::logs/vpc/x",
    ]
    objects_only = _policy(
        {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/*"}
    )
    assert objects_only.is_action_permitted("s3:DeleteObject", "arn:aws:s3:::logs/vpc/x") == (
        PERMITTED
    )
    assert s3_deleted_objects("arn:aws:s3:::logs", None) == []
