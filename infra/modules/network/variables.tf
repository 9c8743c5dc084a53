variable "name" {
  description = "Name prefix for every resource of this module."
  type        = string
}

variable "cidr" {
  description = "CIDR block of the VPC created when vpc_id is null."
  type        = string
}

variable "az_count" {
  description = "How many availability zones get a public subnet (the ALB needs at least 2)."
  type        = number
}

variable "vpc_id" {
  description = "Existing VPC id. When set, no network is created and public_subnet_ids must be given."
  type        = string
}

variable "public_subnet_ids" {
  description = "Existing public subnet ids (with a route to an internet gateway), used with vpc_id."
  type        = list(string)
}

variable "flow_logs_destination" {
  description = "S3 ARN (bucket/prefix) that gets the VPC's flow logs; null = no flow logs. The bucket must let delivery.logs.amazonaws.com write."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
