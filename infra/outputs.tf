output "url" {
  description = "Public URL of the Jitsi site."
  value       = "https://${var.domain}"
}

output "alb_dns_name" {
  description = "DNS name of the ALB (point domain here when Route 53 is not used)."
  value       = module.edge.alb_dns_name
}

output "alb_arn" {
  description = "ARN of the ALB."
  value       = module.edge.alb_arn
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener."
  value       = module.edge.https_listener_arn
}

output "http_listener_arn" {
  description = "ARN of the HTTP (redirect) listener."
  value       = module.edge.http_listener_arn
}

output "web_target_group_arn" {
  description = "Target group of the Jitsi web service."
  value       = module.edge.web_target_group_arn
}

output "route_target_group_arns" {
  description = "Target group ARN of each configured route."
  value       = module.edge.route_target_group_arns
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.jitsi.cluster_name
}

output "service_names" {
  description = "ECS service name of web, xmpp and jvb."
  value       = module.jitsi.service_names
}

output "service_containers" {
  description = "Container names of each service's task."
  value       = module.jitsi.service_containers
}

output "desired_counts" {
  description = "Desired task count of each service."
  value       = module.jitsi.desired_counts
}

output "task_definition_arns" {
  description = "Task definition ARN of each service."
  value       = module.jitsi.task_definition_arns
}

output "secret_parameter_arns" {
  description = "SSM SecureString parameters of the generated secrets."
  value       = module.jitsi.secret_parameter_arns
}

output "auth_type" {
  description = "jwt (tokens required) or none (open instance)."
  value       = var.jitsi.auth_type
}

output "jwt_app_id" {
  description = "Issuer and audience of the meeting tokens; null when auth_type = none."
  value       = var.jitsi.auth_type == "jwt" ? var.jitsi.jwt_app_id : null
}

output "guests" {
  description = "Whether people without a token join as guests once a token holder opened the room."
  value       = var.jitsi.auth_type == "jwt" && var.jitsi.guests
}

output "jwt_secret_parameter_name" {
  description = "SSM SecureString parameter holding the token signing secret; null when auth_type = none."
  value       = try(module.jitsi.jwt_secret_parameter.name, null)
}

output "deployment_alerts_topic_arn" {
  description = "SNS topic of the alarms (deployment-alerts)."
  value       = module.alarms.topic_arn
}

output "budget_alerts_topic_arn" {
  description = "SNS topic of the budgets (budget-alerts)."
  value       = module.budgets.topic_arn
}

output "alarm_names" {
  description = "Every alarm, by kind (Jitsi telemetry and /auth/ alarms included when enabled)."
  value       = merge(module.alarms.alarm_names, try(module.telemetry[0].alarm_names, {}), try(module.auth[0].alarm_names, {}))
}

output "auth" {
  description = "The /auth/ page: its URL, function, target group, listener rule, login provider and (Cognito) user pool; null when auth is off."
  value = var.auth.enabled ? {
    url                 = "https://${var.domain}/auth/"
    function_name       = module.auth[0].function_name
    function_arn        = module.auth[0].function_arn
    role_name           = module.auth[0].role_name
    target_group_arn    = module.auth[0].target_group_arn
    listener_rule_arn   = module.auth[0].listener_rule_arn
    provider            = module.auth[0].provider
    user_pool_id        = module.auth[0].user_pool_id
    user_pool_arn       = module.auth[0].user_pool_arn
    user_pool_client_id = module.auth[0].user_pool_client_id
    user_pool_domain    = module.auth[0].user_pool_domain
    callback_url        = module.auth[0].callback_url
    log_stream_name     = module.auth[0].log_stream_name
    adot_layer_arn      = module.auth[0].adot_layer_arn
  } : null
}

output "telemetry_function_name" {
  description = "Name of the telemetry function (null when telemetry is off)."
  value       = try(module.telemetry[0].function_name, null)
}

output "telemetry_schedule_rule_name" {
  description = "EventBridge rule that runs the telemetry function (null when off)."
  value       = try(module.telemetry[0].schedule_rule_name, null)
}

output "deployment_alarm_names" {
  description = "Alarms that roll back a deployment."
  value       = module.alarms.deployment_alarm_names
}

output "budget_names" {
  description = "Budget name by monthly limit in USD."
  value       = module.budgets.budget_names
}

output "log_group_name" {
  description = "Log group of every container."
  value       = module.observability.log_group_name
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the stack."
  value       = module.observability.dashboard_name
}

output "web_port" {
  description = "Container port of nginx in the chosen image line."
  value       = local.web_port
}
