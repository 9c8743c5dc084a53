output "arn" {
  description = "Topic ARN. Read through the policy, so that whatever publishes to it comes after the policy that lets it."
  value       = aws_sns_topic_policy.this.arn
}

output "name" {
  description = "Topic name."
  value       = aws_sns_topic.this.name
}

output "subscription_arns" {
  description = "ARN of each email subscription, by address (PendingConfirmation until the address confirms)."
  value       = { for e, s in aws_sns_topic_subscription.email : e => s.arn }
}
