output "resource_id" {
  description = "Application Auto Scaling resource id of the service (null without a schedule)."
  value       = try(aws_appautoscaling_target.this[0].resource_id, null)
}
