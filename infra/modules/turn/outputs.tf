output "host" {
  description = "Public host name of the TURN server (TURN over TLS on port)."
  value       = var.host
}

output "port" {
  description = "Port of TURN over TLS."
  value       = var.port
}

output "load_balancer_arn" {
  description = "ARN of the network load balancer in front of coturn."
  value       = aws_lb.this.arn
}

output "load_balancer_dns_name" {
  description = "DNS name of the network load balancer (point host here when Route 53 is not used)."
  value       = aws_lb.this.dns_name
}

output "service_name" {
  description = "ECS service name of coturn."
  value       = aws_ecs_service.this.name
}

output "relay_ports" {
  description = "UDP port range coturn relays media on (open to the bridges' public addresses)."
  value       = local.relay_ports
}

output "scaling_resource_id" {
  description = "Application Auto Scaling resource id of coturn's service when a schedule scales it (else null)."
  value       = module.schedule.resource_id
}
