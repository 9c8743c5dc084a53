output "topic_arn" {
  description = "ARN of the deployment-alerts SNS topic."
  value       = aws_sns_topic.this.arn
}

output "alarm_names" {
  description = "Every alarm name, by kind."
  value = merge(
    { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name },
    { p99-latency = aws_cloudwatch_metric_alarm.latency.alarm_name },
    { for k, a in aws_cloudwatch_metric_alarm.running_tasks : "${k}-running-tasks" => a.alarm_name },
  )
}

output "deployment_alarm_names" {
  description = "Alarms that fail and roll back an ECS deployment."
  value       = [aws_cloudwatch_metric_alarm.this["target-5xx"].alarm_name, aws_cloudwatch_metric_alarm.this["elb-5xx"].alarm_name]
}
