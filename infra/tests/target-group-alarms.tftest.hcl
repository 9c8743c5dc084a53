# Module target-group-alarms: one target group's 5xx, p99 and unhealthy hosts. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                    = "jitsi-api"
  alb_arn_suffix          = "app/jitsi/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/jitsi-api/fedcba9876543210"
  topic_arn               = "arn:aws:sns:us-west-2:123456789012:deployment-alerts"
  period                  = 60
  availability_periods    = 5
  thresholds              = { target_5xx = 5, p99_latency_seconds = 2 }
}

run "alarms_watch_one_target_group" {
  command = apply

  module {
    source = "./modules/target-group-alarms"
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.dimensions == tomap({ LoadBalancer = "app/jitsi/0123456789abcdef", TargetGroup = "targetgroup/jitsi-api/fedcba9876543210" })])
    error_message = "every alarm is dimensioned on this target group: another service's trouble never rolls this one back"
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.this["target-5xx"].metric_name == "HTTPCode_Target_5XX_Count" &&
      aws_cloudwatch_metric_alarm.this["target-5xx"].statistic == "Sum" &&
    aws_cloudwatch_metric_alarm.this["target-5xx"].threshold == 5)
    error_message = "target 5xx: Sum above 5 per period"
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.this["p99-latency"].metric_name == "TargetResponseTime" &&
      aws_cloudwatch_metric_alarm.this["p99-latency"].extended_statistic == "p99" &&
      aws_cloudwatch_metric_alarm.this["p99-latency"].threshold == 2 &&
    aws_cloudwatch_metric_alarm.this["p99-latency"].evaluate_low_sample_count_percentiles == "ignore")
    error_message = "p99 latency above 2 s, ignoring low sample counts (FACTS.md)"
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.this["unhealthy-hosts"].metric_name == "UnHealthyHostCount" &&
      aws_cloudwatch_metric_alarm.this["unhealthy-hosts"].statistic == "Maximum" &&
    aws_cloudwatch_metric_alarm.this["unhealthy-hosts"].threshold == 0)
    error_message = "any unhealthy target alarms"
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.treat_missing_data == "notBreaching" && a.alarm_actions == toset([var.topic_arn]) && a.namespace == "AWS/ApplicationELB"])
    error_message = "ALB metrics exist only while requests flow: missing data is not breaching; all notify the topic"
  }
  assert {
    condition     = output.deployment_alarm_names == ["jitsi-api-p99-latency", "jitsi-api-target-5xx", "jitsi-api-unhealthy-hosts"]
    error_message = "the three alarms, as a list for ECS deployment alarms"
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.no_healthy_target.metric_name == "HealthyHostCount" &&
      aws_cloudwatch_metric_alarm.no_healthy_target.statistic == "Minimum" &&
      aws_cloudwatch_metric_alarm.no_healthy_target.comparison_operator == "LessThanThreshold" &&
      aws_cloudwatch_metric_alarm.no_healthy_target.threshold == 1 &&
      aws_cloudwatch_metric_alarm.no_healthy_target.evaluation_periods == 5 &&
      aws_cloudwatch_metric_alarm.no_healthy_target.treat_missing_data == "breaching" &&
    aws_cloudwatch_metric_alarm.no_healthy_target.alarm_actions == toset([var.topic_arn]))
    error_message = "no healthy target for 5 minutes is an outage (missing data too), to the topic"
  }
  assert {
    condition     = output.availability_alarm_names == ["jitsi-api-no-healthy-target"] && output.alarm_names["no-healthy-target"] == "jitsi-api-no-healthy-target" && !contains(output.deployment_alarm_names, "jitsi-api-no-healthy-target")
    error_message = "the outage alarm is listed with the others and for quiet hours, never as a deployment alarm"
  }
}
