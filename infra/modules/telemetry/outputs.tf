output "function_name" {
  description = "Name of the telemetry function."
  value       = aws_lambda_function.this.function_name
}

output "schedule_rule_name" {
  description = "EventBridge rule that runs the function."
  value       = aws_cloudwatch_event_rule.this.name
}

output "alarm_names" {
  description = "The Jitsi alarms, by kind."
  value = merge(
    { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name },
    { for a in aws_cloudwatch_metric_alarm.egress : "media-egress" => a.alarm_name },
    { bridges-not-joined = aws_cloudwatch_metric_alarm.bridges_not_joined.alarm_name },
  )
}

output "bridge_deployment_alarm_names" {
  description = "Alarms that fail and roll back a deployment of the bridges alone: a running bridge jicofo cannot use."
  value       = [aws_cloudwatch_metric_alarm.bridges_not_joined.alarm_name]
}

output "availability_alarm_names" {
  description = "Alarms that fire when Jitsi is down (no operational bridge, jicofo silent): quiet while the stack sleeps."
  value       = [aws_cloudwatch_metric_alarm.this["no-bridge"].alarm_name, aws_cloudwatch_metric_alarm.this["jicofo-unhealthy"].alarm_name]
}

output "security_group_id" {
  description = "Security group of the function."
  value       = aws_security_group.this.id
}
