variable "host" {
  description = "Public host name, e.g. meet.example.com."
  type        = string
}

variable "certificate_arn" {
  description = "Existing ACM certificate for host. When null, a DNS-validated certificate is created in route53_zone_id."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Route 53 zone of host: validates the created certificate and gets an alias record to the load balancer."
  type        = string
  default     = null
}

variable "load_balancer" {
  description = "The load balancer the alias record points at."
  type = object({
    dns_name = string
    zone_id  = string
  })
}

variable "tags" {
  description = "Tags added to the certificate."
  type        = map(string)
  default     = {}
}
