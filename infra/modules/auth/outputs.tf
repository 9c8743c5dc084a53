output "function_name" {
  description = "Name of the /auth/ function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the /auth/ function (the target of its target group)."
  value       = aws_lambda_function.this.arn
}

output "role_name" {
  description = "IAM role of the function (its one inline policy is its whole access)."
  value       = aws_iam_role.this.name
}

output "target_group_arn" {
  description = "Lambda target group the /auth/* rule forwards to."
  value       = aws_lb_target_group.this.arn
}

output "listener_rule_arn" {
  description = "The /auth/* listener rule (authenticate, then forward)."
  value       = aws_lb_listener_rule.this.arn
}

output "provider" {
  description = "cognito or oidc: who runs the login."
  value       = var.provider_type
}

output "user_pool_id" {
  description = "Cognito user pool of the members; null with oidc."
  value       = try(aws_cognito_user_pool.this[0].id, null)
}

output "user_pool_arn" {
  description = "ARN of the Cognito user pool; null with oidc."
  value       = try(aws_cognito_user_pool.this[0].arn, null)
}

output "user_pool_client_id" {
  description = "App client the ALB logs members in with; null with oidc."
  value       = try(aws_cognito_user_pool_client.this[0].id, null)
}

output "user_pool_domain" {
  description = "Prefix of the Cognito hosted login domain; null with oidc."
  value       = try(aws_cognito_user_pool_domain.this[0].domain, null)
}

output "login_web_acl_name" {
  description = "WAF web ACL rate-limiting logins at the user pool; null when auth.login_rate_limit is 0 (or with oidc)."
  value       = try(aws_wafv2_web_acl.this[0].name, null)
}

output "callback_url" {
  description = "Where the IdP returns to: the ALB's own callback on the site's name."
  value       = "${local.public_url}/oauth2/idpresponse"
}

output "log_stream_name" {
  description = "Stream of the containers' log group that receives the function's OTLP logs."
  value       = aws_cloudwatch_log_stream.auth.name
}

output "adot_layer_arn" {
  description = "ADOT layer the function runs with (null: none)."
  value       = var.adot_layer_arn
}

output "alarm_names" {
  description = "The function's alarm, by kind."
  value       = { auth-errors = aws_cloudwatch_metric_alarm.errors.alarm_name }
}
