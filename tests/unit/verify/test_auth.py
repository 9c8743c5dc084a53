"""verify's /auth/ group: what it expects of the function's IAM and ADOT settings, how it reads
policy documents, and that it skips with a reason (touching nothing) when auth is off."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest

from jitsi_ecs import iam_policy as policy
from jitsi_ecs.config import Config
from jitsi_ecs.outputs import AuthOutputs
from jitsi_ecs.verify import auth
from jitsi_ecs.verify.result import VerifyContext
from tests.unit.commands.test_link_members import outputs
from tests.unit.deployed import (
    AUTH_SECRET,
    CONFIG,
    GROWTH,
    Deployed,
    by_id,
    ecs,
    edge,
    failed,
    network,
    observability,
)
from tests.unit.deployed import auth as build

AUTH = AuthOutputs(
    url="https://meet.example.com/auth/",
    function_name="jitsi-auth",
    function_arn="arn:aws:lambda:us-west-2:123456789012:function:jitsi-auth",
    role_name="jitsi-auth",
    target_group_arn="arn:tg",
    listener_rule_arn="arn:rule",
    provider="cognito",
    callback_url="https://meet.example.com/oauth2/idpresponse",
    log_stream_name="auth",
)


class NoAws:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"verify touched AWS ({name}) although auth is off")


def _context(config: Config, layer: str | None = None) -> VerifyContext:
    found = outputs(
        alb_arn="arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/jitsi/1",
        secret_parameter_arns={
            "JWT_APP_SECRET": "arn:aws:ssm:us-west-2:123456789012:parameter/jitsi/jwt_app_secret"
        },
        auth=AUTH.model_dump(),
    )
    return VerifyContext(config, NoAws(), found, False, layer)  # type: ignore[arg-type]


def test_everything_skips_when_nobody_needs_a_token() -> None:
    config = Config(jitsi={"auth_type": "none"}, auth={"enabled": False})
    results = list(auth.checks(_context(config)))
    assert {r.status for r in results} == {"skip"}
    assert {r.id for r in results} == {"auth.guests", "auth.token-settings", *auth.PAGE_IDS}
    assert all(r.detail for r in results)


def test_expected_grants_are_exactly_the_functions_needs() -> None:
    grants = auth.expected_grants(_context(Config()), AUTH)
    group = "arn:aws:logs:us-west-2:123456789012:log-group:/ecs/jitsi-app"
    assert (
        "ssm:GetParameter",
        "arn:aws:ssm:us-west-2:123456789012:parameter/jitsi/jwt_app_secret",
    ) in grants
    assert ("logs:PutLogEvents", f"{group}:log-stream:auth") in grants
    assert ("xray:PutTraceSegments", "*") in grants
    assert {action for action, _ in grants} == {
        "ssm:GetParameter",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DescribeLogStreams",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
    }
    assert not any(r == "*" for a, r in grants if not a.startswith("xray:"))


def test_policy_documents_are_read_in_either_form() -> None:
    document = {
        "Statement": [
            {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": ["arn:p"]},
            {"Effect": "Deny", "Action": "*", "Resource": "*"},
        ]
    }
    encoded = urllib.parse.quote(json.dumps(document))
    assert auth._grants(policy.document(encoded)) == {("ssm:GetParameter", "arn:p")}
    assert auth._grants(policy.document(document)) == {("ssm:GetParameter", "arn:p")}


def test_adot_expectations_follow_what_the_target_supplied() -> None:
    layer = "arn:aws:lambda:us-west-2:615299751070:layer:AWSOpenTelemetryDistroPython:33"
    with_layer = auth.adot_expected(_context(Config(), layer), AUTH)
    assert with_layer["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/otel-instrument"
    assert with_layer["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] == (
        "x-aws-log-group=/ecs/jitsi-app,x-aws-log-stream=auth"
    )
    assert auth.adot_expected(_context(Config()), AUTH)["AWS_LAMBDA_EXEC_WRAPPER"] is None


# ---------------------------------------------------------------- over a moto deployment


def _page(d: Deployed) -> Deployed:
    for step in (network, edge, ecs, observability, build):
        step(d)
    return d


@pytest.mark.parametrize("config", [CONFIG, GROWTH], ids=["compact", "growth"])
def test_the_deployed_page_and_images_pass_in_both_layouts(deployed: Deployed, config: Any) -> None:
    """Guests and token settings are read from the task running web and prosody: compact's
    shard runs both, growth's web and xmpp one each."""
    deployed.config = config
    checks = by_id(auth.checks(_page(deployed).context()))
    assert set(checks) == {"auth.guests", "auth.token-settings", *auth.PAGE_IDS}
    assert failed(checks) == set()


def test_a_secret_in_the_function_s_environment_fails(deployed: Deployed) -> None:
    d = _page(deployed)
    function = d.aws.lambda_.get_function_configuration(FunctionName="jitsi-auth")
    variables = {**function["Environment"]["Variables"], "SIGNING_KEY": AUTH_SECRET}
    d.aws.lambda_.update_function_configuration(
        FunctionName="jitsi-auth", Environment={"Variables": variables}
    )
    checks = by_id(auth.checks(d.context()))
    assert failed(checks) == {"auth.function"}
    assert checks["auth.function"].observed["secrets_in_environment"] == ["SIGNING_KEY"]


def test_guests_off_in_the_config_but_on_in_the_images_fails(deployed: Deployed) -> None:
    d = _page(deployed)
    config = Config.model_validate({**d.config.model_dump(), "jitsi": {"guests": False}})
    checks = by_id(auth.checks(d.context(config)))
    assert "auth.guests" in failed(checks)


@pytest.mark.parametrize("unset", ["IDP_ISSUER", "IDP_CLIENT_ID"])
def test_a_function_that_accepts_any_issuer_or_client_fails(deployed: Deployed, unset: str) -> None:
    """issue 21: without its IdP's issuer and client the function would take any header."""
    d = _page(deployed)
    function = d.aws.lambda_.get_function_configuration(FunctionName="jitsi-auth")
    variables = {k: v for k, v in function["Environment"]["Variables"].items() if k != unset}
    d.aws.lambda_.update_function_configuration(
        FunctionName="jitsi-auth", Environment={"Variables": variables}
    )
    checks = by_id(auth.checks(d.context()))
    assert failed(checks) == {"auth.function"}
    assert checks["auth.function"].observed[unset] is None
    assert checks["auth.function"].expected[unset]


def test_a_changed_health_check_on_the_auth_target_group_fails(deployed: Deployed) -> None:
    """issue 21: at 10 s instead of 300 s the ALB invokes the function 30 times as often."""
    d = _page(deployed)
    arn = d.outputs["auth"]["target_group_arn"]
    d.aws.elbv2.modify_target_group(TargetGroupArn=arn, HealthCheckIntervalSeconds=10)
    checks = by_id(auth.checks(d.context()))
    assert failed(checks) == {"auth.target"}
    assert checks["auth.target"].observed["health_check"]["interval"] == 10


def test_a_pool_without_mfa_or_with_day_long_tokens_fails(deployed: Deployed) -> None:
    """issue 21: a phished password alone, or a removed member still in for days, is caught."""
    d = _page(deployed)
    pool_id = d.outputs["auth"]["user_pool_id"]
    client_id = d.outputs["auth"]["user_pool_client_id"]
    assert failed(by_id(auth.checks(d.context()))) == set()
    d.aws.cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF")
    d.aws.cognito.update_user_pool_client(
        UserPoolId=pool_id,
        ClientId=client_id,
        RefreshTokenValidity=30,
        TokenValidityUnits={"RefreshToken": "days"},
    )
    checks = by_id(auth.checks(d.context()))
    assert failed(checks) == {"auth.user-pool"}
    seen = checks["auth.user-pool"].observed
    assert seen["mfa"] == "OFF" and seen["token_minutes"]["refresh"] == 30 * 1440


def test_required_mfa_expects_it_on(deployed: Deployed) -> None:
    d = _page(deployed)
    required = Config.model_validate({**d.config.model_dump(), "auth": {"mfa": "required"}})
    checks = by_id(auth.checks(d.context(required)))
    assert failed(checks) == {"auth.user-pool"}
    assert checks["auth.user-pool"].expected["mfa"] == "ON"


def test_an_alb_session_of_days_fails(deployed: Deployed) -> None:
    d = _page(deployed)
    rule = d.outputs["auth"]["listener_rule_arn"]
    actions = d.aws.elbv2.describe_rules(RuleArns=[rule])["Rules"][0]["Actions"]
    actions[0]["AuthenticateCognitoConfig"]["SessionTimeout"] = 43200
    d.aws.elbv2.modify_rule(RuleArn=rule, Actions=actions)
    checks = by_id(auth.checks(d.context()))
    assert failed(checks) == {"auth.listener-rule"}
    assert checks["auth.listener-rule"].observed["login"]["session_timeout"] == 43200


def _rate_limited(d: Deployed, limit: int) -> Config:
    """The config with auth.login_rate_limit set, and a web ACL of `limit` on the pool."""
    waf = d.aws.wafv2
    rule = {
        "Name": "login-rate-limit",
        "Priority": 0,
        "Action": {"Block": {}},
        "Statement": {"RateBasedStatement": {"Limit": limit, "AggregateKeyType": "IP"}},
        "VisibilityConfig": {
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "jitsi-login-rate-limit",
        },
    }
    acl = waf.create_web_acl(
        Name="jitsi-login-rate-limit",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        Rules=[rule],
        VisibilityConfig={**rule["VisibilityConfig"], "MetricName": "jitsi-login"},
    )["Summary"]
    waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=d.outputs["auth"]["user_pool_arn"])
    return Config.model_validate({**d.config.model_dump(), "auth": {"login_rate_limit": 100}})


def test_no_login_rate_limit_by_default_skips_saying_how_to_turn_it_on(deployed: Deployed) -> None:
    check = by_id(auth.checks(_page(deployed).context()))["auth.login-rate-limit"]
    assert check.status == "skip" and "auth.login_rate_limit = 0" in check.detail


def test_a_login_rate_limit_on_the_pool_passes(deployed: Deployed) -> None:
    d = _page(deployed)
    checks = by_id(auth.checks(d.context(_rate_limited(d, 100))))
    assert failed(checks) == set()
    assert checks["auth.login-rate-limit"].status == "pass"


def test_a_missing_or_looser_login_rate_limit_fails(deployed: Deployed) -> None:
    """issue 21: the config asks for a rate limit on logins; without the ACL (or with a looser
    limit) password guessing runs unchecked."""
    d = _page(deployed)
    config = Config.model_validate({**d.config.model_dump(), "auth": {"login_rate_limit": 100}})
    check = by_id(auth.checks(d.context(config)))["auth.login-rate-limit"]
    assert check.status == "fail" and "web ACL on user pool" in check.detail
    checks = by_id(auth.checks(d.context(_rate_limited(d, 2000))))
    assert failed(checks) == {"auth.login-rate-limit"}
    assert checks["auth.login-rate-limit"].observed["rate_rules"][0]["limit"] == 2000
