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

# A bridge that runs but never joins jicofo's brewery (a wrong password or XMPP address in a
# new bridge release): its /colibri/stats answer, its /about/health does too (JVB's check
# does not test XMPP), so ECS keeps it. The bridges answering the collector (BridgesUp, the
# shard's included) above those jicofo can use (OperationalBridges) for three minutes says so;
# a bridge joins within seconds of starting. It is the bridges' deployment alarm: such a
# release rolls back. Missing data (the stack asleep, telemetry paused) is not a problem.
resource "aws_cloudwatch_metric_alarm" "bridges_not_joined" {
  alarm_name          = "${var.name}-bridges-not-joined"
  alarm_description   = "A running bridge is not in jicofo's brewery (wrong password or address?): operational bridges below bridges up"
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
  tags                = var.tags

  metric_query {
    id          = "missing"
    expression  = "up - operational"
    label       = "Bridges up but not operational"
    return_data = true
  }

  metric_query {
    id = "up"
    metric {
      namespace   = var.namespace
      metric_name = "BridgesUp"
      dimensions  = { Service = "summary" }
      period      = 60
      stat        = "Minimum"
    }
  }

  metric_query {
    id = "operational"
    metric {
      namespace   = var.namespace
      metric_name = "OperationalBridges"
      dimensions  = { Service = "jicofo" }
      period      = 60
      stat        = "Maximum"
    }
  }
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
