variable "name" {
  description = "Stack name; the function and target group are <name>-auth."
  type        = string
}

variable "region" {
  description = "AWS region (OTLP endpoints of X-Ray and CloudWatch Logs)."
  type        = string
}

variable "domain" {
  description = "Public host name of the site; the login returns to https://<domain>/oauth2/idpresponse."
  type        = string
}

variable "alb_arn" {
  description = "ARN of the ALB: the function accepts identities signed by this ALB only."
  type        = string
}

variable "https_listener_arn" {
  description = "HTTPS listener the /auth/* rule joins (authenticate actions work on HTTPS only)."
  type        = string
}

variable "rule_priority" {
  description = "Priority of the /auth/* listener rule: 1-9 are the tool's own (operator services take 10 and up), so it is evaluated before any of them."
  type        = number
  default     = 1
}

variable "provider_type" {
  description = "cognito (a user pool this module creates) or oidc (an existing IdP, see oidc)."
  type        = string
}

variable "oidc" {
  description = "The IdP when provider_type = oidc: endpoints, client id and the SSM parameter holding its client secret."
  type = object({
    issuer                  = string
    authorization_endpoint  = string
    token_endpoint          = string
    user_info_endpoint      = string
    client_id               = string
    client_secret_parameter = string
  })
  default = null
}

variable "jwt_app_id" {
  description = "Issuer and audience of the meeting tokens (jitsi.jwt_app_id)."
  type        = string
}

variable "jwt_secret_parameter" {
  description = "SSM SecureString parameter (name, arn) with the token signing secret; the function reads it at run time."
  type = object({
    name = string
    arn  = string
  })
}

variable "guests" {
  description = "jitsi.guests: whether the page tells members that people with the plain link join once they are in."
  type        = bool
}

variable "mfa" {
  description = "cognito: optional or required TOTP (an authenticator app) as a second factor."
  type        = string

  validation {
    condition     = contains(["optional", "required"], var.mfa)
    error_message = "mfa must be optional or required."
  }
}

variable "login_rate_limit" {
  description = "cognito: login requests one IP address may send the user pool in 5 minutes before a WAF rate rule blocks it (AWS WAF's minimum is 10); 0: no web ACL."
  type        = number

  validation {
    condition     = var.login_rate_limit == 0 || (var.login_rate_limit >= 10 && var.login_rate_limit <= 2000000000 && floor(var.login_rate_limit) == var.login_rate_limit)
    error_message = "login_rate_limit must be 0 (off) or a whole number from 10 to 2000000000."
  }
}

variable "token_ttl_hours" {
  description = "How long a token from /auth/ stays valid."
  type        = number
}

variable "package" {
  description = "The function's zip (path, base64 SHA-256 hash, Lambda architecture, entry point, the Python runtime its wheels are built for); built by jitsi-ecs."
  type = object({
    path         = string
    hash         = string
    architecture = string
    handler      = string
    runtime      = string
  })
}

variable "adot_layer_arn" {
  description = "AWS-managed ADOT Python layer (AWSOpenTelemetryDistroPython) for the region; null runs the function without it."
  type        = string
  default     = null
}

variable "log_group_name" {
  description = "The containers' log group: the function's OTLP logs go to its stream auth."
  type        = string
}

variable "metric_namespace" {
  description = "CloudWatch namespace of TokensIssued and LoginsDenied (EMF on the function's stdout)."
  type        = string
}

variable "alarm_topic_arn" {
  description = "SNS topic (deployment-alerts) the function-errors alarm notifies."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function's own log group."
  type        = number
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
