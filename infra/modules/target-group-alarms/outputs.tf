output "alarm_names" {
  description = "Alarm name by kind: target-5xx, p99-latency, unhealthy-hosts, no-healthy-target."
  value = merge(
    { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name },
    { no-healthy-target = aws_cloudwatch_metric_alarm.no_healthy_target.alarm_name },
  )
}

output "availability_alarm_names" {
  description = "Alarms that fire when the service is down, which a night schedule would trip on purpose."
  value       = [aws_cloudwatch_metric_alarm.no_healthy_target.alarm_name]
}

output "deployment_alarm_names" {
  description = "The same alarms as a list, for an ECS service's deployment_configuration alarms."
  value       = [for k in sort(keys(local.alarms)) : aws_cloudwatch_metric_alarm.this[k].alarm_name]
}

output "alarm_arns" {
  description = "Alarm ARN by kind, as alarm_names: for composite alarms, and to tell a kept alarm from a new one."
  value = merge(
    { for k, a in aws_cloudwatch_metric_alarm.this : k => a.arn },
    { no-healthy-target = aws_cloudwatch_metric_alarm.no_healthy_target.arn },
  )
}
