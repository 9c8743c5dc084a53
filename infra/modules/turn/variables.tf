variable "name" {
  description = "Stack name: prefix of every resource of this module."
  type        = string
}

variable "region" {
  description = "AWS region (for the awslogs driver)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer and the coturn service."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets (at least 2 AZs) of the load balancer and the coturn task."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "CIDR of the VPC: coturn never relays into it."
  type        = string
}

variable "peer_udp_port" {
  description = "The bridges' media port (UDP): the only port coturn relays to."
  type        = number
}

variable "cluster_arn" {
  description = "ECS cluster the coturn service runs in."
  type        = string
}

variable "cluster_name" {
  description = "Name of that cluster (known at plan time, so the schedule's resource id is too)."
  type        = string
}

variable "host" {
  description = "Public host name of the TURN server, e.g. turn.meet.example.com."
  type        = string
}

variable "port" {
  description = "Port of TURN over TLS on the load balancer (443 passes firewalls that let only HTTPS out)."
  type        = number
}

variable "secret_arn" {
  description = "SSM SecureString parameter with the shared secret coturn checks credentials with (prosody signs them)."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for host. When null, a DNS-validated one is created in route53_zone_id."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Route 53 zone of host: validates the created certificate and gets an alias record to the load balancer."
  type        = string
  default     = null
}

variable "ssl_policy" {
  description = "TLS policy of the TLS listener (TLS 1.2 minimum)."
  type        = string
}

variable "image" {
  description = "Pinned coturn image (multi-arch), e.g. coturn/coturn:4.17.0-r0."
  type        = string
}

variable "cpu" {
  description = "CPU units of the coturn task."
  type        = number
}

variable "memory" {
  description = "Memory (MiB) of the coturn task."
  type        = number
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64 (the coturn images are multi-arch)."
  type        = string
}

variable "log_group_name" {
  description = "CloudWatch log group of the coturn container."
  type        = string
}

variable "container_health_check" {
  description = "Container health check numbers (the same as every other container's)."
  type = object({
    interval     = number
    timeout      = number
    retries      = number
    start_period = number
  })
}

variable "health_check_grace_period" {
  description = "Seconds ECS ignores failing health checks of a new task."
  type        = number
}

variable "schedule" {
  description = "Scale coturn to zero outside these hours with the rest of the stack (UTC cron days such as MON-FRI); null = always on."
  type = object({
    days       = string
    start_hour = number
    stop_hour  = number
  })
  default = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
