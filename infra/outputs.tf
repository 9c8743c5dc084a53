output "url" {
  description = "Public URL of the Jitsi site."
  value       = "https://${var.domain}"
}

output "alb_dns_name" {
  description = "DNS name of the ALB (point domain here when Route 53 is not used)."
  value       = module.edge.alb_dns_name
}

output "vpc_id" {
  description = "VPC the stack runs in (created, or network.vpc_id)."
  value       = module.network.vpc_id
}

output "log_bucket_name" {
  description = "Private bucket of the ALB request logs and VPC flow logs (null when alb.access_logs and network.flow_logs are off)."
  value       = one(module.log_bucket[*].bucket)
}

output "flow_log_id" {
  description = "The VPC's flow log (null when network.flow_logs is off)."
  value       = module.network.flow_log_id
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

output "service_target_group_arns" {
  description = "Target group ARN of each operator service ([services.*])."
  value       = { for k, s in module.services : k => s.target_group_arn }
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.jitsi.cluster_name
}

output "service_names" {
  description = "ECS service name of web, xmpp, jvb and each operator service."
  value       = merge(module.jitsi.service_names, { for k, s in module.services : k => s.service_name })
}

output "service_containers" {
  description = "Container names of each service's task."
  value       = merge(module.jitsi.service_containers, { for k, s in module.services : k => s.container_names })
}

output "task_counts" {
  description = "Tasks each service runs while awake: min and max (equal unless autoscaled)."
  value = merge(
    module.jitsi.task_counts,
    { for k, s in module.services : k => { min = s.desired_count, max = s.desired_count } },
  )
}

output "autoscaled_services" {
  description = "Services whose task count follows the bridges' Stress."
  value       = module.jitsi.autoscaled_services
}

output "layout" {
  description = "compact or growth."
  value       = var.jitsi.layout
}

output "bridge_dns_names" {
  description = "Cloud Map names whose A records are the bridges."
  value       = module.jitsi.bridge_dns_names
}

output "jicofo_url" {
  description = "jicofo's REST API inside the VPC (what the telemetry function reads)."
  value       = module.jitsi.jicofo_url
}

output "task_definition_arns" {
  description = "Task definition ARN of each service."
  value       = merge(module.jitsi.task_definition_arns, { for k, s in module.services : k => s.task_definition_arn })
}

output "egress_alarm_kbps" {
  description = "Threshold of the media-egress alarm (null: none); jitsi-ecs computes it from its estimate."
  value       = var.egress_alarm_kbps
}

output "secrets_version" {
  description = "Version of the generated secrets now in SSM (jitsi-ecs passes it back on every run)."
  value       = var.secrets_version
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
  description = "Every alarm, by kind (Jitsi telemetry and /auth/ alarms when enabled, <service>-<kind> for operator services)."
  value = merge(
    module.alarms.alarm_names,
    try(module.telemetry[0].alarm_names, {}),
    try(module.auth[0].alarm_names, {}),
    merge([for k, s in module.services : { for kind, n in s.alarm_names : "${k}-${kind}" => n }]...),
  )
}

output "auth" {
  description = "The /auth/ page: its URL, function, target group, listener rule, login provider and (Cognito) user pool; null when auth is off."
  value = var.auth.enabled ? {
    url                 = local.auth_url
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
    login_web_acl_name  = module.auth[0].login_web_acl_name
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
  description = "Alarms that roll back a deployment, by service (empty: the circuit breaker alone; operator services: their own target group's)."
  value = merge(
    module.jitsi.deployment_alarm_names,
    { for k, s in module.services : k => s.deployment_alarm_names },
  )
}

output "quiet_hours_schedule_names" {
  description = "EventBridge Scheduler schedules that quiet the availability alarms and pause telemetry outside the hours (empty without a schedule)."
  value       = try(module.quiet_hours[0].schedule_names, [])
}

output "ecs_events_rule_name" {
  description = "EventBridge rule sending failed ECS tasks and deployments to the deployment-alerts topic."
  value       = module.alarms.ecs_events_rule_name
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

output "service_secret_parameters" {
  description = "SSM SecureString parameter name of each secret of each operator service."
  value       = { for k, s in module.services : k => s.secret_parameter_names }
}

output "service_task_role_arns" {
  description = "Task role of each operator service: attach the policies its app needs."
  value       = { for k, s in module.services : k => s.task_role_arn }
}

output "log_stream_prefixes" {
  description = "awslogs stream prefix of each container in the log group."
  value = merge(
    { for c in toset(flatten(values(module.jitsi.service_containers))) : c => c },
    { for k, s in module.services : s.container_names[0] => s.log_stream_prefix },
  )
}

output "images" {
  description = "Image reference of each Jitsi image, by digest when one is configured."
  value       = module.jitsi.images
}

output "image_rootless" {
  description = "Whether the chosen image line runs rootless on a read-only root."
  value       = module.jitsi.rootless
}

output "bridge_relay" {
  description = "Whether bridge-to-bridge relay (Octo) is on."
  value       = module.jitsi.bridge_relay
}

output "turn_host" {
  description = "Host name of TURN over TLS (null when jitsi.turn is off)."
  value       = try(module.turn[0].host, null)
}

output "turn_port" {
  description = "Port of TURN over TLS on its load balancer, as prosody advertises it (null when jitsi.turn is off)."
  value       = try(module.turn[0].port, null)
}

output "turn_load_balancer_arn" {
  description = "Network load balancer in front of coturn (null when jitsi.turn is off)."
  value       = try(module.turn[0].load_balancer_arn, null)
}

output "turn_service_name" {
  description = "ECS service name of coturn (null when jitsi.turn is off)."
  value       = try(module.turn[0].service_name, null)
}
