variable "name" {
  description = "Prefix of every budget name."
  type        = string
}

variable "limits" {
  description = "Monthly cost limits in USD, ascending; one budget each."
  type        = list(number)
}

variable "emails" {
  description = "Up to 10 email addresses notified directly by each budget notification."
  type        = list(string)
}

variable "topic_name" {
  description = "SNS topic every budget notification publishes to."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
