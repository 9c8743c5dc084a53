output "schedule_names" {
  description = "The EventBridge Scheduler schedules that quiet and wake the stack."
  value       = [for s in aws_scheduler_schedule.this : s.name]
}

output "role_arn" {
  description = "Role the schedules use (only the alarm and rule calls above)."
  value       = aws_iam_role.this.arn
}

output "calls_input" {
  description = "The API input each schedule sends, by schedule key (what it quiets or wakes)."
  value       = { for k, s in aws_scheduler_schedule.this : k => s.target[0].input }
}
