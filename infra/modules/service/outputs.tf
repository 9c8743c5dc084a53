output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "container_names" {
  description = "Containers of the task (one, named like the service)."
  value       = [local.container.name]
}

output "desired_count" {
  description = "Desired task count while the service runs."
  value       = var.service.desired_count
}

output "task_definition_arn" {
  description = "Task definition the service runs."
  value       = aws_ecs_task_definition.this.arn
}

output "target_group_arn" {
  description = "Target group of the service."
  value       = aws_lb_target_group.this.arn
}

output "listener_rule_arn" {
  description = "HTTPS listener rule sending the path patterns to the target group."
  value       = aws_lb_listener_rule.this.arn
}

output "security_group_id" {
  description = "Security group of the tasks (the ALB alone may enter)."
  value       = aws_security_group.this.id
}

output "task_role_arn" {
  description = "Task role of the app: attach the policies it needs here."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "Execution role: pulls the image, writes logs, reads this service's parameters."
  value       = module.execution_role.arn
}

output "secret_parameter_names" {
  description = "SSM SecureString parameter name of each secret (what `jitsi-ecs secret set` writes)."
  value       = { for k, p in aws_ssm_parameter.secret : k => p.name }
}

output "alarm_names" {
  description = "Alarm name by kind: target-5xx, p99-latency, unhealthy-hosts, no-healthy-target (this target group)."
  value       = module.alarms.alarm_names
}

output "availability_alarm_names" {
  description = "Alarms that fire when the service is down, which a night schedule would trip on purpose."
  value       = module.alarms.availability_alarm_names
}

output "deployment_alarm_names" {
  description = "Alarms that fail and roll back a deployment of this service."
  value       = module.alarms.deployment_alarm_names
}

output "log_stream_prefix" {
  description = "awslogs stream prefix of the container in the log group."
  value       = local.container.logConfiguration.options["awslogs-stream-prefix"]
}
