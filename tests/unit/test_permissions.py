"""The deploying principal's policies: least privilege as parliament judges it, each small
enough for a customer-managed policy, scoped to this stack, computed without AWS."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from parliament import analyze_policy_string

from jitsi_ecs import permissions
from jitsi_ecs.config import Config

GROWTH = {
    "route53_zone_id": "Z0123456789ABCDEFGHIJ",
    "jitsi": {"layout": "growth", "turn": {"enabled": True}},
    "auth": {
        "provider": "oidc",
        "oidc": {
            "issuer": "https://idp.example.com",
            "authorization_endpoint": "https://idp.example.com/auth",
            "token_endpoint": "https://idp.example.com/token",
            "user_info_endpoint": "https://idp.example.com/userinfo",
            "client_id": "abc",
            "client_secret_parameter": "/idp/client-secret",
        },
    },
}
CONFIGS = {"default": Config(), "growth-oidc-zone": Config.model_validate(GROWTH)}


def _statements(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for p in found for s in p["document"]["Statement"]]


@pytest.mark.parametrize("account", ["123456789012", "*"])
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_parliament_finds_nothing_and_each_policy_fits(name: str, account: str) -> None:
    found = permissions.policies(CONFIGS[name], account)
    assert [p["name"] for p in found] == [
        f"jitsi-deploy-{area}"
        for area in ("state", "network", "compute", "identity", "observability")
    ]
    for policy in found:
        findings = analyze_policy_string(json.dumps(policy["document"])).findings
        assert [(f.issue, f.detail) for f in findings] == [], policy["name"]
        assert permissions.size(policy["document"]) <= permissions.MAX_POLICY_CHARS


def test_nothing_is_granted_on_everything() -> None:
    for statement in _statements(permissions.policies(CONFIGS["growth-oidc-zone"], "*")):
        actions = statement["Action"]
        assert "*" not in actions and not any(a.endswith(":*") for a in actions)
        assert statement["Effect"] == "Allow"


def test_resources_are_this_stack_region_account_bucket_and_zone() -> None:
    config = CONFIGS["growth-oidc-zone"].model_copy(update={"name": "meet", "region": "eu-west-1"})
    found = permissions.policies(config, "111122223333")
    resources = [
        arn
        for s in _statements(found)
        for arn in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
    ]
    scoped = [r for r in resources if r != "*"]
    assert len(scoped) > 40
    for arn in scoped:
        _, partition, _service, region, account, rest = arn.split(":", 5)
        assert partition == "aws"
        # Public parameters are read in the partition's home region (the preflight).
        assert region in ("eu-west-1", "") or rest.startswith("parameter/aws/service/"), arn
        # Another account only for what AWS publishes: the ADOT layer and public parameters.
        assert account in ("111122223333", "") or rest.startswith(
            ("layer:AWSOpenTelemetryDistroPython", "parameter/aws/service/")
        ), arn
    assert "arn:aws:s3:::jitsi-ecs-tfstate-111122223333-eu-west-1" in resources
    assert "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ" in resources
    assert "arn:aws:ssm:eu-west-1:111122223333:parameter/idp/client-secret" in resources
    assert "arn:aws:iam::111122223333:role/meet-*" in resources
    assert "arn:aws:ecs:eu-west-1:111122223333:cluster/meet" in resources
    # The log group is a key of its own (observability.log_group_name) ...
    assert "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/jitsi-app:*" in resources
    # ... and nothing else keeps the default stack's name (jitsi-ecs-... is the tool's own).
    assert not [r for r in scoped if re.search(r"[:/]jitsi(?!-ecs|-app)", r)]


def test_without_a_zone_or_oidc_their_grants_are_left_out() -> None:
    resources = json.dumps(permissions.policies(Config(), "*"))
    assert "hostedzone/{zone}" not in resources and "route53:::hostedzone/Z" not in resources
    assert "{oidc}" not in resources


def test_only_the_account_is_wild_without_an_account() -> None:
    text = json.dumps(permissions.policies(Config(), "*"))
    assert "123456789012" not in text
    assert "arn:aws:ecs:us-west-2:*:cluster/jitsi" in text


def test_every_action_the_tool_calls_itself_is_granted() -> None:
    """The preflight's and the diagnosis' calls (boto3, not Terraform) are in the policies."""
    from jitsi_ecs.diagnosis import DIAGNOSIS_ACTIONS
    from jitsi_ecs.preflight import PREFLIGHT_ACTIONS

    granted = {a for s in _statements(permissions.policies(Config(), "*")) for a in s["Action"]}
    assert set(PREFLIGHT_ACTIONS) <= granted
    assert set(DIAGNOSIS_ACTIONS) <= granted


def test_the_login_rate_limit_web_acl_is_granted_on_this_stack_only() -> None:
    """auth.login_rate_limit: Terraform creates, tags and associates the ACL; verify reads it."""
    statements = {s["Sid"]: s for s in _statements(permissions.policies(Config(), "111122223333"))}
    waf = statements["LoginRateLimit"]
    assert {
        "wafv2:CreateWebACL",
        "wafv2:GetWebACL",
        "wafv2:UpdateWebACL",
        "wafv2:DeleteWebACL",
        "wafv2:TagResource",
        "wafv2:ListTagsForResource",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "wafv2:GetWebACLForResource",
        "cognito-idp:AssociateWebACL",
        "cognito-idp:DisassociateWebACL",
        "cognito-idp:GetWebACLForResource",
    } <= set(waf["Action"])
    assert "arn:aws:wafv2:us-west-2:111122223333:regional/webacl/jitsi-*/*" in waf["Resource"]
    assert "arn:aws:cognito-idp:us-west-2:111122223333:userpool/*" in waf["Resource"]
