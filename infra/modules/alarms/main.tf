locals {
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

# Web's target group has the alarms every target group has (its 5xx, p99 latency, failed
# health checks, no healthy target), from the one module that writes them. Dimensioned on
# web's target group alone: an operator service's 5xx never pages as web's nor rolls back a
# web deployment (the /auth/ function has its own errors alarm). Web's nginx proxies BOSH and
# the websockets, so their long-polls still count in web's p99, as they did ALB-wide.
module "web" {
  source = "../target-group-alarms"

  name                    = var.name
  alb_arn_suffix          = var.alb_arn_suffix
  target_group_arn_suffix = var.target_group_arn_suffix
  topic_arn               = module.topic.arn
  period                  = var.period
  availability_periods    = var.availability_periods
  thresholds = {
    target_5xx          = var.thresholds.target_5xx
    p99_latency_seconds = var.thresholds.p99_latency_seconds
  }
  tags = var.tags
}

# The ALB's own 502/503/504 (no healthy target, a failed Lambda) never show in a target
# group's count, and AWS publishes them per load balancer only.
resource "aws_cloudwatch_metric_alarm" "elb_5xx" {
  alarm_name          = "${var.name}-elb-5xx"
  alarm_description   = "The ALB itself answered more than ${var.thresholds.elb_5xx} 5xx in ${var.period}s"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_5XX_Count"
  statistic           = "Sum"
  dimensions          = { LoadBalancer = var.alb_arn_suffix }
  period              = var.period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.elb_5xx
  # ALB metrics exist only while requests flow: missing data is not an outage.
  treat_missing_data = "notBreaching"
  alarm_actions      = [module.topic.arn]
  ok_actions         = [module.topic.arn]
  tags               = var.tags
}

# These alarms were this module's own before web used modules/target-group-alarms: moved, so
# a deployed stack updates them in place. no-healthy-web is now <name>-no-healthy-target, as
# for every target group: a new name, so that one alarm is replaced.
moved {
  from = aws_cloudwatch_metric_alarm.this["target-5xx"]
  to   = module.web.aws_cloudwatch_metric_alarm.this["target-5xx"]
}

moved {
  from = aws_cloudwatch_metric_alarm.this["unhealthy-hosts"]
  to   = module.web.aws_cloudwatch_metric_alarm.this["unhealthy-hosts"]
}

moved {
  from = aws_cloudwatch_metric_alarm.latency
  to   = module.web.aws_cloudwatch_metric_alarm.this["p99-latency"]
}

moved {
  from = aws_cloudwatch_metric_alarm.no_healthy_web
  to   = module.web.aws_cloudwatch_metric_alarm.no_healthy_target
}

moved {
  from = aws_cloudwatch_metric_alarm.this["elb-5xx"]
  to   = aws_cloudwatch_metric_alarm.elb_5xx
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
