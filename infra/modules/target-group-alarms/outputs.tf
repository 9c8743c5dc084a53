output "alarm_names" {
  description = "Alarm name by kind: target-5xx, p99-latency, unhealthy-hosts."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name }
}

output "deployment_alarm_names" {
  description = "The same alarms as a list, for an ECS service's deployment_configuration alarms."
  value       = [for k in sort(keys(local.alarms)) : aws_cloudwatch_metric_alarm.this[k].alarm_name]
}
