variable "name" {
  description = "Name of the stack: ECS cluster, ALB and prefix of every resource."
  type        = string
  default     = "jitsi"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name))
    error_message = "name must be 2-20 characters of lowercase letters, digits and dashes, starting with a letter (it prefixes ALB and target group names, max 32)."
  }
}

variable "region" {
  description = "AWS region of the whole stack."
  type        = string
  default     = "us-west-2"
}

variable "domain" {
  description = "Public host name of the Jitsi site, e.g. meet.example.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lowercase DNS name such as meet.example.com (no scheme, no path)."
  }
}

variable "certificate_arn" {
  description = "Existing ACM certificate for domain. Leave null to have one DNS-validated in route53_zone_id."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of domain: validates the certificate and receives an alias to the ALB."
  type        = string
  default     = null

  validation {
    condition     = var.route53_zone_id != null || var.certificate_arn != null
    error_message = "Give certificate_arn (an existing ACM certificate) or route53_zone_id (to create a DNS-validated one): HTTPS needs one of them."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener (TLS 1.2 minimum, TLS 1.3 preferred)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("TLS13|TLS-1-2", var.ssl_policy))
    error_message = "ssl_policy must be a TLS 1.2+ policy (ELBSecurityPolicy-TLS13-* or *-TLS-1-2-*)."
  }
}

variable "network" {
  description = "A new VPC with public subnets (cidr, az_count) or an existing one (vpc_id + public_subnet_ids). No NAT gateway."
  type = object({
    cidr              = optional(string, "10.42.0.0/16")
    az_count          = optional(number, 2)
    vpc_id            = optional(string)
    public_subnet_ids = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = var.network.vpc_id == null || length(var.network.public_subnet_ids) >= 2
    error_message = "network.vpc_id needs network.public_subnet_ids with at least 2 subnets in different AZs."
  }
}

variable "jitsi" {
  description = "The Jitsi services: image line, sizes, counts, auth."
  type = object({
    image = optional(object({
      tag      = optional(string, "stable-11031")
      registry = optional(string)
    }), {})
    cpu_architecture = optional(string, "X86_64")
    auth_type        = optional(string, "jwt")
    jwt_app_id       = optional(string, "jitsi")
    internal_domain  = optional(string, "jitsi.internal")
    web = optional(object({
      desired_count = optional(number, 3)
      cpu           = optional(number, 256)
      memory        = optional(number, 512)
      spot          = optional(bool, false)
    }), {})
    xmpp = optional(object({
      cpu    = optional(number, 512)
      memory = optional(number, 1024)
    }), {})
    jvb = optional(object({
      desired_count = optional(number, 1)
      cpu           = optional(number, 1024)
      memory        = optional(number, 2048)
      udp_port      = optional(number, 10000)
      stun_servers  = optional(list(string), ["meet-jit-si-turnrelay.jitsi.net:443"])
      spot          = optional(bool, false)
    }), {})
    schedule = optional(object({
      days       = optional(string, "MON-FRI")
      start_hour = optional(number, 7)
      stop_hour  = optional(number, 19)
    }))
  })
  default = {}

  validation {
    condition = var.jitsi.schedule == null ? true : (
      var.jitsi.schedule.start_hour >= 0 && var.jitsi.schedule.stop_hour <= 24 &&
      var.jitsi.schedule.start_hour < var.jitsi.schedule.stop_hour &&
      can(regex("^(\\*|(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?(,(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?)*)$", var.jitsi.schedule.days))
    )
    error_message = "jitsi.schedule: start_hour must be before stop_hour (0-24, UTC) and days a cron day list such as MON-FRI or MON,WED,FRI."
  }

  validation {
    condition     = can(regex("^stable-[0-9]{4,}(-[0-9]+)?$", var.jitsi.image.tag))
    error_message = "jitsi.image.tag must be a pinned stable-NNNNN[-N] tag (for example stable-11031), never a moving tag such as stable or latest."
  }
  validation {
    condition     = contains(["X86_64", "ARM64"], var.jitsi.cpu_architecture)
    error_message = "jitsi.cpu_architecture must be X86_64 or ARM64."
  }
  validation {
    condition     = contains(["jwt", "none"], var.jitsi.auth_type)
    error_message = "jitsi.auth_type must be jwt (token auth) or none (open instance)."
  }
  validation {
    condition     = var.jitsi.web.desired_count >= 1 && var.jitsi.jvb.desired_count >= 1
    error_message = "jitsi.web.desired_count and jitsi.jvb.desired_count must be at least 1."
  }
  validation {
    condition = alltrue([for s in [var.jitsi.web, var.jitsi.xmpp, var.jitsi.jvb] :
      contains([256, 512, 1024, 2048, 4096, 8192, 16384], s.cpu) &&
      s.memory >= max(512, s.cpu * 2) && s.memory <= min(s.cpu * 8, 122880)
    ])
    error_message = "Each service's cpu must be a Fargate size (256, 512, 1024, 2048, 4096, 8192, 16384) with memory between 2x and 8x the cpu units (at least 512 MiB)."
  }
}

variable "health_check" {
  description = "Container and target group health checks and the ECS grace period (defaults from the plan)."
  type = object({
    container = optional(object({
      interval     = optional(number, 30)
      timeout      = optional(number, 5)
      retries      = optional(number, 3)
      start_period = optional(number, 60)
    }), {})
    target_group = optional(object({
      path                = optional(string, "/")
      interval            = optional(number, 30)
      timeout             = optional(number, 5)
      healthy_threshold   = optional(number, 2)
      unhealthy_threshold = optional(number, 3)
    }), {})
    grace_period = optional(number, 120)
  })
  default = {}

  validation {
    condition = (var.health_check.container.interval >= 5 && var.health_check.container.interval <= 300 &&
      var.health_check.container.timeout >= 2 && var.health_check.container.timeout <= 60 &&
      var.health_check.container.retries >= 1 && var.health_check.container.retries <= 10 &&
    var.health_check.container.start_period >= 0 && var.health_check.container.start_period <= 300)
    error_message = "health_check.container: interval 5-300 s, timeout 2-60 s, retries 1-10, start_period 0-300 s (ECS limits)."
  }
  validation {
    condition     = var.health_check.container.timeout < var.health_check.container.interval
    error_message = "health_check.container.timeout must be below health_check.container.interval."
  }
  validation {
    condition = (var.health_check.target_group.interval >= 5 && var.health_check.target_group.interval <= 300 &&
    var.health_check.target_group.timeout >= 2 && var.health_check.target_group.timeout <= 120)
    error_message = "health_check.target_group: interval 5-300 s and timeout 2-120 s (ELB limits)."
  }
  validation {
    condition     = var.health_check.target_group.timeout < var.health_check.target_group.interval
    error_message = "health_check.target_group.timeout must be below health_check.target_group.interval."
  }
  validation {
    condition = (var.health_check.target_group.healthy_threshold >= 2 && var.health_check.target_group.healthy_threshold <= 10 &&
    var.health_check.target_group.unhealthy_threshold >= 2 && var.health_check.target_group.unhealthy_threshold <= 10)
    error_message = "health_check.target_group.healthy_threshold and unhealthy_threshold must be 2-10 (ELB limits)."
  }
  validation {
    condition     = startswith(var.health_check.target_group.path, "/") && var.health_check.target_group.path != "/health"
    error_message = "health_check.target_group.path must start with / and must not be /health (a Jitsi room page that always answers 200): use / or /http-bind."
  }
  validation {
    condition     = var.health_check.grace_period >= var.health_check.container.start_period + 2 * var.health_check.container.interval && var.health_check.grace_period <= 2147483647
    error_message = "health_check.grace_period must be at least start_period + 2 x interval of the container check (120 s with the defaults), or new tasks are killed before they can pass."
  }
}

variable "routes" {
  description = "More services on the HTTPS listener: name => path patterns, listener rule priority, target port (e.g. auth = /auth/* on 8001)."
  type = map(object({
    path_patterns = list(string)
    priority      = number
    port          = number
    health_path   = optional(string, "/health")
  }))
  default = {}

  validation {
    condition     = length(distinct([for r in values(var.routes) : r.priority])) == length(var.routes)
    error_message = "routes: two routes have the same priority; each listener rule needs its own."
  }
  validation {
    condition     = length(distinct(flatten([for r in values(var.routes) : r.path_patterns]))) == length(flatten([for r in values(var.routes) : r.path_patterns]))
    error_message = "routes: a path pattern appears in two routes; each path may go to one service only."
  }
  validation {
    condition = alltrue([for r in values(var.routes) :
      r.priority >= 1 && r.priority <= 50000 && r.port >= 1 && r.port <= 65535 &&
      length(r.path_patterns) >= 1 && length(r.path_patterns) <= 5 && alltrue([for p in r.path_patterns : startswith(p, "/")])
    ])
    error_message = "routes: priority must be 1-50000, port 1-65535, and 1-5 path patterns each starting with /."
  }
  validation {
    condition     = alltrue([for k in keys(var.routes) : can(regex("^[a-z][a-z0-9-]{0,20}$", k))])
    error_message = "routes: names must be lowercase letters, digits and dashes (max 21), as they name target groups."
  }
}

variable "observability" {
  description = "Logs, ADOT export and the X-Ray Transaction Search prerequisite."
  type = object({
    log_group_name     = optional(string, "/ecs/jitsi-app")
    log_retention_days = optional(number, 30)
    adot_containers    = optional(list(string), [])
    metric_namespace   = optional(string, "Jitsi")
    transaction_search = optional(bool, true)
  })
  default = {}

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.observability.log_retention_days)
    error_message = "observability.log_retention_days must be a CloudWatch retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
  validation {
    condition     = alltrue([for c in var.observability.adot_containers : contains(["web", "prosody", "jicofo", "jvb"], c)])
    error_message = "observability.adot_containers may only name web, prosody, jicofo and jvb."
  }
}

variable "alarms" {
  description = "Alarm thresholds and the SNS topic they notify."
  type = object({
    topic_name           = optional(string, "deployment-alerts")
    emails               = optional(list(string), [])
    period               = optional(number, 60)
    target_5xx_threshold = optional(number, 5)
    elb_5xx_threshold    = optional(number, 5)
    p99_latency_seconds  = optional(number, 2)
  })
  default = {}

  validation {
    condition     = contains([10, 30, 60, 120, 300, 600, 900, 3600], var.alarms.period)
    error_message = "alarms.period must be 10, 30 or a multiple of 60 seconds such as 60 or 300."
  }
  validation {
    condition     = var.alarms.target_5xx_threshold >= 0 && var.alarms.elb_5xx_threshold >= 0 && var.alarms.p99_latency_seconds > 0
    error_message = "alarms: 5xx thresholds must be >= 0 and p99_latency_seconds > 0."
  }
  validation {
    condition     = alltrue([for e in var.alarms.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarms.emails must be email addresses such as ops@example.com."
  }
}

variable "budgets" {
  description = "Monthly cost budgets (USD, ascending), each with FORECASTED and ACTUAL 100% notifications."
  type = object({
    limits     = optional(list(number), [5, 10, 20, 40, 60])
    emails     = optional(list(string), [])
    topic_name = optional(string, "budget-alerts")
  })
  default = {}

  validation {
    condition     = length(var.budgets.limits) >= 1 && alltrue([for i, l in var.budgets.limits : l > 0 && (i == 0 || l > try(var.budgets.limits[i - 1], 0))])
    error_message = "budgets.limits must be a non-empty list of positive amounts in strictly ascending order, such as [5, 10, 20, 40, 60]."
  }
  validation {
    condition     = length(var.budgets.emails) <= 10 && alltrue([for e in var.budgets.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "budgets.emails takes at most 10 email addresses (an AWS Budgets limit) such as ops@example.com."
  }
}

variable "telemetry" {
  description = "Jitsi telemetry: a scheduled Lambda turns JVB and jicofo stats into CloudWatch metrics (EMF)."
  type = object({
    enabled             = optional(bool, true)
    schedule_expression = optional(string, "rate(1 minute)")
    stress_threshold    = optional(number, 0.8)
  })
  default = {}

  validation {
    condition     = can(regex("^(rate|cron)\\(.+\\)$", var.telemetry.schedule_expression)) && var.telemetry.stress_threshold > 0
    error_message = "telemetry.schedule_expression must be rate(...) or cron(...), and stress_threshold above 0."
  }
}

variable "telemetry_package" {
  description = "The telemetry function's zip: path (relative to this directory) and base64 SHA-256. jitsi-ecs builds it; by hand: python -m jitsi_ecs.telemetry.package."
  type = object({
    path = string
    hash = string
  })
  default = null

  validation {
    condition     = var.telemetry_package != null || !var.telemetry.enabled
    error_message = "telemetry is enabled but telemetry_package is not set: build it with `python -m jitsi_ecs.telemetry.package telemetry.zip` (jitsi-ecs does this itself), or set telemetry.enabled = false."
  }
}

variable "aws_provider" {
  description = "Provider switches. Keep the defaults for a real account; the emulator target changes them."
  type = object({
    max_retries                 = optional(number, 25)
    skip_credentials_validation = optional(bool, false)
    skip_metadata_api_check     = optional(bool, false)
    s3_use_path_style           = optional(bool, false)
  })
  default = {}
}

variable "tags" {
  description = "Extra tags on every resource."
  type        = map(string)
  default     = {}
}
