variable "name" {
  description = "Prefix of the alarm names, e.g. jitsi-api (alarms are <name>-target-5xx, -p99-latency, -unhealthy-hosts)."
  type        = string
}

variable "alb_arn_suffix" {
  description = "LoadBalancer dimension: the ARN suffix of the ALB."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "TargetGroup dimension: the ARN suffix of the watched target group."
  type        = string
}

variable "topic_arn" {
  description = "SNS topic every alarm notifies (alarm and OK)."
  type        = string
}

variable "period" {
  description = "Alarm period in seconds."
  type        = number
}

variable "availability_periods" {
  description = "Minutes without a healthy target before the no-healthy-target alarm fires."
  type        = number
}

variable "thresholds" {
  description = "Target 5xx per period, and p99 target response time in seconds."
  type = object({
    target_5xx          = number
    p99_latency_seconds = number
  })
}

variable "tags" {
  description = "Tags added to every alarm."
  type        = map(string)
  default     = {}
}
