output "topic_arn" {
  description = "ARN of the budget-alerts SNS topic."
  value       = module.topic.arn
}

output "budget_names" {
  description = "Budget name by limit in USD."
  value       = { for k, b in aws_budgets_budget.this : k => b.name }
}
