# GENERATED from src/jitsi_ecs/config.py by `python -m jitsi_ecs.schema`: do not edit.
# Every key of jitsi-ecs.toml is a variable here, with the same defaults and the same rules,
# so the module protects a Terraform user without the CLI just as the CLI does.
# (Variables the tool itself supplies live in tool_variables.tf.)

variable "name" {
  description = "Stack name: cluster, ALB and prefix of every resource."
  type        = string
  default     = "jitsi"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name))
    error_message = "name must be 2-20 lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the whole stack."
  type        = string
  default     = "us-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region such as us-west-2."
  }
}

variable "domain" {
  description = "Public host name; PUBLIC_URL is https://<domain>."
  type        = string
  default     = "meet.example.com"

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lowercase DNS name such as meet.example.com (no scheme, no path)."
  }
}

variable "certificate_arn" {
  description = "Existing ACM certificate for domain (or route53_zone_id; the local target needs neither)."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Hosted zone of domain: a DNS-validated certificate and an alias record are made."
  type        = string
  default     = null

  validation {
    condition     = var.route53_zone_id != null || var.certificate_arn != null
    error_message = "HTTPS needs a certificate: set certificate_arn (an ACM certificate for the domain) or route53_zone_id (its hosted zone, for a DNS-validated one)"
  }
}

variable "ssl_policy" {
  description = "TLS policy: TLS 1.2 minimum, 1.3 preferred."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = contains(["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2020-10"], var.ssl_policy)
    error_message = "ssl_policy must be one of ELBSecurityPolicy-TLS13-1-2-2021-06, ELBSecurityPolicy-TLS13-1-2-Res-2021-06, ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06, ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06, ELBSecurityPolicy-TLS13-1-3-2021-06, ELBSecurityPolicy-TLS-1-2-2017-01, ELBSecurityPolicy-TLS-1-2-Ext-2018-06, ELBSecurityPolicy-FS-1-2-2019-08, ELBSecurityPolicy-FS-1-2-Res-2019-08, ELBSecurityPolicy-FS-1-2-Res-2020-10."
  }
}

variable "network" {
  description = "A new VPC with public subnets (cidr, az_count) or an existing one. No NAT gateway."
  type = object({
    cidr              = optional(string, "10.42.0.0/16")
    az_count          = optional(number, 2)
    vpc_id            = optional(string)
    public_subnet_ids = optional(list(string), [])
    flow_logs         = optional(bool, false)
  })
  default = {}

  validation {
    condition     = var.network.az_count >= 2 && var.network.az_count <= 4
    error_message = "network.az_count must be at least 2 and at most 4."
  }

  validation {
    condition     = can(cidrsubnet(var.network.cidr, 0, 0)) ? (cidrsubnet(var.network.cidr, 0, 0) == var.network.cidr && tonumber(split("/", var.network.cidr)[1]) >= 16 && tonumber(split("/", var.network.cidr)[1]) <= 24) : false
    error_message = "network: cidr ${try(jsonencode(var.network.cidr), "")} is not a canonical IPv4 CIDR block from /16 to /24 such as 10.42.0.0/16"
  }

  validation {
    condition     = var.network.vpc_id == null ? true : length(var.network.public_subnet_ids) >= 2
    error_message = "network: vpc_id needs public_subnet_ids with at least 2 subnets in different AZs"
  }
}

variable "alb" {
  description = "The load balancer's protection, request logs and security headers."
  type = object({
    deletion_protection = optional(bool, false)
    access_logs         = optional(bool, false)
    hsts_max_age        = optional(number, 31536000)
  })
  default = {}

  validation {
    condition     = var.alb.hsts_max_age >= 0 && var.alb.hsts_max_age <= 63072000
    error_message = "alb.hsts_max_age must be at least 0 and at most 63072000."
  }
}

variable "jitsi" {
  description = "The Jitsi services: layout, image line, sizes, counts, auth."
  type = object({
    layout = optional(string, "compact")
    image = optional(object({
      tag      = optional(string, "stable-11146-2")
      registry = optional(string)
      digests  = optional(map(string), {})
    }), {})
    cpu_architecture = optional(string, "ARM64")
    auth_type        = optional(string, "jwt")
    jwt_app_id       = optional(string, "jitsi")
    guests           = optional(bool, true)
    internal_domain  = optional(string, "jitsi.internal")
    shard = optional(object({
      cpu    = optional(number, 512)
      memory = optional(number, 3072)
    }), {})
    web = optional(object({
      desired_count = optional(number, 2)
      cpu           = optional(number, 256)
      memory        = optional(number, 512)
      spot          = optional(bool, false)
    }), {})
    xmpp = optional(object({
      cpu    = optional(number, 512)
      memory = optional(number, 1024)
    }), {})
    jvb = optional(object({
      cpu          = optional(number, 1024)
      memory       = optional(number, 2048)
      udp_port     = optional(number, 10000)
      stun_servers = optional(list(string), ["meet-jit-si-turnrelay.jitsi.net:443", "stun.l.google.com:19302", "stun.cloudflare.com:3478"])
      spot         = optional(bool, false)
      autoscaling = optional(object({
        min_count     = optional(number, 1)
        max_count     = optional(number, 3)
        target_stress = optional(number, 0.6)
      }), {})
    }), {})
    turn = optional(object({
      enabled              = optional(bool, false)
      host                 = optional(string)
      certificate_arn      = optional(string)
      image                = optional(string, "coturn/coturn:4.17.0-r0")
      cpu                  = optional(number, 256)
      memory               = optional(number, 512)
      credential_ttl_hours = optional(number, 8)
    }), {})
    schedule = optional(object({
      days       = optional(string, "MON-FRI")
      start_hour = optional(number, 8)
      stop_hour  = optional(number, 18)
    }))
  })
  default = {}

  validation {
    condition     = contains(["compact", "growth"], var.jitsi.layout)
    error_message = "jitsi.layout must be one of compact, growth."
  }

  validation {
    condition     = can(regex("^stable-[0-9]{4,}(-[0-9]+)?$", var.jitsi.image.tag))
    error_message = "jitsi.image.tag must be a pinned stable-NNNNN[-N] tag (for example stable-11031); moving tags such as stable or latest are refused."
  }

  validation {
    condition     = alltrue([for key in keys(var.jitsi.image.digests) : contains(["web", "prosody", "jicofo", "jvb"], key)])
    error_message = "every key of jitsi.image.digests must be one of web, prosody, jicofo, jvb."
  }

  validation {
    condition     = alltrue([for value in values(var.jitsi.image.digests) : can(regex("^sha256:[0-9a-f]{64}$", value))])
    error_message = "every value of jitsi.image.digests must be an image digest: sha256: and 64 lowercase hex digits."
  }

  validation {
    condition     = contains(["X86_64", "ARM64"], var.jitsi.cpu_architecture)
    error_message = "jitsi.cpu_architecture must be one of X86_64, ARM64."
  }

  validation {
    condition     = contains(["jwt", "none"], var.jitsi.auth_type)
    error_message = "jitsi.auth_type must be one of jwt, none."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,64}$", var.jitsi.jwt_app_id))
    error_message = "jitsi.jwt_app_id must be 1-64 letters, digits, dots, dashes, underscores."
  }

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.jitsi.shard.cpu)
    error_message = "jitsi.shard.cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  }

  validation {
    condition     = contains(lookup({ 256 = [512, 1024, 2048], 512 = [1024, 2048, 3072, 4096], 1024 = [2048, 3072, 4096, 5120, 6144, 7168, 8192], 2048 = [4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384], 4096 = [8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384, 17408, 18432, 19456, 20480, 21504, 22528, 23552, 24576, 25600, 26624, 27648, 28672, 29696, 30720], 8192 = [16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440], 16384 = [32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880] }, tostring(var.jitsi.shard.cpu), []), var.jitsi.shard.memory)
    error_message = "jitsi.shard: cpu ${try(jsonencode(var.jitsi.shard.cpu), "")} with memory ${try(jsonencode(var.jitsi.shard.memory), "")} MiB is not a Fargate task size (cpu 256: 512, 1024 or 2048 MiB; 512: 1-4 GiB; 1024: 2-8 GiB; 2048: 4-16 GiB; 4096: 8-30 GiB, in 1 GiB steps)"
  }

  validation {
    condition     = var.jitsi.shard.memory >= 2592
    error_message = "jitsi.shard: memory ${try(jsonencode(var.jitsi.shard.memory), "")} MiB cannot hold the shard's web, prosody, jicofo and bridge with their heaps: at least 2592 MiB (docs/architecture.md, \"Memory budget\", lists each process's share)"
  }

  validation {
    condition     = var.jitsi.web.desired_count >= 1 && var.jitsi.web.desired_count <= 100
    error_message = "jitsi.web.desired_count must be at least 1 and at most 100."
  }

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.jitsi.web.cpu)
    error_message = "jitsi.web.cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  }

  validation {
    condition     = contains(lookup({ 256 = [512, 1024, 2048], 512 = [1024, 2048, 3072, 4096], 1024 = [2048, 3072, 4096, 5120, 6144, 7168, 8192], 2048 = [4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384], 4096 = [8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384, 17408, 18432, 19456, 20480, 21504, 22528, 23552, 24576, 25600, 26624, 27648, 28672, 29696, 30720], 8192 = [16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440], 16384 = [32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880] }, tostring(var.jitsi.web.cpu), []), var.jitsi.web.memory)
    error_message = "jitsi.web: cpu ${try(jsonencode(var.jitsi.web.cpu), "")} with memory ${try(jsonencode(var.jitsi.web.memory), "")} MiB is not a Fargate task size (cpu 256: 512, 1024 or 2048 MiB; 512: 1-4 GiB; 1024: 2-8 GiB; 2048: 4-16 GiB; 4096: 8-30 GiB, in 1 GiB steps)"
  }

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.jitsi.xmpp.cpu)
    error_message = "jitsi.xmpp.cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  }

  validation {
    condition     = contains(lookup({ 256 = [512, 1024, 2048], 512 = [1024, 2048, 3072, 4096], 1024 = [2048, 3072, 4096, 5120, 6144, 7168, 8192], 2048 = [4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384], 4096 = [8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384, 17408, 18432, 19456, 20480, 21504, 22528, 23552, 24576, 25600, 26624, 27648, 28672, 29696, 30720], 8192 = [16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440], 16384 = [32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880] }, tostring(var.jitsi.xmpp.cpu), []), var.jitsi.xmpp.memory)
    error_message = "jitsi.xmpp: cpu ${try(jsonencode(var.jitsi.xmpp.cpu), "")} with memory ${try(jsonencode(var.jitsi.xmpp.memory), "")} MiB is not a Fargate task size (cpu 256: 512, 1024 or 2048 MiB; 512: 1-4 GiB; 1024: 2-8 GiB; 2048: 4-16 GiB; 4096: 8-30 GiB, in 1 GiB steps)"
  }

  validation {
    condition     = var.jitsi.xmpp.memory >= 1008
    error_message = "jitsi.xmpp: memory ${try(jsonencode(var.jitsi.xmpp.memory), "")} MiB cannot hold prosody and jicofo with its heap: at least 1008 MiB (docs/architecture.md, \"Memory budget\", lists each process's share)"
  }

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.jitsi.jvb.cpu)
    error_message = "jitsi.jvb.cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  }

  validation {
    condition     = var.jitsi.jvb.udp_port >= 1024 && var.jitsi.jvb.udp_port <= 65535
    error_message = "jitsi.jvb.udp_port must be at least 1024 and at most 65535."
  }

  validation {
    condition     = length(var.jitsi.jvb.stun_servers) >= 2
    error_message = "jitsi.jvb.stun_servers must have at least 2 item(s)."
  }

  validation {
    condition     = alltrue([for item in var.jitsi.jvb.stun_servers : can(regex("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?:[0-9]{1,5}$", item))])
    error_message = "every item of jitsi.jvb.stun_servers must be host:port of a STUN server, such as stun.l.google.com:19302."
  }

  validation {
    condition     = var.jitsi.jvb.autoscaling.min_count >= 1 && var.jitsi.jvb.autoscaling.min_count <= 50
    error_message = "jitsi.jvb.autoscaling.min_count must be at least 1 and at most 50."
  }

  validation {
    condition     = var.jitsi.jvb.autoscaling.max_count >= 1 && var.jitsi.jvb.autoscaling.max_count <= 50
    error_message = "jitsi.jvb.autoscaling.max_count must be at least 1 and at most 50."
  }

  validation {
    condition     = var.jitsi.jvb.autoscaling.target_stress > 0 && var.jitsi.jvb.autoscaling.target_stress <= 1
    error_message = "jitsi.jvb.autoscaling.target_stress must be above 0 and at most 1."
  }

  validation {
    condition     = var.jitsi.jvb.autoscaling.min_count <= var.jitsi.jvb.autoscaling.max_count
    error_message = "jitsi.jvb.autoscaling: min_count (${try(jsonencode(var.jitsi.jvb.autoscaling.min_count), "")}) must not be above max_count (${try(jsonencode(var.jitsi.jvb.autoscaling.max_count), "")})"
  }

  validation {
    condition     = contains(lookup({ 256 = [512, 1024, 2048], 512 = [1024, 2048, 3072, 4096], 1024 = [2048, 3072, 4096, 5120, 6144, 7168, 8192], 2048 = [4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384], 4096 = [8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384, 17408, 18432, 19456, 20480, 21504, 22528, 23552, 24576, 25600, 26624, 27648, 28672, 29696, 30720], 8192 = [16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440], 16384 = [32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880] }, tostring(var.jitsi.jvb.cpu), []), var.jitsi.jvb.memory)
    error_message = "jitsi.jvb: cpu ${try(jsonencode(var.jitsi.jvb.cpu), "")} with memory ${try(jsonencode(var.jitsi.jvb.memory), "")} MiB is not a Fargate task size (cpu 256: 512, 1024 or 2048 MiB; 512: 1-4 GiB; 1024: 2-8 GiB; 2048: 4-16 GiB; 4096: 8-30 GiB, in 1 GiB steps)"
  }

  validation {
    condition     = var.jitsi.jvb.memory >= 1472
    error_message = "jitsi.jvb: memory ${try(jsonencode(var.jitsi.jvb.memory), "")} MiB cannot hold a bridge and its guard with the bridge's heap: at least 1472 MiB (docs/architecture.md, \"Memory budget\", lists each process's share)"
  }

  validation {
    condition     = var.jitsi.turn.host == null ? true : (can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.jitsi.turn.host)))
    error_message = "jitsi.turn.host must be a lowercase DNS name such as meet.example.com (no scheme, no path)."
  }

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9./_-]*:[0-9][A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?$", var.jitsi.turn.image))
    error_message = "jitsi.turn.image must be a pinned image whose tag starts with a version, such as coturn/coturn:4.17.0-r0."
  }

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.jitsi.turn.cpu)
    error_message = "jitsi.turn.cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  }

  validation {
    condition     = var.jitsi.turn.credential_ttl_hours >= 1 && var.jitsi.turn.credential_ttl_hours <= 24
    error_message = "jitsi.turn.credential_ttl_hours must be at least 1 and at most 24."
  }

  validation {
    condition     = contains(lookup({ 256 = [512, 1024, 2048], 512 = [1024, 2048, 3072, 4096], 1024 = [2048, 3072, 4096, 5120, 6144, 7168, 8192], 2048 = [4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384], 4096 = [8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384, 17408, 18432, 19456, 20480, 21504, 22528, 23552, 24576, 25600, 26624, 27648, 28672, 29696, 30720], 8192 = [16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440], 16384 = [32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880] }, tostring(var.jitsi.turn.cpu), []), var.jitsi.turn.memory)
    error_message = "jitsi.turn: cpu ${try(jsonencode(var.jitsi.turn.cpu), "")} with memory ${try(jsonencode(var.jitsi.turn.memory), "")} MiB is not a Fargate task size (cpu 256: 512, 1024 or 2048 MiB; 512: 1-4 GiB; 1024: 2-8 GiB; 2048: 4-16 GiB; 4096: 8-30 GiB, in 1 GiB steps)"
  }

  validation {
    condition     = var.jitsi.schedule == null ? true : (can(regex("^(\\*|(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?(,(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?)*)$", var.jitsi.schedule.days)))
    error_message = "jitsi.schedule.days must be a cron day list such as MON-FRI or MON,WED,FRI."
  }

  validation {
    condition     = var.jitsi.schedule == null ? true : (var.jitsi.schedule.start_hour >= 0 && var.jitsi.schedule.start_hour <= 23)
    error_message = "jitsi.schedule.start_hour must be at least 0 and at most 23."
  }

  validation {
    condition     = var.jitsi.schedule == null ? true : (var.jitsi.schedule.stop_hour >= 1 && var.jitsi.schedule.stop_hour <= 23)
    error_message = "jitsi.schedule.stop_hour must be at least 1 and at most 23."
  }

  validation {
    condition     = var.jitsi.schedule == null ? true : (var.jitsi.schedule.start_hour < var.jitsi.schedule.stop_hour)
    error_message = "jitsi.schedule: start_hour (${try(jsonencode(var.jitsi.schedule.start_hour), "")}) must be before stop_hour (${try(jsonencode(var.jitsi.schedule.stop_hour), "")})"
  }

  validation {
    condition     = var.jitsi.cpu_architecture != "ARM64" || !(var.jitsi.web.spot || var.jitsi.jvb.spot)
    error_message = "jitsi: Fargate Spot runs x86 tasks only: jitsi.cpu_architecture = ARM64 cannot go with jitsi.web.spot or jitsi.jvb.spot"
  }

  validation {
    condition     = !var.jitsi.turn.enabled || var.jitsi.turn.certificate_arn != null || var.route53_zone_id != null
    error_message = "jitsi.turn needs a certificate for its host: set jitsi.turn.certificate_arn or route53_zone_id"
  }
}

variable "health_check" {
  description = "Container and target group health checks and the ECS grace period."
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
    condition     = var.health_check.container.interval >= 5 && var.health_check.container.interval <= 300
    error_message = "health_check.container.interval must be at least 5 and at most 300."
  }

  validation {
    condition     = var.health_check.container.timeout >= 2 && var.health_check.container.timeout <= 60
    error_message = "health_check.container.timeout must be at least 2 and at most 60."
  }

  validation {
    condition     = var.health_check.container.retries >= 1 && var.health_check.container.retries <= 10
    error_message = "health_check.container.retries must be at least 1 and at most 10."
  }

  validation {
    condition     = var.health_check.container.start_period >= 0 && var.health_check.container.start_period <= 300
    error_message = "health_check.container.start_period must be at least 0 and at most 300."
  }

  validation {
    condition     = var.health_check.container.timeout < var.health_check.container.interval
    error_message = "health_check.container: timeout (${try(jsonencode(var.health_check.container.timeout), "")}) must be below interval (${try(jsonencode(var.health_check.container.interval), "")})"
  }

  validation {
    condition     = can(regex("^/[A-Za-z0-9._~/%-]*$", var.health_check.target_group.path))
    error_message = "health_check.target_group.path must be a URL path starting with / (letters, digits and - . _ ~ / % only)."
  }

  validation {
    condition     = var.health_check.target_group.interval >= 5 && var.health_check.target_group.interval <= 300
    error_message = "health_check.target_group.interval must be at least 5 and at most 300."
  }

  validation {
    condition     = var.health_check.target_group.timeout >= 2 && var.health_check.target_group.timeout <= 120
    error_message = "health_check.target_group.timeout must be at least 2 and at most 120."
  }

  validation {
    condition     = var.health_check.target_group.healthy_threshold >= 2 && var.health_check.target_group.healthy_threshold <= 10
    error_message = "health_check.target_group.healthy_threshold must be at least 2 and at most 10."
  }

  validation {
    condition     = var.health_check.target_group.unhealthy_threshold >= 2 && var.health_check.target_group.unhealthy_threshold <= 10
    error_message = "health_check.target_group.unhealthy_threshold must be at least 2 and at most 10."
  }

  validation {
    condition     = var.health_check.target_group.path != "/health"
    error_message = "health_check.target_group: /health is a Jitsi room page that always answers 200; use / or /http-bind"
  }

  validation {
    condition     = var.health_check.target_group.timeout < var.health_check.target_group.interval
    error_message = "health_check.target_group: timeout (${try(jsonencode(var.health_check.target_group.timeout), "")}) must be below interval (${try(jsonencode(var.health_check.target_group.interval), "")})"
  }

  validation {
    condition     = var.health_check.grace_period >= 0 && var.health_check.grace_period <= 2147483647
    error_message = "health_check.grace_period must be at least 0 and at most 2147483647."
  }

  validation {
    condition     = var.health_check.grace_period >= var.health_check.container.start_period + 2 * var.health_check.container.interval
    error_message = "health_check: grace_period (${try(jsonencode(var.health_check.grace_period), "")}) must be at least start_period + 2 x interval of the container check, or new tasks are killed before they can pass"
  }
}

variable "auth" {
  description = "Self-service meeting links at https://<domain>/auth/: members log in and get a link."
  type = object({
    enabled  = optional(bool, true)
    provider = optional(string, "cognito")
    oidc = optional(object({
      issuer                  = string
      authorization_endpoint  = string
      token_endpoint          = string
      user_info_endpoint      = string
      client_id               = string
      client_secret_parameter = string
    }))
    token_ttl_hours  = optional(number, 1)
    mfa              = optional(string, "optional")
    login_rate_limit = optional(number, 0)
  })
  default = {}

  validation {
    condition     = contains(["cognito", "oidc"], var.auth.provider)
    error_message = "auth.provider must be one of cognito, oidc."
  }

  validation {
    condition     = var.auth.oidc == null ? true : (can(regex("^https://", var.auth.oidc.issuer)))
    error_message = "auth.oidc.issuer must be an https:// URL."
  }

  validation {
    condition     = var.auth.oidc == null ? true : (can(regex("^https://", var.auth.oidc.authorization_endpoint)))
    error_message = "auth.oidc.authorization_endpoint must be an https:// URL."
  }

  validation {
    condition     = var.auth.oidc == null ? true : (can(regex("^https://", var.auth.oidc.token_endpoint)))
    error_message = "auth.oidc.token_endpoint must be an https:// URL."
  }

  validation {
    condition     = var.auth.oidc == null ? true : (can(regex("^https://", var.auth.oidc.user_info_endpoint)))
    error_message = "auth.oidc.user_info_endpoint must be an https:// URL."
  }

  validation {
    condition     = var.auth.oidc == null ? true : (can(regex("^/", var.auth.oidc.client_secret_parameter)))
    error_message = "auth.oidc.client_secret_parameter must be an SSM parameter name such as /jitsi/oidc-client-secret."
  }

  validation {
    condition     = var.auth.token_ttl_hours >= 1 && var.auth.token_ttl_hours <= 24
    error_message = "auth.token_ttl_hours must be at least 1 and at most 24."
  }

  validation {
    condition     = contains(["optional", "required"], var.auth.mfa)
    error_message = "auth.mfa must be one of optional, required."
  }

  validation {
    condition     = var.auth.login_rate_limit >= 0 && var.auth.login_rate_limit <= 2000000000
    error_message = "auth.login_rate_limit must be at least 0 and at most 2000000000."
  }

  validation {
    condition     = var.auth.provider != "oidc" || var.auth.oidc != null
    error_message = "auth: provider = oidc needs an [auth.oidc] section"
  }

  validation {
    condition     = var.auth.login_rate_limit == 0 || var.auth.login_rate_limit >= 10
    error_message = "auth: login_rate_limit is 0 (off) or at least 10, AWS WAF's minimum for a rate rule (got ${try(jsonencode(var.auth.login_rate_limit), "")})"
  }

  validation {
    condition     = var.auth.login_rate_limit == 0 || var.auth.provider == "cognito"
    error_message = "auth: login_rate_limit guards the Cognito user pool: with provider = oidc your IdP rate-limits its own logins; set it to 0"
  }

  validation {
    condition     = !var.auth.enabled || var.jitsi.auth_type == "jwt"
    error_message = "auth.enabled needs jitsi.auth_type = jwt: without tokens there is nothing to issue"
  }
}

variable "services" {
  description = "Operator services behind the same ALB, each with the Jitsi services' safety nets."
  type = map(object({
    image         = string
    port          = number
    path_patterns = list(string)
    priority      = number
    cpu           = optional(number, 256)
    memory        = optional(number, 512)
    desired_count = optional(number, 1)
    health_path   = optional(string, "/")
    environment   = optional(map(string), {})
    secrets       = optional(list(string), [])
    adot          = optional(bool, false)
    spot          = optional(bool, false)
    egress        = optional(list(string), [])
  }))
  default = {}

  validation {
    condition     = alltrue([for key in keys(var.services) : can(regex("^[a-z]([a-z0-9-]{0,19}[a-z0-9])?$", key))])
    error_message = "every key of services must be 1-21 lowercase letters, digits and dashes, starting with a letter, not ending in a dash."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : can(regex("^([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$", v.image))])
    error_message = "services.<name>.image must be an image with a pinned tag or digest, such as public.ecr.aws/nginx/nginx:1.27.3 or repo/app@sha256:<64 hex> (untagged images are refused)."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : v.port >= 1 && v.port <= 65535])
    error_message = "services.<name>.port must be at least 1 and at most 65535."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : length(v.path_patterns) >= 1 && length(v.path_patterns) <= 5])
    error_message = "services.<name>.path_patterns must have 1 to 5 item(s)."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : alltrue([for item in v.path_patterns : can(regex("^/[A-Za-z0-9_.~/*?-]*$", item))])])
    error_message = "every item of services.<name>.path_patterns must be an ALB path pattern starting with / (letters, digits, _ . ~ / - and the wildcards * ?)."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : v.priority >= 10 && v.priority <= 50000])
    error_message = "services.<name>.priority must be at least 10 and at most 50000."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : contains([256, 512, 1024, 2048, 4096, 8192, 16384], v.cpu)])
    error_message = "services.<name>.cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : v.desired_count >= 1 && v.desired_count <= 100])
    error_message = "services.<name>.desired_count must be at least 1 and at most 100."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : can(regex("^/[A-Za-z0-9._~/%-]*$", v.health_path))])
    error_message = "services.<name>.health_path must be a URL path starting with / (letters, digits and - . _ ~ / % only)."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : alltrue([for key in keys(v.environment) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", key))])])
    error_message = "every key of services.<name>.environment must be an environment variable name (letters, digits and _, not starting with a digit)."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : alltrue([for item in v.secrets : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", item))])])
    error_message = "every item of services.<name>.secrets must be an environment variable name (letters, digits and _, not starting with a digit)."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : alltrue([for item in v.egress : can(regex("^(tcp|udp):[1-9][0-9]{0,4}(-[1-9][0-9]{0,4})?:((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$", item))])])
    error_message = "every item of services.<name>.egress must be protocol:port[-port]:IPv4 CIDR, such as tcp:5432:10.42.0.0/16 or udp:53:0.0.0.0/0."
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : contains(lookup({ 256 = [512, 1024, 2048], 512 = [1024, 2048, 3072, 4096], 1024 = [2048, 3072, 4096, 5120, 6144, 7168, 8192], 2048 = [4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384], 4096 = [8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384, 17408, 18432, 19456, 20480, 21504, 22528, 23552, 24576, 25600, 26624, 27648, 28672, 29696, 30720], 8192 = [16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440], 16384 = [32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880] }, tostring(v.cpu), []), v.memory)])
    error_message = "services.<name>: cpu cpu with memory memory MiB is not a Fargate task size (cpu 256: 512, 1024 or 2048 MiB; 512: 1-4 GiB; 1024: 2-8 GiB; 2048: 4-16 GiB; 4096: 8-30 GiB, in 1 GiB steps)"
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : alltrue([for e in v.egress : try(tonumber(split("-", split(":", e)[1])[0]) <= tonumber(reverse(split("-", split(":", e)[1]))[0]) && tonumber(reverse(split("-", split(":", e)[1]))[0]) <= 65535 && cidrsubnet(split(":", e)[2], 0, 0) == split(":", e)[2], false)])])
    error_message = "services.<name>: egress egress: ports go from 1 to 65535, low to high, to a canonical CIDR (such as 10.42.0.0/16)"
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : !can(regex("(?i):(latest|stable|edge|nightly|main|master|mainline|dev|develop)$", v.image))])
    error_message = "services.<name>: image image has a moving tag: pin a version (such as nginx:1.27.3) or add a digest (@sha256:...)"
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : alltrue([for p in v.path_patterns : alltrue([for s in ["/", "/config.js", "/interface_config.js", "/external_api.js", "/logging_config.js", "/index.html", "/manifest.json", "/pwa-worker.js", "/favicon.ico", "/robots.txt", "/http-bind", "/xmpp-websocket", "/_api/room-info", "/rtcstats-ws/x", "/socket.io/x", "/rtc-visualizer", "/rtc-visualizer/x", "/colibri-ws/x", "/colibri-relay-ws/x", "/etherpad/x", "/_load-test/x", "/libs/x", "/css/x", "/static/x", "/images/x", "/fonts/x", "/lang/x", "/sounds/x", "/connection_optimization/x", "/.well-known/x", "/transcripts/x"] : !can(regex("^${replace(replace(replace(p, ".", "\\."), "*", ".*"), "?", ".")}$", s))]) && alltrue([for d in ["/rtcstats-ws/", "/socket.io/", "/rtc-visualizer/", "/colibri-ws/", "/colibri-relay-ws/", "/etherpad/", "/_load-test/", "/libs/", "/css/", "/static/", "/images/", "/fonts/", "/lang/", "/sounds/", "/connection_optimization/", "/.well-known/", "/transcripts/"] : !startswith(p, d)])])])
    error_message = "services.<name>: path_patterns path_patterns take paths the Jitsi web image serves itself (/, /config.js, /http-bind, /xmpp-websocket, /colibri-ws/, /libs/, ...: config.JITSI_PATHS); Jitsi lives at the root"
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : length(setintersection(toset(v.secrets), toset(keys(v.environment)))) == 0])
    error_message = "services.<name>: secrets secrets are also set in environment: a name is one or the other"
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : alltrue([for k in keys(v.environment) : !can(regex("PASSWORD|SECRET|TOKEN|PRIVATE_KEY", k))])])
    error_message = "services.<name>: environment holds a secret-looking name (PASSWORD, SECRET, TOKEN, PRIVATE_KEY): put it in secrets, which reach the container through ECS secrets"
  }

  validation {
    condition     = alltrue([for v_key, v in var.services : !v.adot || alltrue([for k in keys(v.environment) : !startswith(k, "OTEL_")])])
    error_message = "services.<name>: environment sets OTEL_ variables, which adot = true sets itself"
  }

  validation {
    condition     = alltrue([for p in flatten([for s in values(var.services) : s.path_patterns]) : alltrue([for s in ["/auth", "/auth/x", "/oauth2/x"] : !can(regex("^${replace(replace(replace(p, ".", "\\."), "*", ".*"), "?", ".")}$", s))]) && alltrue([for d in ["/auth/", "/oauth2/"] : !startswith(p, d)])]) || !var.auth.enabled
    error_message = "services: /auth, /auth/* and /oauth2/* belong to the /auth/ page while auth.enabled is true; choose other path patterns"
  }

  validation {
    condition     = length(distinct([for s in values(var.services) : s.priority])) == length(var.services)
    error_message = "services: each listener rule needs its own priority"
  }

  validation {
    condition     = length(distinct(flatten([for s in values(var.services) : s.path_patterns]))) == length(flatten([for s in values(var.services) : s.path_patterns]))
    error_message = "services: a path pattern may go to one service only"
  }

  validation {
    condition     = length(setintersection(toset(keys(var.services)), toset(["web", "xmpp", "prosody", "jicofo", "jvb", "jibri", "jigasi", "jitsi", "shard", "signaling", "auth", "telemetry"]))) == 0
    error_message = "services: web, xmpp, prosody, jicofo, jvb, jibri, jigasi, jitsi, shard, signaling, auth, telemetry name Jitsi's own services and the tool's functions; choose another service name"
  }

  validation {
    condition     = alltrue([for n in keys(var.services) : length(var.name) + 1 + length(n) <= 32])
    error_message = "services: the stack name, a dash and the service name must fit a target group name (32 characters)"
  }

  validation {
    condition     = alltrue([for s in values(var.services) : !s.spot]) || var.jitsi.cpu_architecture == "X86_64"
    error_message = "services: spot needs jitsi.cpu_architecture = X86_64 (Fargate Spot has no ARM64)"
  }
}

variable "observability" {
  description = "Logs, ADOT export and the X-Ray Transaction Search prerequisite."
  type = object({
    log_group_name     = optional(string, "/ecs/jitsi-app")
    log_retention_days = optional(number, 30)
    adot_containers    = optional(list(string), [])
    metric_namespace   = optional(string, "Jitsi")
    container_insights = optional(bool, false)
    transaction_search = optional(bool, true)
  })
  default = {}

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.observability.log_retention_days)
    error_message = "observability.log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }

  validation {
    condition     = alltrue([for item in var.observability.adot_containers : contains(["web", "prosody", "jicofo", "jvb"], item)])
    error_message = "every item of observability.adot_containers must be one of web, prosody, jicofo, jvb."
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
    condition     = alltrue([for item in var.alarms.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", item))])
    error_message = "every item of alarms.emails must be an email address such as ops@example.com."
  }

  validation {
    condition     = contains([10, 30, 60, 120, 300, 600, 900, 3600], var.alarms.period)
    error_message = "alarms.period must be one of 10, 30, 60, 120, 300, 600, 900, 3600."
  }

  validation {
    condition     = var.alarms.target_5xx_threshold >= 0
    error_message = "alarms.target_5xx_threshold must be at least 0."
  }

  validation {
    condition     = var.alarms.elb_5xx_threshold >= 0
    error_message = "alarms.elb_5xx_threshold must be at least 0."
  }

  validation {
    condition     = var.alarms.p99_latency_seconds > 0
    error_message = "alarms.p99_latency_seconds must be above 0."
  }
}

variable "budgets" {
  description = "Monthly cost budgets (USD, ascending), each with FORECASTED and ACTUAL notifications."
  type = object({
    limits     = optional(list(number), [5, 10, 20, 40, 60])
    emails     = optional(list(string), [])
    topic_name = optional(string, "budget-alerts")
  })
  default = {}

  validation {
    condition     = length(var.budgets.limits) >= 1
    error_message = "budgets.limits must have at least 1 item(s)."
  }

  validation {
    condition     = length(var.budgets.emails) <= 10
    error_message = "budgets.emails must have at most 10 item(s)."
  }

  validation {
    condition     = alltrue([for item in var.budgets.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", item))])
    error_message = "every item of budgets.emails must be an email address such as ops@example.com."
  }

  validation {
    condition     = alltrue([for i, l in var.budgets.limits : l > 0 && (i == 0 ? true : l > var.budgets.limits[max(i - 1, 0)])])
    error_message = "budgets: limits ${try(jsonencode(var.budgets.limits), "")} must be positive amounts in strictly ascending order, such as [5, 10, 20, 40, 60]"
  }
}

variable "telemetry" {
  description = "Jitsi stats to CloudWatch: a scheduled Lambda in the VPC, EMF on stdout."
  type = object({
    enabled             = optional(bool, true)
    schedule_expression = optional(string, "rate(1 minute)")
    stress_threshold    = optional(number, 0.8)
  })
  default = {}

  validation {
    condition     = can(regex("^(rate|cron)\\(.+\\)$", var.telemetry.schedule_expression))
    error_message = "telemetry.schedule_expression must be rate(...) or cron(...), e.g. rate(1 minute)."
  }

  validation {
    condition     = var.telemetry.stress_threshold > 0
    error_message = "telemetry.stress_threshold must be above 0."
  }
}

variable "tags" {
  description = "Extra tags on every resource."
  type        = map(string)
  default     = {}
}
