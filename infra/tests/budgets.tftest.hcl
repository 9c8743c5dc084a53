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
    toset([for n in b.notification : n.notification_type]) == toset(["FORECASTED", "ACTUAL"]) && alltrue([for n in b.notification : n.threshold == 100 && contains(n.subscriber_sns_topic_arns, module.topic.arn)])])
    error_message = "each budget: FORECASTED and ACTUAL at 100% to budget-alerts"
  }
  assert {
    condition     = module.topic.name == "jitsi-budget-alerts"
    error_message = "budget topic must be <name>-budget-alerts (two stacks in one account)"
  }
}

# A stack deployed before modules/topic keeps its budget topic.
run "before_topic_module" {
  command   = apply
  state_key = "moved"

  module {
    source = "./tests/fixtures/before_topic"
  }

  variables {
    topic  = "jitsi-budget-alerts"
    emails = []
  }

  override_resource {
    target = aws_sns_topic.this
    values = { arn = "arn:aws:sns:us-west-2:123456789012:jitsi-budget-alerts-deployed" }
  }
}

run "deployed_topic_is_moved_not_replaced" {
  command   = apply
  state_key = "moved"

  module {
    source = "./modules/budgets"
  }

  assert {
    condition     = output.topic_arn == "arn:aws:sns:us-west-2:123456789012:jitsi-budget-alerts-deployed"
    error_message = "the topic made before modules/topic must be kept (a replacement would get the mock's new ARN)"
  }
}
