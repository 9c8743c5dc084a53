# The alarms that say one target group's service is hurting its users: its targets answer 5xx,
# its p99 latency is high, or a target fails its health checks. Dimensioned on the target
# group alone, so one service's trouble never rolls back another's deployment; each set is
# meant to be that service's ECS deployment alarms. Apart from them: no healthy target at
# all, the service is down (free ALB metric; Container Insights is off by default).
locals {
  dimensions = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }

  # ALB metrics exist only while requests flow: missing data is not an outage.
  alarms = {
    target-5xx = {
      description = "${var.name}: targets answered more than ${var.thresholds.target_5xx} 5xx in ${var.period}s"
      metric      = "HTTPCode_Target_5XX_Count"
      statistic   = "Sum"
      extended    = null
      threshold   = var.thresholds.target_5xx
    }
    p99-latency = {
      description = "${var.name}: p99 target response time above ${var.thresholds.p99_latency_seconds}s"
      metric      = "TargetResponseTime"
      statistic   = null
      extended    = "p99"
      threshold   = var.thresholds.p99_latency_seconds
    }
    unhealthy-hosts = {
      description = "${var.name}: at least one target fails its health check"
      metric      = "UnHealthyHostCount"
      statistic   = "Maximum"
      extended    = null
      threshold   = 0
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/ApplicationELB"
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended
  dimensions          = local.dimensions
  period              = var.period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  # Under ~1000 samples a p99 is noise: do not alarm on it (only percentiles read this).
  evaluate_low_sample_count_percentiles = each.value.extended == null ? null : "ignore"
  alarm_actions                         = [var.topic_arn]
  ok_actions                            = [var.topic_arn]
  tags                                  = var.tags
}

# Not a deployment alarm: a deployment that keeps its minimum healthy percent never trips it,
# and a service asleep on purpose (a night schedule) would (quiet_hours turns it off then).
resource "aws_cloudwatch_metric_alarm" "no_healthy_target" {
  alarm_name          = "${var.name}-no-healthy-target"
  alarm_description   = "${var.name}: no healthy target for ${var.availability_periods} minutes: the service is down"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HealthyHostCount"
  statistic           = "Minimum"
  dimensions          = local.dimensions
  period              = 60
  evaluation_periods  = var.availability_periods
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  # The ALB publishes the count every minute while the target group is in use: no data is down.
  treat_missing_data = "breaching"
  alarm_actions      = [var.topic_arn]
  ok_actions         = [var.topic_arn]
  tags               = var.tags
}
