# Module budgets: planned values for the plan's part and the FACTS.md corrections. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name       = "jitsi"
  limits     = [5, 10, 20, 40, 60]
  emails     = []
  topic_name = "budget-alerts"
}

run "budgets_forecast_and_actual" {
  command = apply

  module {
    source = "./modules/budgets"
  }

  assert {
    condition     = [for b in values(aws_budgets_budget.this) : tonumber(b.limit_amount)] == [10, 20, 40, 5, 60] || toset([for b in values(aws_budgets_budget.this) : tonumber(b.limit_amount)]) == toset([5, 10, 20, 40, 60])
    error_message = "budgets at 5, 10, 20, 40 and 60 USD"
  }
  assert {
    condition = alltrue([for b in aws_budgets_budget.this :
    toset([for n in b.notification : n.notification_type]) == toset(["FORECASTED", "ACTUAL"]) && alltrue([for n in b.notification : n.threshold == 100 && contains(n.subscriber_sns_topic_arns, aws_sns_topic.this.arn)])])
    error_message = "each budget: FORECASTED and ACTUAL at 100% to budget-alerts"
  }
  assert {
    condition     = aws_sns_topic.this.name == "jitsi-budget-alerts"
    error_message = "budget topic must be <name>-budget-alerts (two stacks in one account)"
  }
}
