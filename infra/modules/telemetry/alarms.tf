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
    # or jicofo is gone, which is just as bad.
    no-bridge = {
      description = "jicofo sees no operational bridge: conferences cannot start"
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
