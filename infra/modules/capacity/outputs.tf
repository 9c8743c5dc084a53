output "launch_type" {
  description = "The service's launch_type: FARGATE, or null where a capacity provider strategy decides."
  value       = var.spot ? null : "FARGATE"
}

output "strategy" {
  description = "The service's capacity_provider_strategy entries (provider, base, weight); empty without Spot."
  value       = local.strategy
}
