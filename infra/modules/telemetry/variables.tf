variable "name" {
  description = "Stack name; the function is <name>-telemetry."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the Jitsi services."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets the function's ENIs live in."
  type        = list(string)
}

variable "rest_ports" {
  description = "The bridges' (jvb) and jicofo's private REST ports, which the function reads (module jitsi's rest_ports)."
  type = object({
    jvb    = number
    jicofo = number
  })
}

variable "jvb_security_group_id" {
  description = "Security group of the bridges (their REST port is opened to the function only)."
  type        = string
}

variable "xmpp_security_group_id" {
  description = "Security group of prosody + jicofo (jicofo's REST port is opened to the function only)."
  type        = string
}

variable "bridge_dns_names" {
  description = "Cloud Map names whose A records are the bridges."
  type        = list(string)
}

variable "jicofo_url" {
  description = "Base URL of jicofo's REST API."
  type        = string
}

variable "package" {
  description = "The function's zip (path), its base64 SHA-256 (hash), entry point (handler) and Python runtime; built by jitsi-ecs."
  type = object({
    path    = string
    hash    = string
    handler = string
    runtime = string
  })
}

variable "namespace" {
  description = "CloudWatch namespace of the Jitsi metrics."
  type        = string
}

variable "schedule_expression" {
  description = "How often the stats are collected."
  type        = string
}

variable "stress_threshold" {
  description = "JVB stress that raises the bridge-stress alarm."
  type        = number
}

variable "egress_alarm_kbps" {
  description = "Bridges' upload rate (kbit/s, averaged over an hour) that would spend the budget's media allowance; null: no egress alarm."
  type        = number
}

variable "log_retention_days" {
  description = "Retention of the function's log group."
  type        = number
  default     = 7
}

variable "alarm_topic_arn" {
  description = "SNS topic the Jitsi alarms notify."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
