variable "name" {
  description = "Topic name (after the stack name, so two stacks in one account keep their own)."
  type        = string
}

variable "publishers" {
  description = "By statement ID: the AWS service principal that may publish, and the one source ARN it may publish from (null: anything of this account)."
  type = map(object({
    service    = string
    source_arn = optional(string)
  }))
}

variable "emails" {
  description = "Email addresses subscribed to the topic (each must confirm)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to the topic."
  type        = map(string)
  default     = {}
}
