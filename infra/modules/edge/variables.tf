variable "name" {
  description = "Name prefix for the ALB, its security group and target groups."
  type        = string
}

variable "vpc_id" {
  description = "VPC the ALB and its target groups live in."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR the ALB may send traffic to (its targets)."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets (at least 2 AZs) for the ALB."
  type        = list(string)
}

variable "domain" {
  description = "Public host name of the Jitsi site, e.g. meet.example.com."
  type        = string
}

variable "certificate_arn" {
  description = "Existing ACM certificate for domain. When null, a DNS-validated certificate is created in route53_zone_id."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Route 53 zone for domain: validates the created certificate and gets an alias record to the ALB."
  type        = string
  default     = null
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener (TLS 1.2 minimum, 1.3 preferred)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("TLS13|TLS-1-2", var.ssl_policy))
    error_message = "ssl_policy must be a TLS 1.2+ policy (ELBSecurityPolicy-TLS13-* or *-TLS-1-2-*)."
  }
}

variable "deletion_protection" {
  description = "Protect the ALB from deletion (then `down` must turn it off first)."
  type        = bool
  default     = false
}

variable "default_target" {
  description = "The Jitsi web target group behind the default action."
  type = object({
    port        = number
    health_path = optional(string, "/")
  })
}

variable "health_check" {
  description = "Target group health check numbers shared by every target group."
  type = object({
    interval            = optional(number, 30)
    timeout             = optional(number, 5)
    healthy_threshold   = optional(number, 2)
    unhealthy_threshold = optional(number, 3)
  })
  default = {}
}

variable "routes" {
  description = "Extra services behind the HTTPS listener: name => path patterns, rule priority, target port."
  type = map(object({
    path_patterns = list(string)
    priority      = number
    port          = number
    health_path   = optional(string, "/health")
  }))
  default = {}
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
