# Variables the jitsi-ecs tool supplies itself; they are not keys of jitsi-ecs.toml.
# (Every config key is a variable in variables.tf, generated from the config model.)

variable "telemetry_package" {
  description = "The telemetry function's zip: path (relative to this directory), base64 SHA-256, entry point (jitsi_ecs.telemetry.lambda_handler.handler) and runtime (python3.12). jitsi-ecs builds it; by hand: python -m jitsi_ecs.telemetry.package."
  type = object({
    path    = string
    hash    = string
    handler = string
    runtime = string
  })
  default = null

  validation {
    condition     = var.telemetry_package != null || !var.telemetry.enabled
    error_message = "telemetry is enabled but telemetry_package is not set: build it with `python -m jitsi_ecs.telemetry.package telemetry.zip` (jitsi-ecs does this itself), or set telemetry.enabled = false."
  }
}

variable "auth_package" {
  description = "The /auth/ function's zip: path (relative to this directory), base64 SHA-256, Lambda architecture, entry point (jitsi_ecs.auth.handler.handler) and the runtime its wheels are built for (python3.12). jitsi-ecs builds it; by hand: python -m jitsi_ecs.auth.package auth.zip (x86_64)."
  type = object({
    path         = string
    hash         = string
    architecture = string
    handler      = string
    runtime      = string
  })
  default = null

  validation {
    condition     = var.auth_package != null || !var.auth.enabled
    error_message = "auth is enabled but auth_package is not set: build it with `python -m jitsi_ecs.auth.package auth.zip` (jitsi-ecs does this itself), or set auth.enabled = false."
  }
}

variable "adot_lambda_layer_arn" {
  description = "AWS-managed ADOT Python layer (AWSOpenTelemetryDistroPython) for the /auth/ function in this region; the target supplies it (null: the function runs without ADOT)."
  type        = string
  default     = null
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

variable "secrets_version" {
  description = "Version of the generated secrets (JICOFO/JVB passwords, JWT secret): raise it to write new values. jitsi-ecs keeps it from the state and `rotate-secrets` raises it."
  type        = number
  default     = 1

  validation {
    condition     = var.secrets_version >= 1 && floor(var.secrets_version) == var.secrets_version
    error_message = "secrets_version must be a whole number from 1."
  }
}

variable "generated_secrets" {
  description = "Values for the generated secrets (JICOFO_AUTH_PASSWORD, JVB_AUTH_PASSWORD, JWT_APP_SECRET, and TURN_CREDENTIALS with jitsi.turn), written to SSM only when created or when secrets_version changes. Ephemeral: never in plan or state. jitsi-ecs generates them and passes them as TF_VAR_generated_secrets; by hand, generate 32 random letters and digits for each."
  type        = map(string)
  ephemeral   = true

  validation {
    condition     = alltrue([for k in ["JICOFO_AUTH_PASSWORD", "JVB_AUTH_PASSWORD", "JWT_APP_SECRET", "TURN_CREDENTIALS"] : length(lookup(var.generated_secrets, k, "")) >= 24])
    error_message = "generated_secrets needs JICOFO_AUTH_PASSWORD, JVB_AUTH_PASSWORD, JWT_APP_SECRET and TURN_CREDENTIALS, each at least 24 characters."
  }
}

variable "egress_alarm_kbps" {
  description = "Bridges' upload rate (kbit/s, averaged over an hour) above which the month's media egress would outgrow what the top budget leaves after the fixed costs. jitsi-ecs computes it from its cost estimate; null: no egress alarm."
  type        = number
  default     = null

  validation {
    condition     = var.egress_alarm_kbps == null ? true : var.egress_alarm_kbps > 0
    error_message = "egress_alarm_kbps must be above 0 (or null for no egress alarm)."
  }
}

variable "kept_log_bucket" {
  description = "The stack's log bucket when it already exists (a plain `jitsi-ecs down` keeps it, with its logs): Terraform imports it and its settings instead of creating them. jitsi-ecs sets it when the bucket exists; null: create it."
  type        = string
  default     = null
}
