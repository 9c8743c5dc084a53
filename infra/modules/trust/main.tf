# Who may assume the stack's roles: ECS execution and task roles (jitsi, service, turn), Lambda
# functions' roles (auth, telemetry) and EventBridge Scheduler's (quiet_hours) read their
# trust policies from here, written once.

# The execution role (the ECS agent pulls images, reads secrets, writes logs). AWS documents
# the confused-deputy conditions for task roles only; a wrong guess here stops every task
# from starting, so this one stays unconditioned until a real account shows ECS sends them.
data "aws_iam_policy_document" "ecs_execution" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# The task role (what the containers themselves may call): only ECS tasks of this account and
# region may take it (ECS developer guide, "Amazon ECS task IAM role").
data "aws_iam_policy_document" "ecs_task" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:ecs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# A function's role: the Lambda service only. Like the execution role, left without the
# confused-deputy conditions AWS does not document for it (see README, "First real deploy").
data "aws_iam_policy_document" "lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# EventBridge Scheduler's role: schedules of this account only (the condition the Scheduler
# guide gives for its execution role).
data "aws_iam_policy_document" "scheduler" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}
