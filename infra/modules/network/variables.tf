variable "name" {
  description = "Name prefix for every resource of this module."
  type        = string
}

variable "cidr" {
  description = "CIDR block of the VPC created when vpc_id is null."
  type        = string
  default     = "10.42.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr))
    error_message = "network.cidr must be an IPv4 CIDR block such as 10.42.0.0/16."
  }
}

variable "az_count" {
  description = "How many availability zones get a public subnet (the ALB needs at least 2)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4
    error_message = "network.az_count must be between 2 and 4: an ALB needs subnets in at least 2 AZs."
  }
}

variable "vpc_id" {
  description = "Existing VPC id. When set, no network is created and public_subnet_ids must be given."
  type        = string
  default     = null
}

variable "public_subnet_ids" {
  description = "Existing public subnet ids (with a route to an internet gateway), used with vpc_id."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.public_subnet_ids) == 0 || length(var.public_subnet_ids) >= 2
    error_message = "network.public_subnet_ids needs at least 2 subnets in different AZs for the ALB."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
