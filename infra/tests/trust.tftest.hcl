# Module trust: the trust policies of every role (ECS execution and task roles, Lambda functions). Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

run "trust_per_kind_of_role" {
  command = apply

  module {
    source = "./modules/trust"
  }

  assert {
    condition = toset([for c in data.aws_iam_policy_document.ecs_task.statement[0].condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
      "ArnLike aws:SourceArn arn:aws:ecs:us-west-2:123456789012:*",
      "StringEquals aws:SourceAccount 123456789012",
    ])
    error_message = "aws:SourceArn (this account's ECS in this region) and aws:SourceAccount"
  }
  assert {
    condition     = one(data.aws_iam_policy_document.ecs_task.statement[0].principals).identifiers == toset(["ecs-tasks.amazonaws.com"])
    error_message = "the task role is for ECS tasks only"
  }
  assert {
    condition     = length(data.aws_iam_policy_document.ecs_execution.statement[0].condition) == 0
    error_message = "the execution role keeps the plain trust (see main.tf for why)"
  }
  assert {
    condition     = one(data.aws_iam_policy_document.lambda.statement[0].principals).identifiers == toset(["lambda.amazonaws.com"])
    error_message = "a function's role is for the Lambda service only"
  }
  assert {
    condition     = one(data.aws_iam_policy_document.scheduler.statement[0].principals).identifiers == toset(["scheduler.amazonaws.com"]) && toset(one(data.aws_iam_policy_document.scheduler.statement[0].condition).values) == toset(["123456789012"])
    error_message = "EventBridge Scheduler's role: schedules of this account only"
  }
}
