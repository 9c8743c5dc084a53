data "aws_caller_identity" "current" {}

locals {
  # FORECASTED alone stays silent for ~5 weeks on a new account: pair it with ACTUAL.
  notification_types = ["FORECASTED", "ACTUAL"]
}

resource "aws_sns_topic" "this" {
  #checkov:skip=CKV_AWS_26: the AWS-managed SNS key blocks AWS Budgets from publishing and a customer key costs $1/month; alerts carry no secrets
  # After the stack name: two stacks in one account each keep their own topic.
  name = "${var.name}-${var.topic_name}"
  tags = var.tags
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "AllowBudgets"
    actions   = ["SNS:Publish"]
    resources = [aws_sns_topic.this.arn]
    principals {
      type        = "Service"
      identifiers = ["budgets.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

resource "aws_budgets_budget" "this" {
  for_each = { for l in var.limits : tostring(l) => l }

  name         = "${var.name}-monthly-${each.key}usd"
  budget_type  = "COST"
  limit_amount = format("%.2f", each.value)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  dynamic "notification" {
    for_each = local.notification_types
    content {
      notification_type          = notification.value
      comparison_operator        = "GREATER_THAN"
      threshold                  = 100
      threshold_type             = "PERCENTAGE"
      subscriber_sns_topic_arns  = [aws_sns_topic.this.arn]
      subscriber_email_addresses = var.emails
    }
  }

  depends_on = [aws_sns_topic_policy.this]
}
