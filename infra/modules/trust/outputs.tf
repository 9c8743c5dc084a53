output "ecs_execution" {
  description = "Trust policy (JSON) of an ECS execution role: the ECS tasks service principal."
  value       = data.aws_iam_policy_document.ecs_execution.json
}

output "ecs_task" {
  description = "Trust policy (JSON) of an ECS task role: ECS tasks of this account and region only."
  value       = data.aws_iam_policy_document.ecs_task.json
}

output "lambda" {
  description = "Trust policy (JSON) of a Lambda function's role: the Lambda service principal."
  value       = data.aws_iam_policy_document.lambda.json
}

output "scheduler" {
  description = "Trust policy (JSON) of an EventBridge Scheduler role: schedules of this account only."
  value       = data.aws_iam_policy_document.scheduler.json
}
