# Module ecs_trust: the trust policies of every ECS execution and task role. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

run "task_trust_scoped_to_this_account" {
  command = apply

  module {
    source = "./modules/ecs_trust"
  }

  assert {
    condition = toset([for c in data.aws_iam_policy_document.task.statement[0].condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
      "ArnLike aws:SourceArn arn:aws:ecs:us-west-2:123456789012:*",
      "StringEquals aws:SourceAccount 123456789012",
    ])
    error_message = "aws:SourceArn (this account's ECS in this region) and aws:SourceAccount"
  }
  assert {
    condition     = one(data.aws_iam_policy_document.task.statement[0].principals).identifiers == toset(["ecs-tasks.amazonaws.com"])
    error_message = "the task role is for ECS tasks only"
  }
  assert {
    condition     = length(data.aws_iam_policy_document.execution.statement[0].condition) == 0
    error_message = "the execution role keeps the plain trust (see main.tf for why)"
  }
}
