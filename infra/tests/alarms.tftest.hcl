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
    condition     = module.web.alarm_names == { target-5xx = "jitsi-target-5xx", p99-latency = "jitsi-p99-latency", unhealthy-hosts = "jitsi-unhealthy-hosts", no-healthy-target = "jitsi-no-healthy-target" }
    error_message = "web's target group has the alarms every target group has (modules/target-group-alarms tests what they watch)"
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.elb_5xx.metric_name == "HTTPCode_ELB_5XX_Count" &&
      aws_cloudwatch_metric_alarm.elb_5xx.dimensions == tomap({ LoadBalancer = "app/jitsi/0123456789abcdef" }) &&
      aws_cloudwatch_metric_alarm.elb_5xx.threshold == 5 &&
    aws_cloudwatch_metric_alarm.elb_5xx.treat_missing_data == "notBreaching")
    error_message = "the ALB's own 5xx need their own alarm, per load balancer (no target group has them)"
  }
  assert {
    condition     = output.web_deployment_alarm_names == ["jitsi-target-5xx", "jitsi-elb-5xx"]
    error_message = "web's deployments roll back on its own target 5xx and on the ALB's 5xx"
  }
  assert {
    condition     = output.shard_deployment_alarm_names == ["jitsi-target-5xx", "jitsi-p99-latency"] && !contains(output.shard_deployment_alarm_names, aws_cloudwatch_metric_alarm.elb_5xx.alarm_name)
    error_message = "the shard's deployments roll back on the target group's own 5xx and p99, never on the ALB's own 5xx (its 503 while no target is healthy, 0%/100%)"
  }
  assert {
    condition     = output.availability_alarm_names == ["jitsi-no-healthy-target"] && output.alarm_names["elb-5xx"] == "jitsi-elb-5xx" && output.alarm_names["no-healthy-target"] == "jitsi-no-healthy-target"
    error_message = "no healthy web target (free ALB metric) is the outage alarm quiet hours silence"
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.running_tasks) == 0 && length(aws_cloudwatch_metric_alarm.not_running) == 0
    error_message = "without Container Insights no running-tasks alarm; the shard is watched through the ALB, a bridge service that may be empty is not watched"
  }
  assert {
    condition     = contains(aws_cloudwatch_metric_alarm.elb_5xx.alarm_actions, module.topic.arn)
    error_message = "the ALB's alarm notifies deployment-alerts"
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

# A stack deployed before web used modules/target-group-alarms keeps its alarms (updated in
# place); only no-healthy-web, renamed no-healthy-target, is replaced.
run "before_web_alarms" {
  command   = apply
  state_key = "web_alarms"

  module {
    source = "./tests/fixtures/before_web_alarms"
  }

  variables {
    name = "jitsi"
  }

  override_resource {
    target = aws_cloudwatch_metric_alarm.this
    values = { arn = "arn:aws:cloudwatch:us-west-2:123456789012:alarm:deployed" }
  }
  override_resource {
    target = aws_cloudwatch_metric_alarm.latency
    values = { arn = "arn:aws:cloudwatch:us-west-2:123456789012:alarm:deployed" }
  }
}

run "deployed_web_alarms_are_moved_not_replaced" {
  command   = apply
  state_key = "web_alarms"

  module {
    source = "./modules/alarms"
  }

  assert {
    condition = (module.web.alarm_arns["target-5xx"] == "arn:aws:cloudwatch:us-west-2:123456789012:alarm:deployed" &&
      module.web.alarm_arns["unhealthy-hosts"] == "arn:aws:cloudwatch:us-west-2:123456789012:alarm:deployed" &&
    module.web.alarm_arns["p99-latency"] == "arn:aws:cloudwatch:us-west-2:123456789012:alarm:deployed")
    error_message = "web's alarms made before the module must be updated in place (a replacement gets the mock's new ARN)"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.elb_5xx.arn == "arn:aws:cloudwatch:us-west-2:123456789012:alarm:deployed"
    error_message = "the ALB's 5xx alarm is kept too"
  }
}
