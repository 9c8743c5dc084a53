output "alb_arn" {
  description = "ARN of the application load balancer."
  value       = aws_lb.this.arn
}

output "alb_arn_suffix" {
  description = "ARN suffix of the ALB, the LoadBalancer dimension of its CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "DNS name of the ALB."
  value       = aws_lb.this.dns_name
}

output "alb_security_group_id" {
  description = "Security group of the ALB, allowed into the web tasks."
  value       = aws_security_group.this.id
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener (more rules can join it)."
  value       = aws_lb_listener.https.arn
}

output "http_listener_arn" {
  description = "ARN of the HTTP listener that redirects to HTTPS."
  value       = aws_lb_listener.http.arn
}

output "web_target_group_arn" {
  description = "Target group of the Jitsi web service (default action)."
  value       = aws_lb_target_group.this.arn
}

output "web_target_group_arn_suffix" {
  description = "ARN suffix of the web target group, the TargetGroup dimension of its metrics."
  value       = aws_lb_target_group.this.arn_suffix
}

output "certificate_arn" {
  description = "Certificate served by the HTTPS listener."
  value       = module.domain.certificate_arn
}

output "access_logs_bucket" {
  description = "Bucket of the ALB's request logs (null when off)."
  value       = var.access_logs == null ? null : var.access_logs.bucket
}

output "idle_timeout" {
  description = "Idle timeout of the ALB in seconds (targets keep idle connections open longer)."
  value       = aws_lb.this.idle_timeout
}
