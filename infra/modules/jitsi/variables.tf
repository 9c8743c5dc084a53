variable "name" {
  description = "Name of the ECS cluster and prefix of every resource of this module."
  type        = string
}

variable "region" {
  description = "AWS region (for the awslogs driver)."
  type        = string
}

variable "domain" {
  description = "Public host name of the site; PUBLIC_URL is https://<domain>."
  type        = string
}

variable "internal_domain" {
  description = "Cloud Map private DNS namespace; prosody is xmpp.<internal_domain>."
  type        = string
}

variable "image" {
  description = "Jitsi images: registry (docker.io/jitsi or ghcr.io/jitsi), a pinned stable-NNNNN[-N] tag, whether that line is rootless (stable-11146+: uid 1000, read-only root, tmpfs), and optional sha256 digests by image name (web, prosody, jicofo, jvb)."
  type = object({
    registry = string
    tag      = string
    rootless = bool
    digests  = optional(map(string), {})
  })
}

variable "web_port" {
  description = "Port nginx listens on in the web image: 80 up to stable-11031, 8000 from stable-11146."
  type        = number
}

variable "alb_idle_timeout" {
  description = "Idle timeout of the ALB in front of web (seconds); nginx keeps idle connections open longer."
  type        = number
}

variable "relay" {
  description = "Bridge-to-bridge relay (Octo): one meeting may span bridges. Set it when more than one bridge can run."
  type        = bool
  default     = false
}

variable "turn" {
  description = "TURN over TLS that prosody advertises (host and port) and how long its credentials last; this module keeps its shared secret (TURN_CREDENTIALS). null = none."
  type = object({
    host        = string
    port        = number
    ttl_seconds = optional(number, 28800)
  })
  default = null
}

variable "cpu_architecture" {
  description = "CPU architecture of every task: X86_64 or ARM64 (the Jitsi images are multi-arch)."
  type        = string
}

variable "auth_type" {
  description = "jwt (stateless token auth, recommended) or none (open instance: anyone can start meetings)."
  type        = string
}

variable "jwt_app_id" {
  description = "JWT_APP_ID, the issuer your token service signs as (auth_type = jwt)."
  type        = string
}

variable "guests" {
  description = "auth_type = jwt: people without a token join as guests once a token holder opened the room (ENABLE_GUESTS on web and prosody)."
  type        = bool
}

variable "token_auth_url" {
  description = "TOKEN_AUTH_URL of web: where Jitsi sends a host to log in, {room} the room (the /auth/ page); null = none."
  type        = string
  default     = null
}

variable "layout" {
  description = "compact (one task per shard: web + prosody + jicofo + a bridge; more bridges alone) or growth (web, signaling and bridges as separate services)."
  type        = string
}

variable "shard" {
  description = "compact: CPU units and MiB of the shard's task."
  type = object({
    cpu    = number
    memory = number
  })
}

variable "web" {
  description = "growth: the web service (nginx + app), stateless, scales out; spot runs all but one task on Fargate Spot."
  type = object({
    desired_count = number
    cpu           = number
    memory        = number
    spot          = bool
  })
}

variable "xmpp" {
  description = "growth: the signaling service (prosody + jicofo), always exactly one task."
  type = object({
    cpu    = number
    memory = number
  })
}

variable "jvb" {
  description = "Bridges that run alone: size, media port, STUN servers, Spot, and how many bridges run in total (autoscaling on Stress)."
  type = object({
    cpu          = number
    memory       = number
    udp_port     = number
    stun_servers = list(string)
    spot         = bool
    autoscaling = object({
      min_count     = number
      max_count     = number
      target_stress = number
    })
  })
}

variable "container_insights" {
  description = "ECS Container Insights on the cluster (billed as custom metrics)."
  type        = bool
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the Jitsi telemetry (the bridges' Stress drives autoscaling)."
  type        = string
}

variable "schedule" {
  description = "Scale every service to zero outside these hours (UTC cron days such as MON-FRI); null = always on."
  type = object({
    days       = string
    start_hour = number
    stop_hour  = number
  })
}

variable "container_health_check" {
  description = "Container health check numbers for every container."
  type = object({
    interval     = number
    timeout      = number
    retries      = number
    start_period = number
  })
}

variable "health_check_grace_period" {
  description = "Seconds ECS ignores failing health checks of a new task (>= start period + 2 intervals)."
  type        = number
}

variable "web_deployment_alarm_names" {
  description = "CloudWatch alarms that fail (and roll back) a deployment of a service that serves web and runs no signaling."
  type        = list(string)
}

variable "shard_deployment_alarm_names" {
  description = "CloudWatch alarms that fail (and roll back) a deployment of a service that serves web beside signaling (the compact shard): the target group's own 5xx and p99."
  type        = list(string)
  default     = []
}

variable "bridge_deployment_alarm_names" {
  description = "CloudWatch alarms that fail (and roll back) a deployment of the bridges alone: a running bridge jicofo cannot use."
  type        = list(string)
  default     = []
}

variable "vpc_id" {
  description = "VPC of the services and the Cloud Map namespace."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets of the tasks."
  type        = list(string)
}

variable "alb_security_group_id" {
  description = "Security group of the ALB, let into web."
  type        = string
}

variable "web_target_group_arn" {
  description = "Target group the web service registers with."
  type        = string
}

variable "log_group_name" {
  description = "CloudWatch log group of every container."
  type        = string
}

variable "adot_env" {
  description = "Extra (ADOT) environment per container name: web, prosody, jicofo, jvb."
  type        = map(map(string))
  default     = { web = {}, prosody = {}, jicofo = {}, jvb = {} }
}

variable "adot_policy_arn" {
  description = "IAM policy for ADOT export, attached to the task role when set."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "secret_values" {
  description = "Values of the generated secrets by name (JICOFO_AUTH_PASSWORD, JVB_AUTH_PASSWORD, JWT_APP_SECRET); ephemeral: never stored."
  type        = map(string)
  ephemeral   = true
}

variable "secrets_version" {
  description = "Version of the generated secrets: a new number writes new values (rotation)."
  type        = number
}
