variable "service_name" {
  description = "service.name of the spans and logs."
  type        = string
}

variable "region" {
  description = "Region of the X-Ray and CloudWatch Logs OTLP endpoints."
  type        = string
}

variable "log_group_name" {
  description = "Log group the OTLP logs go to."
  type        = string
}

variable "log_stream" {
  description = "Existing log stream in that group (the OTLP endpoint writes into an existing stream only)."
  type        = string
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the SDK's metrics (awsemf); null: the SDK exports no metrics."
  type        = string
  default     = null
}
