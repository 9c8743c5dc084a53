# Module alarms: planned values for the plan's part and the FACTS.md corrections. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                    = "jitsi"
  alb_arn_suffix          = "app/jitsi/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/jitsi-web/0123456789abcdef"
  cluster_name            = "jitsi"
  cluster_arn             = "arn:aws:ecs:us-west-2:123456789012:cluster/jitsi"
  services                = { shard = { load_balanced = true, min_count = 1 }, jvb = { load_balanced = false, min_count = 0 } }
  container_insights      = false
  topic_name              = "deployment-alerts"
  emails                  = []
  period                  = 60
  availability_periods    = 5
  thresholds              = { target_5xx = 5, elb_5xx = 5, p99_latency_seconds = 2 }
}

run "alarms_to_deployment_alerts" {
  command = apply

  module {
    source = "./modules/alarms"
  }

  assert {
    condition     = module.topic.name == "jitsi-deployment-alerts"
    error_message = "alarm topic must be <name>-deployment-alerts (two stacks in one account)"
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.this["target-5xx"].metric_name == "HTTPCode_Target_5XX_Count" &&
      aws_cloudwatch_metric_alarm.this["target-5xx"].threshold == 5 &&
      aws_cloudwatch_metric_alarm.this["target-5xx"].period == 60 &&
    aws_cloudwatch_metric_alarm.this["target-5xx"].comparison_operator == "GreaterThanThreshold")
    error_message = "target 5xx > 5 in 60 s"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["elb-5xx"].metric_name == "HTTPCode_ELB_5XX_Count"
    error_message = "the ALB's own 5xx need their own alarm"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["unhealthy-hosts"].metric_name == "UnHealthyHostCount"
    error_message = "unhealthy hosts alarm expected"
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.latency.extended_statistic == "p99" &&
      aws_cloudwatch_metric_alarm.latency.threshold == 2 &&
    aws_cloudwatch_metric_alarm.latency.evaluate_low_sample_count_percentiles == "ignore")
    error_message = "p99 TargetResponseTime > 2 s, ignoring low sample counts"
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.treat_missing_data == "notBreaching"])
    error_message = "ALB metrics exist only with traffic: missing data is notBreaching"
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.no_healthy_web.metric_name == "HealthyHostCount" &&
      aws_cloudwatch_metric_alarm.no_healthy_web.comparison_operator == "LessThanThreshold" &&
    aws_cloudwatch_metric_alarm.no_healthy_web.treat_missing_data == "breaching")
    error_message = "no healthy web target (free ALB metric) is an outage"
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.running_tasks) == 0 && length(aws_cloudwatch_metric_alarm.not_running) == 0
    error_message = "without Container Insights no running-tasks alarm; the shard is watched through the ALB, a bridge service that may be empty is not watched"
  }
  assert {
    condition     = alltrue(concat([for a in aws_cloudwatch_metric_alarm.this : contains(a.alarm_actions, module.topic.arn)], [contains(aws_cloudwatch_metric_alarm.latency.alarm_actions, module.topic.arn), contains(aws_cloudwatch_metric_alarm.no_healthy_web.alarm_actions, module.topic.arn)]))
    error_message = "every alarm notifies deployment-alerts"
  }
  assert {
    condition     = aws_cloudwatch_event_target.ecs.arn == module.topic.arn && strcontains(aws_cloudwatch_event_rule.ecs.event_pattern, "SERVICE_DEPLOYMENT_FAILED") && strcontains(aws_cloudwatch_event_rule.ecs.event_pattern, "EssentialContainerExited")
    error_message = "failed ECS tasks and deployments reach deployment-alerts"
  }
}

run "growth_with_container_insights" {
  command = apply

  module {
    source = "./modules/alarms"
  }

  variables {
    services           = { web = { load_balanced = true, min_count = 2 }, xmpp = { load_balanced = false, min_count = 1 }, jvb = { load_balanced = false, min_count = 1 } }
    container_insights = true
  }

  assert {
    condition = (keys(aws_cloudwatch_metric_alarm.not_running) == ["jvb", "xmpp"] &&
      aws_cloudwatch_metric_alarm.not_running["xmpp"].namespace == "AWS/ECS" &&
    aws_cloudwatch_metric_alarm.not_running["xmpp"].treat_missing_data == "breaching")
    error_message = "services without a target group are watched through their AWS/ECS CPU samples"
  }
  assert {
    condition = (length(aws_cloudwatch_metric_alarm.running_tasks) == 3 &&
      contains([for q in aws_cloudwatch_metric_alarm.running_tasks["web"].metric_query : q.expression], "desired - running") &&
    aws_cloudwatch_metric_alarm.running_tasks["web"].treat_missing_data == "breaching")
    error_message = "with Container Insights: running below desired, per service"
  }
}

# A stack deployed before modules/topic keeps its alarm topic and its confirmed subscriptions.
run "before_topic_module" {
  command   = apply
  state_key = "moved"

  module {
    source = "./tests/fixtures/before_topic"
  }

  variables {
    topic  = "jitsi-deployment-alerts"
    emails = ["ops@example.com"]
  }

  override_resource {
    target = aws_sns_topic.this
    values = { arn = "arn:aws:sns:us-west-2:123456789012:jitsi-deployment-alerts-deployed" }
  }
  override_resource {
    target = aws_sns_topic_subscription.email
    values = { arn = "arn:aws:sns:us-west-2:123456789012:jitsi-deployment-alerts-deployed:confirmed" }
  }
}

run "deployed_topic_is_moved_not_replaced" {
  command   = apply
  state_key = "moved"

  module {
    source = "./modules/alarms"
  }

  variables {
    emails = ["ops@example.com"]
  }

  assert {
    condition     = output.topic_arn == "arn:aws:sns:us-west-2:123456789012:jitsi-deployment-alerts-deployed"
    error_message = "the topic made before modules/topic must be kept (a replacement would get the mock's new ARN)"
  }
  assert {
    condition     = module.topic.subscription_arns == { "ops@example.com" = "arn:aws:sns:us-west-2:123456789012:jitsi-deployment-alerts-deployed:confirmed" }
    error_message = "the confirmed subscription is kept too (a new one would mail the address to confirm again)"
  }
}
