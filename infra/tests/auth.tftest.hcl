# Module auth: the /auth/ page behind an authenticate action, a Lambda target, least-privilege
# IAM, ADOT wiring and its alarm. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                 = "jitsi"
  region               = "us-west-2"
  domain               = "meet.example.com"
  alb_arn              = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/jitsi/0123456789abcdef"
  https_listener_arn   = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/jitsi/0123456789abcdef/0123456789abcdef"
  jwt_app_id           = "jitsi"
  jwt_secret_parameter = { name = "/jitsi/jwt_app_secret", arn = "arn:aws:ssm:us-west-2:123456789012:parameter/jitsi/jwt_app_secret" }
  package              = { path = "auth.zip", hash = "bW9jaw==", architecture = "x86_64", handler = "jitsi_ecs.auth.handler.handler", runtime = "python3.13" }
  log_group_name       = "/ecs/jitsi-app"
  metric_namespace     = "Jitsi"
  alarm_topic_arn      = "arn:aws:sns:us-west-2:123456789012:deployment-alerts"
  # No module defaults: the root passes the config's values (config.py owns the defaults).
  provider_type      = "cognito"
  guests             = true
  token_ttl_hours    = 1
  mfa                = "optional"
  login_rate_limit   = 0
  log_retention_days = 30
}

run "cognito_login_then_the_function" {
  command = apply

  module {
    source = "./modules/auth"
  }

  assert {
    condition = (aws_cognito_user_pool.this[0].admin_create_user_config[0].allow_admin_create_user_only &&
      aws_cognito_user_pool.this[0].username_attributes == toset(["email"]) &&
    strcontains(aws_cognito_user_pool.this[0].admin_create_user_config[0].invite_message_template[0].email_message, "https://meet.example.com/auth/"))
    error_message = "members are invited (no self sign-up), log in with their e-mail, and the invitation names the page"
  }
  assert {
    condition = (aws_cognito_user_pool_client.this[0].generate_secret &&
      aws_cognito_user_pool_client.this[0].allowed_oauth_flows == toset(["code"]) &&
      contains(aws_cognito_user_pool_client.this[0].allowed_oauth_scopes, "openid") &&
    aws_cognito_user_pool_client.this[0].callback_urls == toset(["https://meet.example.com/oauth2/idpresponse"]))
    error_message = "the app client the ALB needs: a secret, the code grant, openid, the ALB's callback"
  }
  assert {
    condition = (aws_lb_listener_rule.this.priority == 1 &&
      [for a in aws_lb_listener_rule.this.action : "${a.order}:${a.type}"] == ["1:authenticate-cognito", "2:forward"] &&
      aws_lb_listener_rule.this.action[0].authenticate_cognito[0].user_pool_domain == aws_cognito_user_pool_domain.this[0].domain &&
      aws_lb_listener_rule.this.action[0].authenticate_cognito[0].on_unauthenticated_request == "authenticate" &&
      aws_lb_listener_rule.this.action[1].target_group_arn == aws_lb_target_group.this.arn &&
    one([for c in aws_lb_listener_rule.this.condition : c.path_pattern[0].values]) == toset(["/auth", "/auth/*"]))
    error_message = "/auth and /auth/* log in with Cognito first, then reach the function"
  }
  assert {
    condition = (aws_lb_target_group.this.target_type == "lambda" &&
      aws_lb_target_group.this.health_check[0].path == "/auth/health" &&
      aws_lambda_permission.alb.principal == "elasticloadbalancing.amazonaws.com" &&
      aws_lambda_permission.alb.source_arn == aws_lb_target_group.this.arn &&
    aws_lb_target_group_attachment.this.target_id == aws_lambda_function.this.arn)
    error_message = "a Lambda target group with a health check, invoke permission for that target group only, the function attached"
  }
  assert {
    condition = (aws_lambda_function.this.runtime == "python3.13" &&
      aws_lambda_function.this.handler == "jitsi_ecs.auth.handler.handler" &&
      aws_lambda_function.this.architectures == tolist(["x86_64"]) &&
      length(aws_lambda_function.this.vpc_config) == 0 &&
    aws_lambda_function.this.tracing_config[0].mode == "Active")
    error_message = "the package's runtime and architecture, outside the VPC, with active tracing"
  }
  assert {
    condition = (aws_lambda_function.this.environment[0].variables["ALB_ARN"] == var.alb_arn &&
      aws_lambda_function.this.environment[0].variables["PUBLIC_URL"] == "https://meet.example.com" &&
      aws_lambda_function.this.environment[0].variables["JWT_SECRET_PARAMETER"] == "/jitsi/jwt_app_secret" &&
    alltrue([for k, v in aws_lambda_function.this.environment[0].variables : !can(regex("SECRET$|PASSWORD|PRIVATE", k))]))
    error_message = "the function knows its ALB, site and the secret's parameter name, never the secret"
  }
  assert {
    condition = (aws_lambda_function.this.environment[0].variables["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] == "https://xray.us-west-2.amazonaws.com/v1/traces" &&
      aws_lambda_function.this.environment[0].variables["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] == "x-aws-log-group=/ecs/jitsi-app,x-aws-log-stream=auth" &&
      aws_lambda_function.this.environment[0].variables["OTEL_METRICS_EXPORTER"] == "none" &&
      aws_lambda_function.this.environment[0].variables["METRIC_NAMESPACE"] == "Jitsi" &&
      aws_lambda_function.this.environment[0].variables["OTEL_PYTHON_DISTRO"] == "aws_distro" &&
    length(aws_lambda_function.this.layers) == 0 && !contains(keys(aws_lambda_function.this.environment[0].variables), "AWS_LAMBDA_EXEC_WRAPPER"))
    error_message = "collector-less ADOT settings (metrics: EMF on stdout); without a layer no wrapper (it would not exist)"
  }
  assert {
    condition     = aws_cloudwatch_log_stream.auth.name == "auth" && aws_cloudwatch_log_stream.auth.log_group_name == "/ecs/jitsi-app"
    error_message = "OTLP logs go to stream auth of the containers' log group"
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.errors.metric_name == "Errors" &&
      aws_cloudwatch_metric_alarm.errors.namespace == "AWS/Lambda" &&
      aws_cloudwatch_metric_alarm.errors.threshold == 0 && aws_cloudwatch_metric_alarm.errors.period == 300 &&
      aws_cloudwatch_metric_alarm.errors.comparison_operator == "GreaterThanThreshold" &&
    aws_cloudwatch_metric_alarm.errors.alarm_actions == toset(["arn:aws:sns:us-west-2:123456789012:deployment-alerts"]))
    error_message = "any function error within 5 minutes alarms on deployment-alerts"
  }
  assert {
    condition     = output.user_pool_id == aws_cognito_user_pool.this[0].id && output.callback_url == "https://meet.example.com/oauth2/idpresponse"
    error_message = "the outputs members and verify read"
  }

  # ---- mfa and an hour long login
  assert {
    condition     = aws_cognito_user_pool.this[0].mfa_configuration == "OPTIONAL" && aws_cognito_user_pool.this[0].software_token_mfa_configuration[0].enabled
    error_message = "TOTP offered as a second factor"
  }
  assert {
    condition = (aws_lb_listener_rule.this.action[0].authenticate_cognito[0].session_timeout == 3600 &&
      aws_cognito_user_pool_client.this[0].id_token_validity == 60 &&
      aws_cognito_user_pool_client.this[0].access_token_validity == 60 &&
      aws_cognito_user_pool_client.this[0].refresh_token_validity == 60 &&
    aws_cognito_user_pool_client.this[0].token_validity_units[0].refresh_token == "minutes")
    error_message = "the ALB session and every Cognito token last an hour at most"
  }

  # ---- the function knows its issuer and client:
  # issue 21: the function accepts headers of this stack's IdP and app client only.
  assert {
    condition = (aws_lambda_function.this.environment[0].variables["IDP_ISSUER"] == "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_mock" &&
    aws_lambda_function.this.environment[0].variables["IDP_CLIENT_ID"] == aws_cognito_user_pool_client.this[0].id)
    error_message = "cognito: the pool's issuer URL and the ALB's app client"
  }
}

# issue 21: a second factor for members, and a removed member out within the hour.
run "no_login_rate_limit_by_default" {
  command = plan

  module {
    source = "./modules/auth"
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && length(aws_wafv2_web_acl_association.this) == 0 && output.login_web_acl_name == null
    error_message = "login_rate_limit = 0: no web ACL (it costs money)"
  }
}

run "a_login_rate_limit_on_the_user_pool" {
  command = apply

  module {
    source = "./modules/auth"
  }

  variables {
    login_rate_limit = 100
  }

  assert {
    condition = (aws_wafv2_web_acl.this[0].scope == "REGIONAL" &&
      length(aws_wafv2_web_acl.this[0].default_action[0].allow) == 1 &&
      length(aws_wafv2_web_acl.this[0].rule) == 1 &&
    output.login_web_acl_name == "jitsi-login-rate-limit")
    error_message = "one regional web ACL named after the stack that allows by default, with one rule"
  }
  assert {
    condition = alltrue([for r in aws_wafv2_web_acl.this[0].rule : (
      length(r.action[0].block) == 1 &&
      r.statement[0].rate_based_statement[0].limit == 100 &&
      r.statement[0].rate_based_statement[0].aggregate_key_type == "IP" &&
      r.visibility_config[0].cloudwatch_metrics_enabled
    )])
    error_message = "the rule blocks an IP address past the configured requests per 5 minutes, with CloudWatch metrics"
  }
  assert {
    condition = (aws_wafv2_web_acl_association.this[0].resource_arn == aws_cognito_user_pool.this[0].arn &&
    aws_wafv2_web_acl_association.this[0].web_acl_arn == aws_wafv2_web_acl.this[0].arn)
    error_message = "the ACL guards the user pool (its hosted login), not the ALB"
  }
}

run "a_login_rate_limit_below_the_waf_minimum" {
  command = plan

  module {
    source = "./modules/auth"
  }

  variables {
    login_rate_limit = 9
  }

  expect_failures = [var.login_rate_limit]
}

run "mfa_required" {
  command = apply

  module {
    source = "./modules/auth"
  }

  variables {
    mfa = "required"
  }

  assert {
    condition     = aws_cognito_user_pool.this[0].mfa_configuration == "ON"
    error_message = "required: every member sets up an authenticator app"
  }
}

run "with_the_adot_layer" {
  command = apply

  module {
    source = "./modules/auth"
  }

  variables {
    adot_layer_arn = "arn:aws:lambda:us-west-2:615299751070:layer:AWSOpenTelemetryDistroPython:33"
  }

  assert {
    condition     = aws_lambda_function.this.layers == tolist(["arn:aws:lambda:us-west-2:615299751070:layer:AWSOpenTelemetryDistroPython:33"]) && aws_lambda_function.this.environment[0].variables["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/otel-instrument"
    error_message = "the layer's wrapper loads the ADOT distro"
  }
}

run "an_existing_oidc_idp" {
  command = apply

  module {
    source = "./modules/auth"
  }

  variables {
    provider_type = "oidc"
    oidc = {
      issuer                  = "https://idp.example.com"
      authorization_endpoint  = "https://idp.example.com/authorize"
      token_endpoint          = "https://idp.example.com/token"
      user_info_endpoint      = "https://idp.example.com/userinfo"
      client_id               = "jitsi"
      client_secret_parameter = "/jitsi/oidc-client-secret"
    }
  }

  assert {
    condition = (length(aws_cognito_user_pool.this) == 0 &&
      [for a in aws_lb_listener_rule.this.action : "${a.order}:${a.type}"] == ["1:authenticate-oidc", "2:forward"] &&
      aws_lb_listener_rule.this.action[0].authenticate_oidc[0].issuer == "https://idp.example.com" &&
      aws_lb_listener_rule.this.action[0].authenticate_oidc[0].client_secret == data.aws_ssm_parameter.oidc_client_secret[0].value &&
    aws_lb_listener_rule.this.action[0].authenticate_oidc[0].session_timeout == 3600)
    error_message = "oidc: no user pool; the ALB logs in against the IdP with the client secret from SSM"
  }
  assert {
    condition     = output.provider == "oidc" && output.user_pool_id == null
    error_message = "members commands learn that the IdP owns the users"
  }
  assert {
    condition = (aws_lambda_function.this.environment[0].variables["IDP_ISSUER"] == "https://idp.example.com" &&
    aws_lambda_function.this.environment[0].variables["IDP_CLIENT_ID"] == "jitsi")
    error_message = "oidc: the function accepts the configured issuer and client only"
  }
}
