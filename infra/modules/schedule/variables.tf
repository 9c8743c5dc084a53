variable "name" {
  description = "Prefix of the two scheduled actions (<name>-stop, <name>-start)."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster of the service."
  type        = string
}

variable "service_name" {
  description = "ECS service to scale. It must exist first (Application Auto Scaling checks), so pass the service resource's name attribute."
  type        = string
}

variable "desired_count" {
  description = "Tasks while the service runs."
  type        = number
}

variable "schedule" {
  description = "UTC cron days (such as MON-FRI) and the hours the service starts and stops; null = always on."
  type = object({
    days       = string
    start_hour = number
    stop_hour  = number
  })
  default = null
}

variable "tags" {
  description = "Tags added to the scalable target."
  type        = map(string)
  default     = {}
}
