# An alerts topic: the AWS services named in publishers may publish to it, from this account
# only (or from one source ARN), and each email address is subscribed. The alarms and the
# budgets each have one.
data "aws_caller_identity" "current" {}

resource "aws_sns_topic" "this" {
  #checkov:skip=CKV_AWS_26: the AWS-managed SNS key blocks CloudWatch, EventBridge and AWS Budgets from publishing and a customer key costs $1/month; alerts carry no secrets
  name = var.name
  tags = var.tags
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = var.publishers
    content {
      sid       = statement.key
      actions   = ["SNS:Publish"]
      resources = [aws_sns_topic.this.arn]
      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }
      # One source where it is known (an EventBridge rule); else anything of this account.
      condition {
        test     = statement.value.source_arn == null ? "StringEquals" : "ArnEquals"
        variable = statement.value.source_arn == null ? "aws:SourceAccount" : "aws:SourceArn"
        values   = [coalesce(statement.value.source_arn, data.aws_caller_identity.current.account_id)]
      }
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}
