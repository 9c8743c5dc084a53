# Self-service meeting links at https://<domain>/auth/. The ALB runs the login (an
# authenticate-cognito action against a user pool made here, or authenticate-oidc against an
# existing IdP), then forwards to a Lambda target: nothing runs at idle, no image to build. The
# function checks the ALB's signed identity header, mints a moderator token and redirects to
# the meeting. It runs outside the VPC so it reaches SSM, the ALB key endpoint and the X-Ray and
# CloudWatch Logs OTLP endpoints without a NAT gateway or interface endpoints.
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  function_name = "${var.name}-auth"
  public_url    = "https://${var.domain}"
  cognito       = var.provider_type == "cognito"
  # The longest a login lasts (ALB session, Cognito tokens): a removed member is out after it.
  session_minutes = 60
  partition       = data.aws_partition.current.partition
  account_id      = data.aws_caller_identity.current.account_id
  log_group_arn   = "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${var.log_group_name}"
  own_logs_arn    = "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${local.function_name}"

  # Collector-less ADOT (FACTS.md, aws-facts C2): traces to the X-Ray OTLP endpoint, logs to
  # the CloudWatch Logs OTLP endpoint into the containers' group (stream auth). Metrics are EMF
  # lines the function prints (TokensIssued, LoginsDenied): the OpenTelemetry SDK would
  # lower-case their names and the awsemf exporter would add billed system.* metrics, so the
  # metrics exporter is off. Application Signals stays off too (its own metrics cost). The
  # layer's wrapper (AWS_LAMBDA_EXEC_WRAPPER) loads the distro; without a layer these are inert.
  adot_env = merge(module.adot_env.environment, {
    OTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED = "true"
  })
  # No secret here: the function reads the signing secret from SSM when it runs.
  app_env = {
    ALB_ARN              = var.alb_arn
    PUBLIC_URL           = local.public_url
    JWT_APP_ID           = var.jwt_app_id
    JWT_SECRET_PARAMETER = var.jwt_secret_parameter.name
    TOKEN_TTL_HOURS      = tostring(var.token_ttl_hours)
    METRIC_NAMESPACE     = var.metric_namespace
    GUESTS               = tostring(var.guests)
    # The ALB signs the identity header for every IdP and client it logs in with: the
    # function accepts only these (the `iss` and `client` of the header).
    IDP_ISSUER    = local.cognito ? "https://cognito-idp.${var.region}.${data.aws_partition.current.dns_suffix}/${one(aws_cognito_user_pool.this[*].id)}" : try(var.oidc.issuer, "")
    IDP_CLIENT_ID = local.cognito ? one(aws_cognito_user_pool_client.this[*].id) : try(var.oidc.client_id, "")
  }
  environment = merge(
    local.app_env,
    local.adot_env,
    var.adot_layer_arn == null ? {} : { AWS_LAMBDA_EXEC_WRAPPER = "/opt/otel-instrument" },
  )
}

# ---------------------------------------------------------------- who may log in
resource "aws_cognito_user_pool" "this" {
  count = local.cognito ? 1 : 0

  name                     = var.name
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  # `jitsi-ecs down` removes everything; members are re-invited after a rebuild.
  deletion_protection = "INACTIVE"
  tags                = var.tags

  # A second factor: a TOTP authenticator app (no SMS: it needs an SNS role and costs per
  # message). required: the hosted login asks each member to set one up at the next login.
  mfa_configuration = var.mfa == "required" ? "ON" : "OPTIONAL"
  software_token_mfa_configuration {
    enabled = true
  }

  # Members are invited (`jitsi-ecs members add`); nobody signs themselves up.
  admin_create_user_config {
    allow_admin_create_user_only = true

    invite_message_template {
      email_subject = "Your meetings at ${var.domain}"
      email_message = "You can start meetings at ${local.public_url}/auth/ . Sign in with {username} and the temporary password {####}; you will choose your own."
      sms_message   = "Meetings at ${local.public_url}/auth/ : user {username}, temporary password {####}"
    }
  }

  password_policy {
    minimum_length                   = 12
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = false
    temporary_password_validity_days = 7
  }
}

resource "aws_cognito_user_pool_client" "this" {
  count = local.cognito ? 1 : 0

  name         = "${var.name}-alb"
  user_pool_id = aws_cognito_user_pool.this[0].id
  # What the ALB's authenticate-cognito action needs (ELB guide): a secret, the code grant,
  # openid, and the ALB's callback on the site's own name.
  generate_secret                      = true
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["openid", "email", "profile"]
  callback_urls                        = ["${local.public_url}/oauth2/idpresponse"]
  supported_identity_providers         = ["COGNITO"]
  prevent_user_existence_errors        = "ENABLED"

  # Removing a member takes effect within the hour: the ALB's session (session_timeout
  # below) and every token Cognito issues last an hour at most (refresh tokens too, so the
  # ALB cannot stretch a session past it).
  id_token_validity      = local.session_minutes
  access_token_validity  = local.session_minutes
  refresh_token_validity = local.session_minutes
  token_validity_units {
    id_token      = "minutes"
    access_token  = "minutes"
    refresh_token = "minutes"
  }
}

resource "aws_cognito_user_pool_domain" "this" {
  count = local.cognito ? 1 : 0

  # Prefix domains are global per region: the account id keeps this one ours.
  domain       = "${var.name}-${local.account_id}"
  user_pool_id = aws_cognito_user_pool.this[0].id
}

data "aws_ssm_parameter" "oidc_client_secret" {
  count = local.cognito ? 0 : 1

  name            = var.oidc.client_secret_parameter
  with_decryption = true
}

# ---------------------------------------------------------------- the function
# The role's trust policy comes from the one module that writes every role's trust.
module "trust" {
  source = "../trust"
}

resource "aws_iam_role" "this" {
  name               = local.function_name
  assume_role_policy = module.trust.lambda
  tags               = var.tags
}

# Exactly what the function does: read one parameter, write its own logs (EMF metrics too),
# send spans to X-Ray, and write OTLP logs into one stream of the containers' group.
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "SigningSecret"
    actions   = ["ssm:GetParameter"]
    resources = [var.jwt_secret_parameter.arn]
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.own_logs_arn}:*"]
  }

  # X-Ray's write actions support no resource-level scoping.
  statement {
    sid       = "Traces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"]
  }

  statement {
    sid       = "OtlpLogs"
    actions   = ["logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [local.log_group_arn, "${local.log_group_arn}:log-stream:${aws_cloudwatch_log_stream.auth.name}"]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "auth-function"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158: a customer-managed KMS key costs $1/month; CloudWatch encrypts at rest already
  #checkov:skip=CKV_AWS_338: runtime logs of a login page; the OTLP copy lives in the containers' group
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# The OTLP logs endpoint writes into an existing stream only.
resource "aws_cloudwatch_log_stream" "auth" {
  name           = "auth"
  log_group_name = var.log_group_name
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116: invoked synchronously by the ALB; a failed request is answered, not queued
  #checkov:skip=CKV_AWS_117: outside the VPC on purpose: it reaches SSM, the ALB key endpoint and the OTLP endpoints without a NAT gateway
  #checkov:skip=CKV_AWS_173: the environment holds names and URLs only; the signing secret is read from SSM at run time
  #checkov:skip=CKV_AWS_272: code signing needs an AWS Signer profile; the zip is built from this repository
  #checkov:skip=CKV_AWS_115: reserved concurrency is taken from the account's pool (10 on new accounts); the ALB bounds the load
  function_name    = local.function_name
  description      = "Meeting links for members at https://${var.domain}/auth/"
  role             = aws_iam_role.this.arn
  runtime          = var.package.runtime
  handler          = var.package.handler
  filename         = var.package.path
  source_code_hash = var.package.hash
  architectures    = [var.package.architecture]
  memory_size      = 512 # more CPU for the ADOT and cryptography imports at a cold start
  timeout          = 10
  layers           = var.adot_layer_arn == null ? [] : [var.adot_layer_arn]
  tags             = var.tags

  environment {
    variables = local.environment
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

# ---------------------------------------------------------------- the ALB side
resource "aws_lb_target_group" "this" {
  name        = local.function_name
  target_type = "lambda"
  tags        = var.tags

  # Health checks reach the function directly (no login) and are billed as invocations (and
  # traced): every 5 minutes per ALB node stays far inside the free tiers. /auth/health fails
  # when the signing secret cannot be read. With every target unhealthy the ALB still sends
  # requests to it (fail open), so a slow first check blocks nobody.
  health_check {
    enabled             = true
    path                = "/auth/health"
    matcher             = "200"
    interval            = 300
    timeout             = 30
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "aws_lambda_permission" "alb" {
  statement_id  = "AllowALB"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "elasticloadbalancing.amazonaws.com"
  source_arn    = aws_lb_target_group.this.arn
}

resource "aws_lb_target_group_attachment" "this" {
  target_group_arn = aws_lb_target_group.this.arn
  target_id        = aws_lambda_function.this.arn

  depends_on = [aws_lambda_permission.alb]
}

resource "aws_lb_listener_rule" "this" {
  listener_arn = var.https_listener_arn
  priority     = var.rule_priority
  tags         = var.tags

  dynamic "action" {
    for_each = local.cognito ? [1] : []
    content {
      type  = "authenticate-cognito"
      order = 1

      authenticate_cognito {
        user_pool_arn              = aws_cognito_user_pool.this[0].arn
        user_pool_client_id        = aws_cognito_user_pool_client.this[0].id
        user_pool_domain           = aws_cognito_user_pool_domain.this[0].domain
        scope                      = "openid email profile"
        on_unauthenticated_request = "authenticate"
        session_timeout            = local.session_minutes * 60
      }
    }
  }

  dynamic "action" {
    for_each = local.cognito ? [] : [var.oidc]
    content {
      type  = "authenticate-oidc"
      order = 1

      authenticate_oidc {
        issuer                     = action.value.issuer
        authorization_endpoint     = action.value.authorization_endpoint
        token_endpoint             = action.value.token_endpoint
        user_info_endpoint         = action.value.user_info_endpoint
        client_id                  = action.value.client_id
        client_secret              = data.aws_ssm_parameter.oidc_client_secret[0].value
        scope                      = "openid email profile"
        on_unauthenticated_request = "authenticate"
        session_timeout            = local.session_minutes * 60
      }
    }
  }

  action {
    type             = "forward"
    order            = 2
    target_group_arn = aws_lb_target_group.this.arn
  }

  condition {
    path_pattern {
      values = ["/auth", "/auth/*"]
    }
  }

  depends_on = [aws_lb_target_group_attachment.this]
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${local.function_name}-errors"
  alarm_description   = "The /auth/ function failed: members cannot get meeting links"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
  tags                = var.tags
}

# ---------------------------------------------------------------- login rate limit
# Members type their password on Cognito's hosted UI, not behind the ALB: password guessing
# reaches the user pool's endpoints, so the rate rule sits on the pool. Off at 0: a web ACL
# costs $5 a month and its rule $1 (`jitsi-ecs cost` prices it).
resource "aws_wafv2_web_acl" "this" {
  #checkov:skip=CKV2_AWS_31: WAF logging needs a Firehose stream or a log group whose name starts with aws-waf-logs- and costs per GB; the rule's CloudWatch metrics and sampled requests show what it blocks
  #checkov:skip=CKV_AWS_192: the ACL guards Cognito's hosted login, which runs no Java of ours; one rate rule is its whole purpose (a managed rule group costs more per request)
  count = local.cognito && var.login_rate_limit > 0 ? 1 : 0

  name        = "${var.name}-login-rate-limit"
  description = "Blocks an IP address that sends the member login more than ${var.login_rate_limit} requests in 5 minutes"
  scope       = "REGIONAL"
  tags        = var.tags

  default_action {
    allow {}
  }

  rule {
    name     = "login-rate-limit"
    priority = 0

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.login_rate_limit
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-login-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-login"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "this" {
  count = length(aws_wafv2_web_acl.this)

  resource_arn = aws_cognito_user_pool.this[0].arn
  web_acl_arn  = aws_wafv2_web_acl.this[0].arn
}

# Collector-less ADOT export (modules/adot_env); no metric namespace: the function prints its
# own EMF lines.
module "adot_env" {
  source = "../adot_env"

  service_name   = local.function_name
  region         = var.region
  log_group_name = var.log_group_name
  log_stream     = aws_cloudwatch_log_stream.auth.name
}
