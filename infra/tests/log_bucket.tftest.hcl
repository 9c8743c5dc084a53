# Module log_bucket: where ALB request logs and VPC flow logs land. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name           = "jitsi"
  retention_days = 30
}

run "private_tls_only_and_expiring" {
  command = apply

  module {
    source = "./modules/log_bucket"
  }

  assert {
    condition     = aws_s3_bucket.this.bucket == "jitsi-logs-123456789012-us-west-2"
    error_message = "one bucket per stack, account and region: <name>-logs-<account>-<region>"
  }
  assert {
    condition = (aws_s3_bucket_public_access_block.this.block_public_acls &&
      aws_s3_bucket_public_access_block.this.block_public_policy &&
      aws_s3_bucket_public_access_block.this.ignore_public_acls &&
    aws_s3_bucket_public_access_block.this.restrict_public_buckets)
    error_message = "the request logs hold ?jwt= tokens: the bucket is closed to the public"
  }
  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "no ACLs: the bucket owner owns every log object"
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "SSE-S3, the only encryption ALB log delivery accepts"
  }
  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this.rule).expiration).days == 30
    error_message = "logs expire after observability.log_retention_days"
  }
  assert {
    condition     = output.alb_prefix == "alb" && output.flow_logs_destination == "${aws_s3_bucket.this.arn}/vpc"
    error_message = "ALB logs under alb/, flow logs under vpc/"
  }

  # ---- service writers scoped to this account:
  # issue 21: every service principal that may write is held to this account's resources.
  # (The mocked policy document renders empty: its statements are read as written.)
  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement :
      anytrue([for c in s.condition : c.variable == "aws:SourceAccount" && toset(c.values) == toset(["123456789012"])])
      if anytrue([for p in s.principals : p.type == "Service"])
    ])
    error_message = "each log delivery service writes for this account only (aws:SourceAccount)"
  }
  assert {
    condition = length([
      for s in data.aws_iam_policy_document.this.statement : s
      if anytrue([for p in s.principals : p.type == "Service"])
    ]) == 3
    error_message = "ALB (new regions) and flow log delivery: write and check"
  }
}
