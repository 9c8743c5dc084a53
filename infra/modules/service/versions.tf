terraform {
  # Secrets are written with the write-only value_wo argument (nothing in state): Terraform 1.11.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}
