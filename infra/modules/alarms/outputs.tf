output "topic_arn" {
  description = "ARN of the deployment-alerts SNS topic."
  value       = module.topic.arn
}

output "alarm_names" {
  description = "Every alarm name, by kind."
  value = merge(
    module.web.alarm_names,
    { elb-5xx = aws_cloudwatch_metric_alarm.elb_5xx.alarm_name },
    { for k, a in aws_cloudwatch_metric_alarm.not_running : "${k}-not-running" => a.alarm_name },
    { for k, a in aws_cloudwatch_metric_alarm.running_tasks : "${k}-running-tasks" => a.alarm_name },
  )
}

output "availability_alarm_names" {
  description = "Alarms that fire when a service is down, which a night schedule would trip on purpose."
  value = concat(
    module.web.availability_alarm_names,
    [for a in aws_cloudwatch_metric_alarm.not_running : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.running_tasks : a.alarm_name],
  )
}

output "web_deployment_alarm_names" {
  description = "Alarms that fail and roll back a deployment of the web service."
  value       = [module.web.alarm_names["target-5xx"], aws_cloudwatch_metric_alarm.elb_5xx.alarm_name]
}

output "shard_deployment_alarm_names" {
  description = "Alarms that fail and roll back a deployment of a service that serves web beside signaling (the compact shard): the web target group's own 5xx and p99, which judge the new task, not the ALB's 503 while no target is healthy."
  value       = [module.web.alarm_names["target-5xx"], module.web.alarm_names["p99-latency"]]
}

output "ecs_events_rule_name" {
  description = "EventBridge rule sending failed ECS tasks and deployments to the topic."
  value       = aws_cloudwatch_event_rule.ecs.name
}
