output "log_group_name" {
  description = "Log group of every container."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the container log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "adot_env" {
  description = "ADOT environment per container (empty map for containers without ADOT)."
  value       = { for c in ["web", "prosody", "jicofo", "jvb"] : c => lookup(local.adot_env, c, {}) }
}

output "adot_policy_arn" {
  description = "IAM policy with the least privilege ADOT export needs."
  value       = aws_iam_policy.adot.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
