variable "name" {
  description = "Prefix of every alarm name."
  type        = string
}

variable "topic_name" {
  description = "SNS topic every alarm notifies."
  type        = string
}

variable "emails" {
  description = "Email addresses subscribed to the alarm topic (each must confirm)."
  type        = list(string)
}

variable "alb_arn_suffix" {
  description = "LoadBalancer dimension of the ALB metrics."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "TargetGroup dimension of the web target group metrics."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster whose services are watched."
  type        = string
}

variable "cluster_arn" {
  description = "ECS cluster whose failed tasks and deployments are reported."
  type        = string
}

variable "services" {
  description = "ECS services: whether the ALB serves them (then its healthy-host alarm covers them) and how many tasks run at least."
  type = map(object({
    load_balanced = bool
    min_count     = number
  }))
}

variable "container_insights" {
  description = "Container Insights is on: add the running-versus-desired alarm per service."
  type        = bool
}

variable "period" {
  description = "Alarm period in seconds."
  type        = number
}

variable "availability_periods" {
  description = "Minutes a service may look down before its availability alarm fires (a 0%/100% deployment of signaling takes 1-3)."
  type        = number
}

variable "thresholds" {
  description = "Alarm thresholds."
  type = object({
    target_5xx          = number
    elb_5xx             = number
    p99_latency_seconds = number
  })
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
