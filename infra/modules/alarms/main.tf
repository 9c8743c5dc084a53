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

  # Availability without Container Insights (free metrics): the web target group has a
  # healthy target, and every other service that should run reports CPU (AWS/ECS publishes
  # it each minute for each running service). Missing data here means down: breaching.
  unattended = { for k, s in var.services : k => s if !s.load_balanced && s.min_count > 0 }
}

module "topic" {
  source = "../topic"

  name   = "${var.name}-${var.topic_name}"
  emails = var.emails
  tags   = var.tags
  publishers = {
    AllowCloudWatchAlarms = { service = "cloudwatch.amazonaws.com" }
    AllowEcsEvents        = { service = "events.amazonaws.com", source_arn = aws_cloudwatch_event_rule.ecs.arn }
  }
}

# The topic was this module's own before modules/topic: moved, so subscribers stay confirmed.
moved {
  from = aws_sns_topic.this
  to   = module.topic.aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.this
  to   = module.topic.aws_sns_topic_policy.this
}

moved {
  from = aws_sns_topic_subscription.email
  to   = module.topic.aws_sns_topic_subscription.email
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
  alarm_actions       = [module.topic.arn]
  ok_actions          = [module.topic.arn]
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
  alarm_actions                         = [module.topic.arn]
  ok_actions                            = [module.topic.arn]
  tags                                  = var.tags
}

resource "aws_cloudwatch_metric_alarm" "no_healthy_web" {
  alarm_name          = "${var.name}-no-healthy-web"
  alarm_description   = "No healthy web target for ${var.availability_periods} minutes: nobody can open the site"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HealthyHostCount"
  statistic           = "Minimum"
  dimensions          = local.tg_dims
  period              = 60
  evaluation_periods  = var.availability_periods
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = [module.topic.arn]
  ok_actions          = [module.topic.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "not_running" {
  for_each = local.unattended

  alarm_name          = "${var.name}-${each.key}-not-running"
  alarm_description   = "${each.key}: no task reported CPU for ${var.availability_periods} minutes"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "SampleCount"
  dimensions          = { ClusterName = var.cluster_name, ServiceName = each.key }
  period              = 60
  evaluation_periods  = var.availability_periods
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = [module.topic.arn]
  ok_actions          = [module.topic.arn]
  tags                = var.tags
}

# With Container Insights on: running compared with *desired* (not a fixed number), so a
# scheduled scale to zero or a count change never pages anyone.
resource "aws_cloudwatch_metric_alarm" "running_tasks" {
  for_each = var.container_insights ? var.services : {}

  alarm_name          = "${var.name}-${each.key}-running-tasks"
  alarm_description   = "${each.key}: fewer running tasks than desired for ${var.availability_periods} periods"
  evaluation_periods  = var.availability_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "breaching"
  alarm_actions       = [module.topic.arn]
  ok_actions          = [module.topic.arn]
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

# What ECS itself reports goes to the same people, at no cost: a task that failed (it did not
# start, or an essential container exited) and a deployment that failed (circuit breaker or
# alarm). Tasks stopped on purpose (deployments, scale-in, the night schedule) are not sent.
resource "aws_cloudwatch_event_rule" "ecs" {
  name        = "${var.name}-ecs-failures"
  description = "Failed ECS tasks and deployments of cluster ${var.cluster_name}"
  event_pattern = jsonencode({
    source = ["aws.ecs"]
    "$or" = [
      {
        detail-type = ["ECS Task State Change"]
        detail = {
          clusterArn = [var.cluster_arn]
          lastStatus = ["STOPPED"]
          stopCode   = ["TaskFailedToStart", "EssentialContainerExited"]
        }
      },
      {
        detail-type = ["ECS Deployment State Change"]
        detail      = { eventName = ["SERVICE_DEPLOYMENT_FAILED"] }
        resources   = [{ prefix = "${replace(var.cluster_arn, ":cluster/", ":service/")}/" }]
      },
    ]
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "ecs" {
  rule = aws_cloudwatch_event_rule.ecs.name
  arn  = module.topic.arn
}
