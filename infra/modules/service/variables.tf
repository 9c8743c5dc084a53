variable "name" {
  description = "Service name: the ECS service, its container and its log stream prefix (e.g. api)."
  type        = string
}

variable "stack_name" {
  description = "Stack name, the prefix of the target group, task family, roles, alarms and parameters."
  type        = string
}

variable "region" {
  description = "AWS region (awslogs driver, ADOT endpoints)."
  type        = string
}

variable "service" {
  description = "The [services.<name>] block of jitsi-ecs.toml (types and rules: the root variable services)."
  type = object({
    image         = string
    port          = number
    path_patterns = list(string)
    priority      = number
    cpu           = number
    memory        = number
    desired_count = number
    health_path   = string
    environment   = map(string)
    secrets       = list(string)
    adot          = bool
    spot          = bool
    egress        = optional(list(string), [])
  })

  # The path goes into the container check's `sh -c`: a URL path's characters only (the root
  # variable services checks the same; this keeps the module safe on its own).
  validation {
    condition     = can(regex("^/[A-Za-z0-9._~/%-]*$", var.service.health_path))
    error_message = "service.health_path must be a URL path starting with / (letters, digits and - . _ ~ / % only)."
  }
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64; the image must be built for it (or be multi-arch)."
  type        = string
}

variable "cluster" {
  description = "ECS cluster the service runs in: its name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "schedule" {
  description = "Scale to zero outside these hours (UTC cron days such as MON-FRI); null = always on."
  type = object({
    days       = string
    start_hour = number
    stop_hour  = number
  })
  default = null
}

variable "health_check" {
  description = "Container and target group check numbers and the ECS grace period (the path is the service's health_path)."
  type = object({
    container = object({
      interval     = number
      timeout      = number
      retries      = number
      start_period = number
    })
    target_group = object({
      interval            = number
      timeout             = number
      healthy_threshold   = number
      unhealthy_threshold = number
    })
    grace_period = number
  })
}

variable "vpc_id" {
  description = "VPC of the target group and the security group."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets of the tasks (each task gets a public IP: no NAT)."
  type        = list(string)
}

variable "alb" {
  description = "The ALB the service joins: its security group (let in), HTTPS listener (the rule) and ARN suffix (alarm dimension)."
  type = object({
    security_group_id = string
    listener_arn      = string
    arn_suffix        = string
  })
}

variable "log_group_name" {
  description = "CloudWatch log group of every container; this one logs under its own stream prefix."
  type        = string
}

variable "adot" {
  description = "For service.adot: the least-privilege ADOT export policy and the EMF metric namespace."
  type = object({
    policy_arn       = string
    metric_namespace = string
  })
}

variable "alarms" {
  description = "Where the service's alarms go and their thresholds."
  type = object({
    topic_arn            = string
    period               = number
    target_5xx           = number
    p99_latency_seconds  = number
    availability_periods = number # minutes without a healthy target before the alarm fires
  })
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
