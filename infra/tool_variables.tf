# Variables the jitsi-ecs tool supplies itself; they are not keys of jitsi-ecs.toml.
# (Every config key is a variable in variables.tf, generated from the config model.)

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

variable "auth_package" {
  description = "The /auth/ function's zip: path (relative to this directory), base64 SHA-256 and Lambda architecture. jitsi-ecs builds it; by hand: python -m jitsi_ecs.auth.package auth.zip (x86_64)."
  type = object({
    path         = string
    hash         = string
    architecture = string
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
