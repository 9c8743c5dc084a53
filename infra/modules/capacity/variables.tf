variable "spot" {
  description = "Run all but one of the service's tasks on Fargate Spot."
  type        = bool
}
