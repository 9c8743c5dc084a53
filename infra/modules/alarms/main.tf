data "aws_caller_identity" "current" {}

locals {
  alb_dims = { LoadBalancer = var.alb_arn_suffix }
  tg_dims  = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }

  # ALB metrics exist only while requests flow: missing data is not an outage.
  alb_alarms = {
    target-5xx = {
      description = "Targets answered more than ${var.thresholds.target_5xx} 5xx in ${var.period}s"
      metric      = "HTTPCode_Target_5XX_Count"
      statistic   = "Sum"
      threshold   = var.thresholds.target_5xx
      dimensions  = local.alb_dims
    }
    # The ALB's own 502/503/504 (no healthy target) never show in the target count.
    elb-5xx = {
      description = "The ALB itself answered more than ${var.thresholds.elb_5xx} 5xx in ${var.period}s"
      metric      = "HTTPCode_ELB_5XX_Count"
      statistic   = "Sum"
      threshold   = var.thresholds.elb_5xx
      dimensions  = local.alb_dims
    }
    unhealthy-hosts = {
      description = "At least one web target fails its health check"
      metric      = "UnHealthyHostCount"
      statistic   = "Maximum"
      threshold   = 0
      dimensions  = local.tg_dims
    }
  }
}

resource "aws_sns_topic" "this" {
  #checkov:skip=CKV_AWS_26: the AWS-managed SNS key blocks CloudWatch from publishing and a customer key costs $1/month; alerts carry no secrets
  name = var.topic_name
  tags = var.tags
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "AllowCloudWatchAlarms"
    actions   = ["SNS:Publish"]
    resources = [aws_sns_topic.this.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alb_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/ApplicationELB"
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  period              = var.period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  alarm_name          = "${var.name}-p99-latency"
  alarm_description   = "p99 target response time above ${var.thresholds.p99_latency_seconds}s (BOSH long-polls can add noise)"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  extended_statistic  = "p99"
  dimensions          = local.alb_dims
  period              = var.period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.p99_latency_seconds
  treat_missing_data  = "notBreaching"
  # Under ~1000 samples a p99 is noise: do not alarm on it.
  evaluate_low_sample_count_percentiles = "ignore"
  alarm_actions                         = [aws_sns_topic.this.arn]
  ok_actions                            = [aws_sns_topic.this.arn]
  tags                                  = var.tags
}

# Running compared with *desired* (not a fixed number), so a scheduled scale to zero or a
# desired-count change never pages anyone. Container Insights publishes both every minute
# while the service exists: missing data means something is wrong, so it is breaching.
resource "aws_cloudwatch_metric_alarm" "running_tasks" {
  for_each = var.desired_counts

  alarm_name          = "${var.name}-${each.key}-running-tasks"
  alarm_description   = "${each.key}: fewer running tasks than desired for ${var.running_tasks_evaluation_periods} periods"
  evaluation_periods  = var.running_tasks_evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]
  tags                = var.tags

  metric_query {
    id          = "missing"
    expression  = "desired - running"
    label       = "Tasks missing"
    return_data = true
  }

  metric_query {
    id = "running"
    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "RunningTaskCount"
      dimensions  = { ClusterName = var.cluster_name, ServiceName = each.key }
      period      = var.period
      stat        = "Minimum"
    }
  }

  metric_query {
    id = "desired"
    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "DesiredTaskCount"
      dimensions  = { ClusterName = var.cluster_name, ServiceName = each.key }
      period      = var.period
      stat        = "Maximum"
    }
  }
}
