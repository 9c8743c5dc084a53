# One private bucket for the logs AWS delivers to S3: the ALB's request logs and the VPC's
# flow logs. ALB request logs hold every URL, `?jwt=` meeting tokens included: the bucket is
# closed to the public, TLS-only, and only the two log services may write into it.
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

# The regional Elastic Load Balancing account: regions opened before August 2022 deliver
# ALB logs as this account; newer ones as the logdelivery service principal (both allowed).
data "aws_elb_service_account" "current" {}

locals {
  account    = data.aws_caller_identity.current.account_id
  alb_prefix = "alb"
  vpc_prefix = "vpc"
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18: this bucket is where logs land; logging its own access would need a second bucket
  #checkov:skip=CKV_AWS_21: log objects are written once and expire; versions would only keep deleted logs longer
  #checkov:skip=CKV_AWS_144: cross-region replication doubles the cost of logs that expire in days
  #checkov:skip=CKV_AWS_145: ALB log delivery supports only SSE-S3 (AWS docs), not KMS
  #checkov:skip=CKV2_AWS_62: nothing reacts to new log objects; event notifications would have no receiver
  bucket = "${var.name}-logs-${local.account}-${data.aws_region.current.name}"
  # `jitsi-ecs down` removes the whole stack in one step, logs included: copy what you need
  # first, or keep the ALB with alb.deletion_protection (down then stops before anything).
  force_destroy = true
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    id     = "expire-logs"
    status = "Enabled"
    filter {}
    expiration {
      days = var.retention_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "this" {
  statement {
    sid     = "DenyPlainHttp"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this.arn,
      "${aws_s3_bucket.this.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "AlbAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this.arn}/${local.alb_prefix}/AWSLogs/${local.account}/*"]
    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.current.arn]
    }
  }

  # The service principal writes for every account's load balancers: aws:SourceAccount keeps
  # it to this account's (the statement above names the regional ELB account, whose requests
  # carry no source account; the AWSLogs/<account> path is what holds it to ours).
  statement {
    sid       = "AlbAccessLogsNewRegions"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this.arn}/${local.alb_prefix}/AWSLogs/${local.account}/*"]
    principals {
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }

  statement {
    sid       = "FlowLogsWrite"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this.arn}/${local.vpc_prefix}/AWSLogs/${local.account}/*"]
    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
  }

  statement {
    sid       = "FlowLogsCheck"
    actions   = ["s3:GetBucketAcl", "s3:ListBucket"]
    resources = [aws_s3_bucket.this.arn]
    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  # A policy on a bucket whose public access block is still being set can be refused.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
