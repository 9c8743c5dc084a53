variable "name" {
  description = "Role name. Renaming replaces the role (and so every task definition that names it)."
  type        = string
}

variable "secrets" {
  description = "The SSM parameters the role may read (for the containers' ECS `secrets`): ARN by a key of the caller's choosing. The keys must be known at plan time; the ARNs need not be. Empty: no read policy."
  type        = map(string)
}

variable "secrets_policy" {
  description = "Name of the inline policy that lets the role read the secrets, and its statement ID. Each caller keeps the ones it had: a new name replaces the policy."
  type = object({
    name = string
    sid  = string
  })
}

variable "tags" {
  description = "Tags added to the role."
  type        = map(string)
}
