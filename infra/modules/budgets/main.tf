locals {
  # FORECASTED alone stays silent for ~5 weeks on a new account: pair it with ACTUAL.
  notification_types = ["FORECASTED", "ACTUAL"]
}

# Emails are notified by each budget directly (it has its own list), not through the topic.
module "topic" {
  source = "../topic"

  name = "${var.name}-${var.topic_name}"
  tags = var.tags
  publishers = {
    AllowBudgets = { service = "budgets.amazonaws.com" }
  }
}

# The topic was this module's own before modules/topic: moved, so it is kept.
moved {
  from = aws_sns_topic.this
  to   = module.topic.aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.this
  to   = module.topic.aws_sns_topic_policy.this
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
      subscriber_sns_topic_arns  = [module.topic.arn]
      subscriber_email_addresses = var.emails
    }
  }

}
