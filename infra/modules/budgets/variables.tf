variable "name" {
  description = "Prefix of every budget name."
  type        = string
}

variable "limits" {
  description = "Monthly cost limits in USD, ascending; one budget each."
  type        = list(number)
  default     = [5, 10, 20, 40, 60]
}

variable "emails" {
  description = "Up to 10 email addresses notified directly by each budget notification."
  type        = list(string)
  default     = []
}

variable "topic_name" {
  description = "SNS topic every budget notification publishes to."
  type        = string
  default     = "budget-alerts"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
