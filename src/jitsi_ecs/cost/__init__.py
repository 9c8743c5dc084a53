"""Monthly cost estimates from the Terraform plan, priced from a shipped snapshot."""
