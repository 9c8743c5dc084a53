variable "name" {
  description = "Name of the dashboard and prefix of the IAM policy."
  type        = string
}

variable "region" {
  description = "AWS region (OTLP endpoints, dashboard widgets)."
  type        = string
}

variable "log_group_name" {
  description = "Log group of every container."
  type        = string
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the container logs."
  type        = number
}

variable "adot_containers" {
  description = "Containers (web, prosody, jicofo, jvb) that get the collector-less ADOT variables."
  type        = list(string)
}

variable "metric_namespace" {
  description = "CloudWatch namespace of EMF metrics written by ADOT."
  type        = string
}

variable "transaction_search" {
  description = "Let X-Ray write spans to CloudWatch Logs (needed for X-Ray Transaction Search)."
  type        = bool
}

variable "dashboard" {
  description = "What the dashboard plots: the ALB, the web target group and the ECS services."
  type = object({
    alb_arn_suffix          = string
    target_group_arn_suffix = string
    cluster_name            = string
    service_names           = list(string)
  })
}

variable "container_insights" {
  description = "Container Insights is on: plot running tasks per service."
  type        = bool
}

variable "jitsi_metrics" {
  description = "Add widgets for the Jitsi telemetry metrics (conferences, participants, stress, bridges)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
