"""How people join: guests and token settings on the images, and the /auth/ page (its listener
rule and login, user pool and client, Lambda target and its health, the function's settings,
ADOT wiring and IAM, the log stream). Names and ARNs come from the outputs; what they must look
like from the config; the ADOT layer from what the target supplied."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from jitsi_ecs import iam_policy as policy
from jitsi_ecs.auth.package import HANDLER
from jitsi_ecs.aws import or_none
from jitsi_ecs.lambda_zip import RUNTIME
from jitsi_ecs.outputs import AuthOutputs
from jitsi_ecs.verify.edge import health_settings
from jitsi_ecs.verify.result import WARNING, Check, VerifyContext, compare, missing, skip

PAGE_IDS = (
    "auth.listener-rule",
    "auth.user-pool",
    "auth.login-rate-limit",
    "auth.target",
    "auth.invoke-permission",
    "auth.function",
    "auth.adot",
    "auth.iam",
    "auth.log-stream",
)
# A plain environment variable whose name says secret, or whose value is the secret itself.
SECRET_NAME = re.compile(r"SECRET$|PASSWORD|PRIVATE_KEY|TOKEN$")


def checks(ctx: VerifyContext) -> Iterator[Check]:
    yield from _images(ctx)
    auth = ctx.outputs.auth
    if not ctx.config.auth.enabled:
        for check_id in PAGE_IDS:
            yield skip(check_id, "auth.enabled = false in the config")
        return
    if auth is None:
        yield missing("auth.listener-rule", "the /auth/ page", "output auth")
        return
    yield from _rule(ctx, auth)
    yield from _user_pool(ctx, auth)
    yield from _login_rate_limit(ctx, auth)
    yield from _target(ctx, auth)
    yield from _function(ctx, auth)
    yield from _iam(ctx, auth)
    yield from _log_stream(ctx, auth)


# ---------------------------------------------------------------- the images


def _env(task_def: Any, container: str) -> dict[str, str]:
    for definition in task_def.get("containerDefinitions", []):
        if definition["name"] == container:
            return {e["name"]: e.get("value", "") for e in definition.get("environment", [])}
    return {}


def _images(ctx: VerifyContext) -> Iterator[Check]:
    """jitsi.guests on web and prosody; prosody accepts exactly jwt_app_id."""
    jitsi = ctx.config.jitsi
    if jitsi.auth_type != "jwt":
        yield skip("auth.guests", "jitsi.auth_type = none: everyone joins without a token")
        yield skip("auth.token-settings", "jitsi.auth_type = none")
        return
    outputs = ctx.outputs
    env: dict[str, dict[str, str]] = {}
    for container in ("web", "prosody"):
        # The service whose task runs the container: compact's shard runs both, growth's web
        # and xmpp one each (outputs.service_containers says which).
        key = next((k for k, cs in outputs.service_containers.items() if container in cs), None)
        name = outputs.service_names.get(key) if key else None
        service = ctx.aws.service(outputs.cluster_name, name) if name else None
        if service is None:
            yield missing("auth.guests", jitsi.guests, f"the ECS service running {container}")
            return
        env[container] = _env(ctx.aws.task_definition(service["taskDefinition"]), container)
    web, prosody = env["web"], env["prosody"]
    wanted = "1" if jitsi.guests else "0"
    yield compare(
        "auth.guests",
        {"web": wanted, "prosody": wanted},
        {"web": web.get("ENABLE_GUESTS"), "prosody": prosody.get("ENABLE_GUESTS")},
        "guests join a room a token holder opened"
        if jitsi.guests
        else "every participant needs a token",
    )
    yield compare(
        "auth.token-settings",
        {
            "ENABLE_AUTH": "1",
            "AUTH_TYPE": "jwt",
            "JWT_APP_ID": jitsi.jwt_app_id,
            "JWT_ACCEPTED_ISSUERS": jitsi.jwt_app_id,
            "JWT_ACCEPTED_AUDIENCES": jitsi.jwt_app_id,
        },
        {
            k: prosody.get(k)
            for k in (
                "ENABLE_AUTH",
                "AUTH_TYPE",
                "JWT_APP_ID",
                "JWT_ACCEPTED_ISSUERS",
                "JWT_ACCEPTED_AUDIENCES",
            )
        },
        "prosody accepts the tokens `link` and /auth/ mint, and only those",
    )


# ---------------------------------------------------------------- the ALB side


def _rule(ctx: VerifyContext, auth: AuthOutputs) -> Iterator[Check]:
    elb = ctx.aws.elbv2
    config = ctx.config.auth
    login: dict[str, Any]
    if config.provider == "cognito":
        login = {
            "type": "authenticate-cognito",
            "user_pool_arn": auth.user_pool_arn,
            "client_id": auth.user_pool_client_id,
            "domain": auth.user_pool_domain,
        }
    else:
        assert config.oidc is not None
        login = {
            "type": "authenticate-oidc",
            "issuer": config.oidc.issuer,
            "client_id": config.oidc.client_id,
        }
    expected = {
        "priority": "1",
        "paths": ["/auth", "/auth/*"],
        "actions": [login["type"], "forward"],
        "login": {
            **login,
            "unauthenticated": "authenticate",
            "session_timeout": SESSION_MINUTES * 60,
        },
        "forward_to": auth.target_group_arn,
    }
    rules = elb.describe_rules(ListenerArn=ctx.outputs.https_listener_arn)["Rules"]
    found = [r for r in rules if r["RuleArn"] == auth.listener_rule_arn]
    if not found:
        yield missing(
            "auth.listener-rule", expected, f"rule {auth.listener_rule_arn} on the HTTPS listener"
        )
        return
    rule: Any = found[0]
    actions = sorted(rule.get("Actions", []), key=lambda a: a.get("Order", 0))
    first = actions[0] if actions else {}
    seen_login: dict[str, Any] = {"type": first.get("Type")}
    if first.get("Type") == "authenticate-cognito":
        cfg = first.get("AuthenticateCognitoConfig", {})
        seen_login |= {
            "user_pool_arn": cfg.get("UserPoolArn"),
            "client_id": cfg.get("UserPoolClientId"),
            "domain": cfg.get("UserPoolDomain"),
        }
    else:
        cfg = first.get("AuthenticateOidcConfig", {})
        seen_login |= {"issuer": cfg.get("Issuer"), "client_id": cfg.get("ClientId")}
    seen_login["unauthenticated"] = cfg.get("OnUnauthenticatedRequest", "authenticate")
    seen_login["session_timeout"] = cfg.get("SessionTimeout", 604800)  # AWS's default: 7 days
    paths = sorted(
        v
        for cond in rule.get("Conditions", [])
        if cond.get("Field") == "path-pattern"
        for v in cond.get("PathPatternConfig", {}).get("Values", cond.get("Values", []))
    )
    yield compare(
        "auth.listener-rule",
        expected,
        {
            "priority": rule.get("Priority"),
            "paths": paths,
            "actions": [a.get("Type") for a in actions],
            "login": seen_login,
            "forward_to": actions[-1].get("TargetGroupArn") if actions else None,
        },
        "nobody reaches the function without logging in first",
    )


def _user_pool(ctx: VerifyContext, auth: AuthOutputs) -> Iterator[Check]:
    if ctx.config.auth.provider != "cognito":
        yield skip("auth.user-pool", "provider = oidc: the identity provider owns the users")
        return
    cognito = ctx.aws.cognito
    callback = auth.callback_url
    expected = {
        "invited_only": True,
        "sign_in_with": ["email"],
        "callback_urls": [callback],
        "flows": ["code"],
        "openid": True,
        "client_secret": True,
        "identity_providers": ["COGNITO"],
        "domain": "ACTIVE",
        "mfa": {"optional": "OPTIONAL", "required": "ON"}[ctx.config.auth.mfa],
        "totp": True,
        "token_minutes": {
            "id": SESSION_MINUTES,
            "access": SESSION_MINUTES,
            "refresh": SESSION_MINUTES,
        },
    }
    pool_id = auth.user_pool_id or ""
    pool: Any = or_none(lambda: cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"])
    if pool is None:
        yield missing("auth.user-pool", expected, f"user pool {pool_id}")
        return
    client: Any = or_none(
        lambda: cognito.describe_user_pool_client(
            UserPoolId=pool_id, ClientId=auth.user_pool_client_id or ""
        )["UserPoolClient"]
    )
    domain: Any = or_none(
        lambda: cognito.describe_user_pool_domain(Domain=auth.user_pool_domain or "")[
            "DomainDescription"
        ]
    )
    client = client or {}
    mfa: Any = or_none(lambda: cognito.get_user_pool_mfa_config(UserPoolId=pool_id)) or {}
    yield compare(
        "auth.user-pool",
        expected,
        {
            "invited_only": pool.get("AdminCreateUserConfig", {}).get("AllowAdminCreateUserOnly"),
            "sign_in_with": pool.get("UsernameAttributes"),
            "callback_urls": client.get("CallbackURLs"),
            "flows": client.get("AllowedOAuthFlows"),
            "openid": "openid" in client.get("AllowedOAuthScopes", []),
            "client_secret": bool(client.get("ClientSecret")),
            "identity_providers": client.get("SupportedIdentityProviders"),
            "domain": (domain or {}).get("Status"),
            "mfa": pool.get("MfaConfiguration", "OFF"),
            "totp": bool(mfa.get("SoftwareTokenMfaConfiguration", {}).get("Enabled")),
            "token_minutes": token_minutes(client),
        },
        "members are invited; the ALB's app client returns to https://<domain>/oauth2/idpresponse; "
        "a TOTP second factor (auth.mfa); no token outlives an hour, so a removed member is out "
        "within it",
    )


def _login_rate_limit(ctx: VerifyContext, auth: AuthOutputs) -> Iterator[Check]:
    """auth.login_rate_limit: a WAF web ACL on the user pool blocks an IP address that sends
    more login requests in 5 minutes than the limit (password guessing)."""
    config = ctx.config.auth
    if config.provider != "cognito":
        yield skip(
            "auth.login-rate-limit", "provider = oidc: the identity provider guards its logins"
        )
        return
    if config.login_rate_limit == 0:
        yield skip(
            "auth.login-rate-limit",
            "auth.login_rate_limit = 0 in the config: no WAF rate rule on the user pool (set it, "
            "e.g. to 100 requests per IP address in 5 minutes, to slow password guessing; "
            "~$6/month)",
        )
        return
    expected = {
        "rate_rules": [{"action": "block", "limit": config.login_rate_limit, "key": "IP"}],
    }
    pool_arn = auth.user_pool_arn or ""
    found: Any = or_none(lambda: ctx.aws.wafv2.get_web_acl_for_resource(ResourceArn=pool_arn))
    acl = (found or {}).get("WebACL")
    if not acl:
        yield missing("auth.login-rate-limit", expected, f"a WAF web ACL on user pool {pool_arn}")
        return
    rules = [
        {
            "action": next(iter(rule.get("Action") or {"none": {}})).lower(),
            "limit": rate.get("Limit"),
            "key": rate.get("AggregateKeyType"),
        }
        for rule in acl.get("Rules", [])
        if (rate := rule.get("Statement", {}).get("RateBasedStatement")) is not None
    ]
    yield compare(
        "auth.login-rate-limit",
        expected,
        {"rate_rules": rules},
        f"web ACL {acl.get('Name')} on the user pool blocks an IP address past "
        f"{config.login_rate_limit} login requests in 5 minutes (auth.login_rate_limit)",
    )


# Module auth's local.session_minutes: the ALB session and every Cognito token.
SESSION_MINUTES = 60
_TO_MINUTES = {"seconds": 1 / 60, "minutes": 1, "hours": 60, "days": 1440}


def token_minutes(client: Any) -> dict[str, float | None]:
    """The app client's token lifetimes in minutes (Cognito's defaults when unset: id and
    access 1 hour, refresh 30 days)."""
    units = client.get("TokenValidityUnits", {})
    found: dict[str, float | None] = {}
    for kind, key, default_unit, default in (
        ("id", "IdToken", "hours", 1),
        ("access", "AccessToken", "hours", 1),
        ("refresh", "RefreshToken", "days", 30),
    ):
        value = client.get(f"{key}Validity")
        unit = units.get(key) or default_unit
        found[kind] = (default if value is None else value) * _TO_MINUTES.get(unit, 1)
    return found


# Module auth's target group check: every 5 minutes, since each check is a billed invocation
# (at 10 s the ALB would invoke the function 30 times as often).
HEALTH_CHECK = {
    "path": "/auth/health",
    "interval": 300,
    "timeout": 30,
    "healthy_threshold": 2,
    "unhealthy_threshold": 2,
}


def _target(ctx: VerifyContext, auth: AuthOutputs) -> Iterator[Check]:
    elb = ctx.aws.elbv2
    expected = {
        "type": "lambda",
        "health_check": HEALTH_CHECK,
        "targets": {auth.function_arn: "healthy"},
    }
    found = or_none(lambda: elb.describe_target_groups(TargetGroupArns=[auth.target_group_arn]))
    if not found or not found["TargetGroups"]:
        yield missing("auth.target", expected, f"target group {auth.target_group_arn}")
        return
    group: Any = found["TargetGroups"][0]
    health = elb.describe_target_health(TargetGroupArn=auth.target_group_arn)
    targets = {
        d["Target"]["Id"]: d.get("TargetHealth", {}).get("State")
        for d in health["TargetHealthDescriptions"]
    }
    observed = {
        "type": group.get("TargetType"),
        "health_check": health_settings(group) if group.get("HealthCheckEnabled") else None,
        "targets": targets,
    }
    if observed == {**expected, "targets": {auth.function_arn: "initial"}}:
        # Right after a deployment: the first checks (every 5 minutes) have not run yet.
        yield Check(
            "auth.target",
            "pass",
            expected,
            observed,
            WARNING + "the first health checks are still pending; run verify again in 10 min",
        )
    else:
        yield compare(
            "auth.target",
            expected,
            observed,
            "the function is the target and passes its health check (it can read the secret); "
            "the check runs every 5 minutes (each one is a billed invocation)",
        )
    policy_text = or_none(
        lambda: ctx.aws.lambda_.get_policy(FunctionName=auth.function_name)["Policy"]
    )
    statements = json.loads(policy_text or "{}").get("Statement", [])
    invokers = sorted(
        {
            str(s.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn"))
            for s in statements
            if s.get("Effect") == "Allow"
            and "elasticloadbalancing.amazonaws.com" in json.dumps(s.get("Principal"))
        }
    )
    yield compare(
        "auth.invoke-permission",
        [auth.target_group_arn],
        invokers,
        "only this target group may invoke the function",
    )


# ---------------------------------------------------------------- the function


def adot_expected(ctx: VerifyContext, auth: AuthOutputs) -> dict[str, str | None]:
    region = ctx.config.region
    wanted: dict[str, str | None] = {
        "OTEL_PYTHON_DISTRO": "aws_distro",
        "OTEL_PYTHON_CONFIGURATOR": "aws_configurator",
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"https://xray.{region}.amazonaws.com/v1/traces",
        "OTEL_LOGS_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": f"https://logs.{region}.amazonaws.com/v1/logs",
        "OTEL_EXPORTER_OTLP_LOGS_HEADERS": (
            f"x-aws-log-group={ctx.outputs.log_group_name},x-aws-log-stream={auth.log_stream_name}"
        ),
        # Metrics are EMF lines on stdout (auth/metrics.py), not the SDK's exporter.
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_AWS_APPLICATION_SIGNALS_ENABLED": "false",
    }
    wanted["AWS_LAMBDA_EXEC_WRAPPER"] = "/opt/otel-instrument" if ctx.adot_lambda_layer else None
    return wanted


def idp_expected(ctx: VerifyContext, auth: AuthOutputs) -> dict[str, str | None]:
    """The issuer and client whose headers the function accepts (issue 21): the user pool's
    issuer URL and the ALB's app client, or the configured IdP's."""
    oidc = ctx.config.auth.oidc
    if ctx.config.auth.provider == "oidc" and oidc is not None:
        return {"IDP_ISSUER": oidc.issuer, "IDP_CLIENT_ID": oidc.client_id}
    region = ctx.config.region
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return {
        "IDP_ISSUER": f"https://cognito-idp.{region}.{suffix}/{auth.user_pool_id}",
        "IDP_CLIENT_ID": auth.user_pool_client_id,
    }


def _function(ctx: VerifyContext, auth: AuthOutputs) -> Iterator[Check]:
    outputs = ctx.outputs
    expected: dict[str, Any] = {
        "runtime": RUNTIME,
        "handler": HANDLER,
        "in_vpc": False,
        "tracing": "Active",
        "ALB_ARN": outputs.alb_arn,
        "PUBLIC_URL": outputs.url,
        "JWT_APP_ID": outputs.jwt_app_id,
        "JWT_SECRET_PARAMETER": outputs.jwt_secret_parameter_name,
        "TOKEN_TTL_HOURS": str(ctx.config.auth.token_ttl_hours),
        "METRIC_NAMESPACE": ctx.config.observability.metric_namespace,
        "GUESTS": "true" if ctx.config.jitsi.guests else "false",
        **idp_expected(ctx, auth),
        "secrets_in_environment": [],
    }
    fn: Any = or_none(
        lambda: ctx.aws.lambda_.get_function(FunctionName=auth.function_name)["Configuration"]
    )
    if fn is None:
        yield missing("auth.function", expected, f"function {auth.function_name}")
        yield missing("auth.adot", adot_expected(ctx, auth), f"function {auth.function_name}")
        return
    env = fn.get("Environment", {}).get("Variables", {})
    secret = _secret(ctx)
    leaked = sorted(
        k for k, v in env.items() if SECRET_NAME.search(k) or (secret is not None and v == secret)
    )
    yield compare(
        "auth.function",
        expected,
        {
            "runtime": fn.get("Runtime"),
            "handler": fn.get("Handler"),
            "in_vpc": bool(fn.get("VpcConfig", {}).get("SubnetIds")),
            "tracing": fn.get("TracingConfig", {}).get("Mode"),
            **{
                k: env.get(k)
                for k in (
                    "ALB_ARN",
                    "PUBLIC_URL",
                    "JWT_APP_ID",
                    "JWT_SECRET_PARAMETER",
                    "TOKEN_TTL_HOURS",
                    "METRIC_NAMESPACE",
                    "GUESTS",
                    "IDP_ISSUER",
                    "IDP_CLIENT_ID",
                )
            },
            "secrets_in_environment": leaked,
        },
        "outside the VPC; the signing secret is read from SSM, never put in the environment; "
        "headers of this IdP and app client only",
    )
    wanted = adot_expected(ctx, auth)
    layers = [layer["Arn"] for layer in fn.get("Layers", [])]
    yield compare(
        "auth.adot",
        {**wanted, "layers": [ctx.adot_lambda_layer] if ctx.adot_lambda_layer else []},
        {**{k: env.get(k) for k in wanted}, "layers": layers},
        "collector-less ADOT: traces to X-Ray, logs to the auth stream (metrics: EMF on "
        "stdout); the layer is the one the target supplies",
    )


def _secret(ctx: VerifyContext) -> str | None:
    name = ctx.outputs.jwt_secret_parameter_name
    if name is None:
        return None
    found: Any = or_none(lambda: ctx.aws.ssm.get_parameter(Name=name, WithDecryption=True))
    return str(found["Parameter"]["Value"]) if found else None


def _grants(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (action, resource)
        for statement in policy.allowing(document)
        for action in policy.listed(statement.get("Action", []))
        for resource in policy.listed(statement.get("Resource", []))
    }


def expected_grants(ctx: VerifyContext, auth: AuthOutputs) -> set[tuple[str, str]]:
    _, partition, _, region, account = ctx.outputs.alb_arn.split(":")[:5]
    logs = f"arn:{partition}:logs:{region}:{account}:log-group:"
    group = logs + ctx.outputs.log_group_name
    secret_arn = ctx.outputs.secret_parameter_arns.get("JWT_APP_SECRET", "")
    grants = {("ssm:GetParameter", secret_arn)}
    own = f"{logs}/aws/lambda/{auth.function_name}:*"
    grants |= {(a, own) for a in ("logs:CreateLogStream", "logs:PutLogEvents")}
    xray = ("PutTraceSegments", "PutTelemetryRecords", "GetSamplingRules", "GetSamplingTargets")
    grants |= {(f"xray:{a}", "*") for a in xray}
    stream = f"{group}:log-stream:{auth.log_stream_name}"
    for action in ("logs:PutLogEvents", "logs:DescribeLogStreams"):
        grants |= {(action, group), (action, stream)}
    return grants


def _iam(ctx: VerifyContext, auth: AuthOutputs) -> Iterator[Check]:
    iam = ctx.aws.iam
    expected = {"attached_policies": [], "grants": sorted(expected_grants(ctx, auth))}
    names: Any = or_none(lambda: iam.list_role_policies(RoleName=auth.role_name)["PolicyNames"])
    if names is None:
        yield missing("auth.iam", expected, f"role {auth.role_name}")
        return
    grants: set[tuple[str, str]] = set()
    for name in names:
        document = iam.get_role_policy(RoleName=auth.role_name, PolicyName=name)["PolicyDocument"]
        grants |= _grants(policy.document(document))
    attached = iam.list_attached_role_policies(RoleName=auth.role_name)["AttachedPolicies"]
    yield compare(
        "auth.iam",
        expected,
        {
            "attached_policies": sorted(p["PolicyName"] for p in attached),
            "grants": sorted(grants),
        },
        "least privilege: one parameter, its own logs, X-Ray, the auth stream; nothing else",
    )


def _log_stream(ctx: VerifyContext, auth: AuthOutputs) -> Iterator[Check]:
    logs = ctx.aws.logs
    group = ctx.outputs.log_group_name
    found = or_none(
        lambda: logs.describe_log_streams(
            logGroupName=group, logStreamNamePrefix=auth.log_stream_name
        )["logStreams"]
    )
    names = sorted(s["logStreamName"] for s in found or [])
    yield compare(
        "auth.log-stream",
        {"group": group, "stream": auth.log_stream_name},
        {"group": group, "stream": auth.log_stream_name if auth.log_stream_name in names else None},
        "the OTLP logs endpoint writes into an existing stream only",
    )
