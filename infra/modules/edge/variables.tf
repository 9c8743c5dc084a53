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
}

variable "idle_timeout" {
  description = "Seconds the ALB keeps an idle connection (above BOSH's ~60 s long-poll); the targets must keep theirs open longer."
  type        = number
}

variable "deletion_protection" {
  description = "Protect the ALB from deletion (then `down` must turn it off first)."
  type        = bool
}

variable "access_logs" {
  description = "Bucket and key prefix of the ALB's request logs; null = no request logs. The bucket must already let the ALB write."
  type = object({
    bucket = string
    prefix = string
  })
  default = null
}

variable "hsts_max_age" {
  description = "Strict-Transport-Security max-age (seconds) the HTTPS listener adds to every answer; 0 tells browsers to forget it."
  type        = number
}

variable "default_target" {
  description = "The Jitsi web target group behind the default action."
  type = object({
    port        = number
    health_path = string
  })
}

variable "health_check" {
  description = "Target group health check numbers shared by every target group."
  type = object({
    interval            = number
    timeout             = number
    healthy_threshold   = number
    unhealthy_threshold = number
  })
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
