variable "name" {
  description = "Stack name: the bucket is <name>-logs-<account>-<region>."
  type        = string
}

variable "retention_days" {
  description = "Days the bucket keeps a log object before S3 deletes it."
  type        = number
}

variable "tags" {
  description = "Tags added to the bucket."
  type        = map(string)
  default     = {}
}
