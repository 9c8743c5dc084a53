# Who may assume an ECS service's two roles. Every module that runs ECS tasks (jitsi, service)
# reads both documents from here, so the trust rules are written once.

# The execution role (the ECS agent pulls images, reads secrets, writes logs). AWS documents
# the confused-deputy conditions for task roles only; a wrong guess here stops every task
# from starting, so this one stays unconditioned until a real account shows ECS sends them.
data "aws_iam_policy_document" "execution" {
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
data "aws_iam_policy_document" "task" {
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

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}
