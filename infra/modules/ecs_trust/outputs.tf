output "execution" {
  description = "Trust policy (JSON) of an ECS execution role: the ECS tasks service principal."
  value       = data.aws_iam_policy_document.execution.json
}

output "task" {
  description = "Trust policy (JSON) of an ECS task role: ECS tasks of this account and region only."
  value       = data.aws_iam_policy_document.task.json
}
