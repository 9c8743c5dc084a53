"""IAM enforcement that judges requests as an AWS account would (moto 5.2 gaps).

moto authorises requests once `INITIAL_NO_AUTH_ACTION_COUNT` requests have passed
(`POST /moto-api/reset-auth` sets that count); the local target never turns it on. Under
enforcement moto 5.2 refuses what AWS allows, in five ways, each mended here:

- Signature: for a request without a body (Lambda `ListFunctions`, Scheduler `ListSchedules`,
  Route 53 `ListHostedZones`: REST GETs) moto hashes its parsed parameters instead of the empty
  body when it recomputes the SigV4 signature, so the signatures never match
  (`SignatureDoesNotMatch` even for an administrator). The comparison is mended, not skipped:
  the payload hashed is the body the client signed (the parameters only stand in for a form
  body the server has already parsed).
- Action names: moto checks `<signing name>:<API operation>`. Where that is not the IAM action
  (CloudWatch signs as `monitoring`; Budgets' IAM actions are ViewBudget / ModifyBudget, not
  its operations; S3 names HeadObject, ListObjectsV2 and the bucket subresources it does not
  know, such as `?encryption`, by operation or as the bucket's default action) the IAM action
  from the AWS Service Authorization Reference is checked.
- Conditions: moto judges an Allow statement whose condition fails (or whose key it does not
  know) as an explicit Deny, and knows no `Bool` operator, so a `Deny ... aws:SecureTransport =
  false` bucket policy denied HTTPS requests too. Here a statement whose condition is not met
  does not apply. Keys the emulator knows are judged from the request: `aws:SecureTransport`
  (true when the request came over HTTPS) and the keys moto passes for trust policies. A
  condition on a key the emulator cannot know makes an Allow statement apply (judged on action
  and resource alone) and a Deny statement not apply: the emulator errs on the side of letting
  a correctly permitted caller through, never of inventing a denial.
- Resources: where moto does not know the resource of a call (it passes `*`: most services),
  a statement's Resource is not judged, so a resource-scoped Allow permits by action alone.
  Where it knows it (S3 bucket and object ARNs, SQS queues, STS roles, and IAM roles, users
  and policies computed here) Resource and NotResource are matched as AWS does (`*`, `?`).
  Actions match case-insensitively, as in AWS.
- Errors: a refusal to a JSON-protocol service is answered in JSON (`AccessDeniedException`),
  which the SDKs parse; moto answered XML, which they report as an error without a code.

`sts:GetCallerIdentity` is always allowed (moto already does so, as AWS does). Not checked:
the extra actions one call needs in AWS (e.g. `iam:PassRole` when a task definition names a
role); the main action is.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from enum import Enum
from typing import Any

from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import JsonRESTError
from moto.iam.access_control import IAMPolicyStatement, IAMRequestBase, PermissionResult
from moto.iam.responses import IamResponse

from jitsi_ecs.emulator import server

# Signing name -> IAM service prefix, where they differ (Service Authorization Reference,
# "Amazon CloudWatch": prefix cloudwatch; botocore's cloudwatch model signs as monitoring).
_PREFIX = {"monitoring": "cloudwatch"}

# (IAM prefix, API operation) -> IAM action, where the operation is not itself the action.
# Source: AWS Service Authorization Reference, "Actions defined by AWS Budget Service"
# (ViewBudget covers the Describe* calls, ModifyBudget the changes, tags have their own).
_ACTION = {
    ("budgets", "DescribeBudget"): "budgets:ViewBudget",
    ("budgets", "DescribeBudgets"): "budgets:ViewBudget",
    ("budgets", "DescribeNotificationsForBudget"): "budgets:ViewBudget",
    ("budgets", "DescribeSubscribersForNotification"): "budgets:ViewBudget",
    ("budgets", "DescribeBudgetPerformanceHistory"): "budgets:ViewBudget",
    ("budgets", "CreateBudget"): "budgets:ModifyBudget",
    ("budgets", "UpdateBudget"): "budgets:ModifyBudget",
    ("budgets", "DeleteBudget"): "budgets:ModifyBudget",
    ("budgets", "CreateNotification"): "budgets:ModifyBudget",
    ("budgets", "UpdateNotification"): "budgets:ModifyBudget",
    ("budgets", "DeleteNotification"): "budgets:ModifyBudget",
    ("budgets", "CreateSubscriber"): "budgets:ModifyBudget",
    ("budgets", "UpdateSubscriber"): "budgets:ModifyBudget",
    ("budgets", "DeleteSubscriber"): "budgets:ModifyBudget",
    ("budgets", "ListTagsForResource"): "budgets:ListTagsForResource",
    ("budgets", "TagResource"): "budgets:TagResource",
    ("budgets", "UntagResource"): "budgets:UntagResource",
    # AWS Lambda: GetLayerVersionByArn is authorised as lambda:GetLayerVersion (Service
    # Authorization Reference, "Actions defined by AWS Lambda", GetLayerVersion: "Grants
    # permission to view details about a version of an AWS Lambda layer").
    ("lambda", "GetLayerVersionByArn"): "lambda:GetLayerVersion",
    # Amazon S3: moto names some calls by their API operation. The IAM action each needs is
    # in the "Permissions" section of the operation's page in the Amazon S3 API Reference
    # (HeadObject: "you must have the s3:GetObject permission") and in the Service
    # Authorization Reference, "Actions defined by Amazon S3".
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjectVersions"): "s3:ListBucketVersions",
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "ListParts"): "s3:ListMultipartUploadParts",
    ("s3", "CopyObject"): "s3:PutObject",
    ("s3", "CreateMultipartUpload"): "s3:PutObject",
    ("s3", "UploadPart"): "s3:PutObject",
    ("s3", "UploadPartCopy"): "s3:PutObject",
    ("s3", "CompleteMultipartUpload"): "s3:PutObject",
    ("s3", "DeleteObjects"): "s3:DeleteObject",
    ("s3", "SelectObject"): "s3:GetObject",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "PutBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "DeleteBucketEncryption"): "s3:PutEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "PutPublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "DeletePublicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "PutBucketLifecycleConfiguration"): "s3:PutLifecycleConfiguration",
    ("s3", "DeleteBucketLifecycle"): "s3:PutLifecycleConfiguration",
    ("s3", "GetBucketCors"): "s3:GetBucketCORS",
    ("s3", "PutBucketCors"): "s3:PutBucketCORS",
    ("s3", "DeleteBucketCors"): "s3:PutBucketCORS",
    ("s3", "DeleteBucketTagging"): "s3:PutBucketTagging",
    ("s3", "DeleteBucketOwnershipControls"): "s3:PutBucketOwnershipControls",
}


# S3 bucket subresources moto's ACTION_MAP does not know: it checks them as the bucket's
# default action (GET ?encryption as s3:ListBucket, PUT ?encryption as s3:CreateBucket). The
# IAM action of each, from the Amazon S3 API Reference's "Permissions" sections
# (GetBucketEncryption: s3:GetEncryptionConfiguration; DeleteBucketEncryption:
# s3:PutEncryptionConfiguration; ...).
_S3_BUCKET_SUBRESOURCE = {
    ("GET", "encryption"): "s3:GetEncryptionConfiguration",
    ("PUT", "encryption"): "s3:PutEncryptionConfiguration",
    ("DELETE", "encryption"): "s3:PutEncryptionConfiguration",
    ("GET", "ownershipControls"): "s3:GetBucketOwnershipControls",
    ("PUT", "ownershipControls"): "s3:PutBucketOwnershipControls",
    ("DELETE", "ownershipControls"): "s3:PutBucketOwnershipControls",
    ("GET", "publicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("PUT", "publicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("DELETE", "publicAccessBlock"): "s3:PutBucketPublicAccessBlock",
    ("GET", "object-lock"): "s3:GetBucketObjectLockConfiguration",
    ("PUT", "object-lock"): "s3:PutBucketObjectLockConfiguration",
    ("GET", "requestPayment"): "s3:GetBucketRequestPayment",
    ("PUT", "requestPayment"): "s3:PutBucketRequestPayment",
    ("GET", "replication"): "s3:GetReplicationConfiguration",
    ("PUT", "replication"): "s3:PutReplicationConfiguration",
    ("DELETE", "replication"): "s3:PutReplicationConfiguration",
    ("GET", "policyStatus"): "s3:GetBucketPolicyStatus",
    ("DELETE", "tagging"): "s3:PutBucketTagging",
    ("DELETE", "lifecycle"): "s3:PutLifecycleConfiguration",
    ("DELETE", "cors"): "s3:PutBucketCORS",
}


def s3_bucket_action(method: str, query: str) -> str | None:
    """The IAM action of a bucket-level S3 call moto would name wrongly, if it is one."""
    keys = {part.split("=", 1)[0] for part in query.split("&") if part}
    for key in keys:
        action = _S3_BUCKET_SUBRESOURCE.get((method.upper(), key))
        if action:
            return action
    return None


def s3_deleted_objects(bucket_arn: str, body: bytes | str | None) -> list[str]:
    """The objects a DeleteObjects request (POST ?delete) names: AWS authorizes it as
    s3:DeleteObject on each of them, not on the bucket."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body or ""
    return [f"{bucket_arn}/{html.unescape(k)}" for k in re.findall(r"<Key>(.*?)</Key>", text, re.S)]


def iam_action(signing_name: str, operation: str) -> str:
    """The IAM action a call of `operation`, signed for `signing_name`, needs."""
    prefix = _PREFIX.get(signing_name, signing_name)
    return _ACTION.get((prefix, operation), f"{prefix}:{operation}")


# ---------------------------------------------------------------- conditions


class Judgement(Enum):
    MET = 1
    NOT_MET = 2
    UNKNOWN = 3


def _request_context() -> dict[str, str]:
    """Global condition keys known from the request being handled."""
    environ = server.current_request()
    if environ is None:  # in-process moto (unit tests): the transport is not known
        return {}
    return {"aws:securetransport": str(environ.get("wsgi.url_scheme") == "https").lower()}


def _like(pattern: str, value: str, ignore_case: bool = False) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return (
        re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)
        is not None
    )


def _values(expected: Any) -> list[str]:
    items = expected if isinstance(expected, list) else [expected]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in items]


_TESTS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda e, a: a == e,
    "StringNotEquals": lambda e, a: a != e,
    "StringEqualsIgnoreCase": lambda e, a: a.lower() == e.lower(),
    "StringNotEqualsIgnoreCase": lambda e, a: a.lower() != e.lower(),
    "StringLike": lambda e, a: _like(e, a),
    "StringNotLike": lambda e, a: not _like(e, a),
    "ArnEquals": lambda e, a: _like(e, a),
    "ArnLike": lambda e, a: _like(e, a),
    "ArnNotEquals": lambda e, a: not _like(e, a),
    "ArnNotLike": lambda e, a: not _like(e, a),
    "Bool": lambda e, a: a.lower() == e.lower(),
}
_NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
}


def judge_conditions(condition: dict[str, Any] | None, known: dict[str, str]) -> Judgement:
    """Whether a statement's Condition holds, given the context keys the emulator knows
    (names lower-case). Any unmet condition makes it NOT_MET; else any unknown key or operator
    makes it UNKNOWN."""
    if not condition:
        return Judgement.MET
    result = Judgement.MET
    for operator, pairs in condition.items():
        base = operator.removesuffix("IfExists")
        test = _TESTS.get(base)
        for key, expected in (pairs or {}).items():
            actual = known.get(key.lower())
            if test is None or ":" in base:  # ForAnyValue:/ForAllValues:, Numeric, Date...
                result = Judgement.UNKNOWN
                continue
            if actual is None:
                if operator.endswith("IfExists"):
                    continue  # a missing key satisfies an ...IfExists condition
                result = Judgement.UNKNOWN
                continue
            wanted = _values(expected)
            if base in _NEGATED:
                holds = all(test(e, actual) for e in wanted)
            else:
                holds = any(test(e, actual) for e in wanted)
            if not holds:
                return Judgement.NOT_MET
    return result


# ---------------------------------------------------------------- statements


def _matches(element: Any, value: str, ignore_case: bool) -> bool:
    patterns = element if isinstance(element, list) else [element]
    return any(_like(str(p), value, ignore_case) for p in patterns)


def _resource_applies(statement: dict[str, Any], resource: str) -> bool:
    """Whether a known resource is in the statement's scope (trust policies have none)."""
    if "NotResource" in statement:
        return not _matches(statement["NotResource"], resource, ignore_case=False)
    if "Resource" in statement:
        return _matches(statement["Resource"], resource, ignore_case=False)
    return True


def statement_result(
    statement: dict[str, Any],
    action: str,
    resource: str = "*",
    principal: str | None = None,
    incoming: dict[str, str] | None = None,
) -> PermissionResult:
    """What one statement says about `action` on `resource` (the rules in the docstring)."""
    if "NotAction" in statement:
        concerned = not _matches(statement["NotAction"], action, ignore_case=True)
    else:
        concerned = _matches(statement.get("Action", []), action, ignore_case=True)
    if not concerned:
        return PermissionResult.NEUTRAL
    checker = IAMPolicyStatement(statement)
    if checker.is_unknown_principal(statement.get("Principal")):
        return PermissionResult.NEUTRAL
    if principal and not checker._check_principal(principal):
        return PermissionResult.NEUTRAL
    known = {**_request_context(), **{k.lower(): v for k, v in (incoming or {}).items()}}
    allow = statement.get("Effect") == "Allow"
    judged = judge_conditions(statement.get("Condition"), known)
    if judged is Judgement.NOT_MET or (judged is Judgement.UNKNOWN and not allow):
        return PermissionResult.NEUTRAL
    if resource != "*" and not _resource_applies(statement, resource):
        return PermissionResult.NEUTRAL
    return PermissionResult.PERMITTED if allow else PermissionResult.DENIED


def _statement_is_action_permitted(
    self: IAMPolicyStatement,
    action: str,
    resource: str = "*",
    principal: str | None = None,
    incoming_condition_values: dict[str, str] | None = None,
) -> PermissionResult:
    return statement_result(self._statement, action, resource, principal, incoming_condition_values)


# ---------------------------------------------------------------- requests


def _create_aws_request(self: IAMRequestBase) -> Any:
    """The request as the client signed it: its raw body, even when empty (moto substituted
    the parsed parameters for an empty body, which the client never hashed)."""
    from botocore.awsrequest import AWSRequest

    signed = self._get_string_between("SignedHeaders=", ",", self._headers["Authorization"])
    headers = self._create_headers_for_aws_request(signed.split(";"), self._headers)
    body: Any = self._body
    form = "x-www-form-urlencoded" in str(self._headers.get("Content-Type", ""))
    if not body and form:  # the server parsed a form body away: moto's parameters are it
        body = self._data
    request = AWSRequest(method=self._method, url=self._path, data=body, headers=headers)
    request.context["timestamp"] = headers["X-Amz-Date"]
    return request


def _request_init(original: Any) -> Any:
    def init(self: IAMRequestBase, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        operation = self._action.split(":", 1)[1]
        self._action = iam_action(self._service, operation)

    return init


def _logging_check(original: Any) -> Any:
    """Name the refused action and resource in the emulator's log (the answer names only the
    action, as AWS's does)."""

    def check(self: IAMRequestBase, resource: str) -> None:
        if self._service == "s3" and "/" not in resource.partition(":::")[2]:
            query = self._path.partition("?")[2]
            deleted = (
                s3_deleted_objects(resource, self._body) if "delete" in query.split("&") else []
            )
            if self._method == "POST" and deleted:
                for key in deleted:  # each object, as AWS judges DeleteObjects
                    check(self, key)
                return
            action = s3_bucket_action(self._method, query)
            self._action = action or self._action
        try:
            original(self, resource)
        except Exception:
            print(
                f"  IAM denied {self._action} on {resource} to {self._access_key.arn}",
                file=sys.stderr,
                flush=True,
            )
            raise

    return check


def _json_protocol(response: Any) -> bool:
    headers = response.headers
    if headers.get("X-Amz-Target"):
        return True
    content_type = str(headers.get("Content-Type", ""))
    if "x-www-form-urlencoded" in content_type or "xml" in content_type:
        return False
    scope = str(headers.get("Authorization", "")).partition("Credential=")[2].split("/")
    signing_name = scope[3] if len(scope) > 3 else ""
    # Query services (ec2, iam, sts, ...) send forms; rest-xml ones are these two.
    return signing_name not in ("s3", "route53")


_JSON_CODES = {
    "AccessDenied": "AccessDeniedException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "InvalidClientTokenId": "UnrecognizedClientException",
}


def _authenticate(original: Any) -> Any:
    def authenticate(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        try:
            original(self, iam_request_cls, resource)
        except Exception as error:
            if getattr(error, "error_type", None) in _JSON_CODES:
                raise _as_json(self, error) from None
            raise

    return authenticate


def _as_json(response: Any, error: Any) -> Any:
    if not _json_protocol(response):
        return error
    converted = JsonRESTError(_JSON_CODES[error.error_type], error.message)
    converted.code = error.code
    return converted


# ---------------------------------------------------------------- IAM resources


def _iam_resource(original: Any) -> Any:
    """The ARN of the role, user or policy an IAM call names (moto knew existing roles only)."""

    def determine(self: IamResponse) -> str:
        known: str = original(self)
        if known != "*":
            return known
        data = self.data
        account = self.current_account

        def first(key: str) -> str | None:
            value = data.get(key)
            return str(value[0] if isinstance(value, list) else value) if value else None

        path = first("Path") or "/"
        if first("PolicyArn"):
            return str(first("PolicyArn"))
        for key, kind in (
            ("RoleName", "role"),
            ("UserName", "user"),
            ("InstanceProfileName", "instance-profile"),
            ("PolicyName", "policy"),
        ):
            name = first(key)
            if name is None:
                continue
            if kind == "policy" and first("Action") != "CreatePolicy":
                continue  # an inline policy's name: the resource is its role or user
            if kind == "role":
                try:
                    return str(self.backend.get_role(name).arn)
                except Exception:
                    pass
            return f"arn:aws:iam::{account}:{kind}{path}{name}"
        return "*"

    return determine


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    IAMPolicyStatement.is_action_permitted = _statement_is_action_permitted  # type: ignore[method-assign]
    IAMRequestBase.check_action_permitted = _logging_check(  # type: ignore[method-assign]
        IAMRequestBase.check_action_permitted
    )
    IAMRequestBase._create_aws_request = _create_aws_request  # type: ignore[method-assign]
    IAMRequestBase.__init__ = _request_init(IAMRequestBase.__init__)  # type: ignore[method-assign]
    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate(  # type: ignore[method-assign]
        ActionAuthenticatorMixin._authenticate_and_authorize_action
    )
    IamResponse._determine_resource = _iam_resource(IamResponse._determine_resource)  # type: ignore[method-assign]
    _installed = True
