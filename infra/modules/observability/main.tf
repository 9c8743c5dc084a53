data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

# Collector-less ADOT export (modules/adot_env) per container that loads an ADOT SDK or agent;
# nginx, prosody and the stock Java bridges do not act on it.
module "adot_env" {
  source   = "../adot_env"
  for_each = toset(var.adot_containers)

  service_name     = "${var.name}-${each.key}"
  region           = var.region
  log_group_name   = aws_cloudwatch_log_group.this.name
  log_stream       = "otel/${each.key}"
  metric_namespace = var.metric_namespace
}

locals {
  adot_env      = { for c, m in module.adot_env : c => m.environment }
  log_group_arn = "arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:${aws_cloudwatch_log_group.this.name}"
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158: a customer-managed KMS key costs $1/month plus requests; logs are encrypted at rest by CloudWatch already
  #checkov:skip=CKV_AWS_338: 1-year retention multiplies storage cost; retention is configurable (observability.log_retention_days)
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# The OTLP logs endpoint writes into an existing stream only.
resource "aws_cloudwatch_log_stream" "otel" {
  for_each = toset(var.adot_containers)

  name           = "otel/${each.key}"
  log_group_name = aws_cloudwatch_log_group.this.name
}

data "aws_iam_policy_document" "adot" {
  statement {
    sid = "XRayWrite"
    actions = [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "xray:GetSamplingStatisticSummaries",
    ]
    # X-Ray write actions support no resource-level scoping.
    resources = ["*"]
  }

  statement {
    sid = "AppLogsAndEmf"
    actions = [
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
      "logs:CreateLogStream",
      "logs:CreateLogGroup",
    ]
    resources = [local.log_group_arn, "${local.log_group_arn}:*"]
  }

  # DescribeLogGroups is authorized against every log group of the account and region (the
  # CloudWatch Logs permissions reference: log-group:*); on one group's ARN it grants nothing.
  statement {
    sid       = "FindAppLogGroup"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:*"]
  }
}

resource "aws_iam_policy" "adot" {
  name        = "${var.name}-adot-export"
  description = "Least privilege for collector-less ADOT export (X-Ray traces, OTLP logs, EMF metrics)"
  policy      = data.aws_iam_policy_document.adot.json
  tags        = var.tags
}

# Half of X-Ray Transaction Search: let X-Ray write spans into CloudWatch Logs. The other
# half (UpdateTraceSegmentDestination) has no resource in provider 5.100; see README.
data "aws_iam_policy_document" "xray_to_logs" {
  statement {
    sid     = "TransactionSearchXRayAccess"
    actions = ["logs:PutLogEvents"]
    principals {
      type        = "Service"
      identifiers = ["xray.amazonaws.com"]
    }
    resources = [
      "arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:aws/spans:*",
      "arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/application-signals/data:*",
    ]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "xray" {
  count = var.transaction_search ? 1 : 0

  policy_name     = "${var.name}-xray-transaction-search"
  policy_document = data.aws_iam_policy_document.xray_to_logs.json
}
