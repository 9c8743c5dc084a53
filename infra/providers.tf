# Real accounts use the defaults. The emulator target (jitsi-ecs --target local) sets
# AWS_ENDPOINT_URL and these switches: moto answers 500 for actions it lacks, and the
# provider's default retries would then hang an apply for many minutes.
provider "aws" {
  region                      = var.region
  max_retries                 = var.aws_provider.max_retries
  skip_credentials_validation = var.aws_provider.skip_credentials_validation
  skip_metadata_api_check     = var.aws_provider.skip_metadata_api_check
  s3_use_path_style           = var.aws_provider.s3_use_path_style

  default_tags {
    tags = merge({ Project = "jitsi-ecs", Stack = var.name }, var.tags)
  }
}
