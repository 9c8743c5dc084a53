# Module topic: an alerts topic only the named AWS services of this account may publish to. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name   = "jitsi-deployment-alerts"
  emails = ["ops@example.com"]
  publishers = {
    AllowCloudWatchAlarms = { service = "cloudwatch.amazonaws.com" }
    AllowEcsEvents        = { service = "events.amazonaws.com", source_arn = "arn:aws:events:us-west-2:123456789012:rule/jitsi-ecs" }
  }
}

run "publishers_scoped_and_emails_subscribed" {
  command = apply

  module {
    source = "./modules/topic"
  }

  assert {
    condition     = aws_sns_topic.this.name == "jitsi-deployment-alerts" && output.name == "jitsi-deployment-alerts"
    error_message = "the topic has the name it is given"
  }
  assert {
    condition = toset([for s in data.aws_iam_policy_document.this.statement : "${s.sid} ${one(one(s.principals).identifiers)} ${one(s.condition).test} ${one(s.condition).variable} ${one(one(s.condition).values)}"]) == toset([
      "AllowCloudWatchAlarms cloudwatch.amazonaws.com StringEquals aws:SourceAccount 123456789012",
      "AllowEcsEvents events.amazonaws.com ArnEquals aws:SourceArn arn:aws:events:us-west-2:123456789012:rule/jitsi-ecs",
    ])
    error_message = "each publisher: its service, from this account, or from its one source ARN"
  }
  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.this.statement : s.actions == toset(["SNS:Publish"])])
    error_message = "publishers may publish, nothing else"
  }
  assert {
    condition     = aws_sns_topic_subscription.email["ops@example.com"].protocol == "email" && aws_sns_topic_subscription.email["ops@example.com"].topic_arn == aws_sns_topic.this.arn
    error_message = "each email address is subscribed"
  }
  assert {
    condition     = output.arn == aws_sns_topic_policy.this.arn
    error_message = "the ARN is handed out through the policy"
  }
}
