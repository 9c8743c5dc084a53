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

variable "desired_counts" {
  description = "Service name => desired count; one alarm each fires when fewer tasks run than desired."
  type        = map(number)
}

variable "period" {
  description = "Alarm period in seconds."
  type        = number
}

variable "running_tasks_evaluation_periods" {
  description = "Periods running tasks may stay below desired before alarming (rolling deployments dip briefly)."
  type        = number
  default     = 5
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
