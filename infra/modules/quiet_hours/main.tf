# Asleep on purpose is not down. With an office-hours schedule every service scales to zero at
# night, and the alarms that watch availability (no healthy web target, a service not running,
# no operational bridge, jicofo silent) would page someone every evening. EventBridge Scheduler
# calls CloudWatch and EventBridge directly (no function): at the stop hour it turns those
# alarms' actions off and pauses the telemetry rule; after the start hour, once the tasks had
# time to start, it turns them back on. Other alarms (5xx, latency, stress, egress) stay on.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  arn_prefix = "arn:${data.aws_partition.current.partition}"
  account    = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  alarm_arns = [for n in var.alarm_names : "${local.arn_prefix}:cloudwatch:${local.region}:${local.account}:alarm:${n}"]
  rule_arns  = [for n in var.event_rule_names : "${local.arn_prefix}:events:${local.region}:${local.account}:rule/${n}"]

  stop  = "cron(0 ${var.schedule.stop_hour} ? * ${var.schedule.days} *)"
  start = "cron(${var.wake_minutes} ${var.schedule.start_hour} ? * ${var.schedule.days} *)"

  calls = merge(
    length(var.alarm_names) == 0 ? {} : {
      alarms-off = { at = local.stop, api = "cloudwatch:disableAlarmActions", input = { AlarmNames = var.alarm_names } }
      alarms-on  = { at = local.start, api = "cloudwatch:enableAlarmActions", input = { AlarmNames = var.alarm_names } }
    },
    { for n in var.event_rule_names : "${n}-off" => { at = local.stop, api = "eventbridge:disableRule", input = { Name = n } } },
    { for n in var.event_rule_names : "${n}-on" => { at = local.start, api = "eventbridge:enableRule", input = { Name = n } } },
  )
}

# The role's trust policy comes from the one module that writes every role's trust.
module "trust" {
  source = "../trust"
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-quiet-hours"
  assume_role_policy = module.trust.scheduler
  tags               = var.tags
}

data "aws_iam_policy_document" "calls" {
  dynamic "statement" {
    for_each = length(local.alarm_arns) == 0 ? [] : [1]
    content {
      sid       = "QuietAvailabilityAlarms"
      actions   = ["cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions"]
      resources = local.alarm_arns
    }
  }
  dynamic "statement" {
    for_each = length(local.rule_arns) == 0 ? [] : [1]
    content {
      sid       = "PauseTelemetry"
      actions   = ["events:DisableRule", "events:EnableRule"]
      resources = local.rule_arns
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "quiet-hours"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.calls.json
}

resource "aws_scheduler_schedule" "this" {
  #checkov:skip=CKV_AWS_297: the payload is alarm and rule names only; a customer-managed KMS key would cost $1/month for no secret
  for_each = local.calls

  name                         = "${var.name}-${each.key}"
  description                  = "Office hours: ${each.value.api}"
  schedule_expression          = each.value.at
  schedule_expression_timezone = "UTC"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = "arn:aws:scheduler:::aws-sdk:${each.value.api}"
    role_arn = aws_iam_role.this.arn
    input    = jsonencode(each.value.input)

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 5
    }
  }
}
