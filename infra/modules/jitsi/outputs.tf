output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_names" {
  description = "ECS service name of each Jitsi service (web, xmpp, jvb)."
  value       = { for k, s in aws_ecs_service.this : k => s.name }
}

output "service_containers" {
  description = "Container names of each service's task (the shard's roles: a service running prosody is signaling)."
  value       = { for k, c in local.containers : k => [for d in c : d.name] }
}

output "service_facts" {
  description = "What other modules need to know of each service: whether the ALB serves it, and how many tasks it runs at least while awake."
  value = {
    for k, s in local.services : k => { load_balanced = contains(s.containers, "web"), min_count = local.capacity[k].min }
  }
}

output "task_counts" {
  description = "Tasks each service runs while the stack is awake: min and max (equal unless autoscaled)."
  value       = local.capacity
}

output "deployment_alarm_names" {
  description = "Alarms that fail and roll back a deployment, by service (empty: the circuit breaker alone)."
  value       = local.deployment_alarms
}

output "autoscaled_services" {
  description = "Services whose task count follows the bridges' Stress."
  value       = [for k, s in local.services : k if s.autoscaled]
}

output "task_definition_arns" {
  description = "Task definition ARN of each service."
  value       = { for k, t in aws_ecs_task_definition.this : k => t.arn }
}

output "secret_parameter_arns" {
  description = "SSM SecureString parameters holding the generated secrets."
  value       = { for k, p in aws_ssm_parameter.secret : k => p.arn }
}

output "web_port" {
  description = "Port nginx listens on in the web image line chosen."
  value       = local.web_port
}

output "image_registry" {
  description = "Registry the images are pulled from."
  value       = local.registry
}

output "task_role_arns" {
  description = "Task role of each service (those that run a bridge may set their own scale-in protection)."
  value       = { for k, r in aws_iam_role.task : k => r.arn }
}

output "namespace_name" {
  description = "Cloud Map private DNS namespace."
  value       = aws_service_discovery_private_dns_namespace.this.name
}

output "jvb_security_group_id" {
  description = "Security group of the bridges."
  value       = aws_security_group.jvb.id
}

output "xmpp_security_group_id" {
  description = "Security group of prosody + jicofo."
  value       = aws_security_group.xmpp.id
}

output "bridge_dns_names" {
  description = "Cloud Map names whose A records are the bridges (the services that run one)."
  value       = local.bridge_dns_names
}

output "jicofo_url" {
  description = "jicofo's REST API inside the VPC."
  value       = "http://xmpp.${aws_service_discovery_private_dns_namespace.this.name}:${local.rest_ports.jicofo}"
}

output "rest_ports" {
  description = "The images' private REST ports: jvb (stats, health, shutdown) and jicofo (stats, version)."
  value       = local.rest_ports
}

output "bridge_relay" {
  description = "Whether bridge-to-bridge relay (Octo) is on."
  value       = var.relay
}

output "nginx_keepalive_timeout" {
  description = "Seconds nginx in web keeps an idle connection (above the ALB's idle timeout)."
  value       = local.nginx_keepalive_timeout
}

output "images" {
  description = "Image reference of each Jitsi image (web, prosody, jicofo, jvb): by digest when one is given, else by tag."
  value       = local.images
}

output "rootless" {
  description = "Whether the image line runs rootless (uid 1000, read-only root, tmpfs /run and /tmp)."
  value       = var.image.rootless
}

output "turn_secret_arn" {
  description = "SSM SecureString parameter with the TURN shared secret (null without TURN)."
  value       = try(aws_ssm_parameter.secret["TURN_CREDENTIALS"].arn, null)
}

output "jwt_secret_parameter" {
  description = "SSM parameter (name and ARN) holding JWT_APP_SECRET; null when auth_type = none."
  value       = var.auth_type == "jwt" ? { name = aws_ssm_parameter.secret["JWT_APP_SECRET"].name, arn = aws_ssm_parameter.secret["JWT_APP_SECRET"].arn } : null
}

output "heaps" {
  description = "JVM heaps (MiB) of each service that runs a JVM: jvb and jicofo, what the memory budget leaves them."
  value       = { for k, h in local.heap_mib : k => h if length(h) > 0 }
}

output "token_auth_url" {
  description = "TOKEN_AUTH_URL web was given (where Jitsi sends a host to log in); null when none."
  value       = var.token_auth_url
}
