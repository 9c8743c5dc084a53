locals {
  jitsi_alarms = {
    # FACTS.md: operators watch JVB stress against 0.8.
    bridge-stress = {
      description = "A bridge's stress stayed above ${var.stress_threshold} (it is near capacity: add bridges)"
      metric      = "Stress"
      service     = "jvb"
      statistic   = "Maximum"
      comparison  = "GreaterThanThreshold"
      threshold   = var.stress_threshold
      periods     = 3
      missing     = "notBreaching"
    }
    # No operational bridge: every new conference fails. Missing data means the collector
    # or jicofo is gone, which is just as bad. In compact the shard stays up without its
    # bridge (restarted in place): this is what says the shard has no working bridge.
    no-bridge = {
      description = "jicofo sees no operational bridge: conferences cannot start (compact: the shard's bridge is down or restarting in place, and no bridge alone runs)"
      metric      = "OperationalBridges"
      service     = "jicofo"
      statistic   = "Minimum"
      comparison  = "LessThanThreshold"
      threshold   = 1
      periods     = 2
      missing     = "breaching"
    }
    jicofo-unhealthy = {
      description = "jicofo's stats endpoint does not answer"
      metric      = "SourceUp"
      service     = "jicofo"
      statistic   = "Minimum"
      comparison  = "LessThanThreshold"
      threshold   = 1
      periods     = 2
      missing     = "breaching"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.jitsi_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = var.namespace
  metric_name         = each.value.metric
  dimensions          = { Service = each.value.service }
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = each.value.periods
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  treat_missing_data  = each.value.missing
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
  tags                = var.tags
}

# Media egress grows with use and AWS Budgets sees it a day late. The bridges' upload rate,
# averaged over an hour, against the rate at which this month's meeting hours would spend what
# the top budget leaves after the fixed costs (jitsi-ecs computes it from its estimate).
resource "aws_cloudwatch_metric_alarm" "egress" {
  count = var.egress_alarm_kbps == null ? 0 : 1

  alarm_name          = "${var.name}-media-egress"
  alarm_description   = "Bridges sent more than ${var.egress_alarm_kbps} kbit/s over an hour: at this rate the month's media egress outgrows the budget"
  namespace           = var.namespace
  metric_name         = "TotalUploadKbps" # every bridge's upload, summed per collection
  dimensions          = { Service = "summary" }
  statistic           = "Average"
  period              = 3600
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.egress_alarm_kbps
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
  tags                = var.tags
}
