# Module alarms: planned values for the plan's part and the FACTS.md corrections. Offline (mocked AWS).

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = { names = ["us-west-2a", "us-west-2b", "us-west-2c"] }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-west-2:123456789012:mock-topic" }
  }
  mock_resource "aws_ssm_parameter" {
    defaults = { arn = "arn:aws:ssm:us-west-2:123456789012:parameter/mock" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/mock" }
  }
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/mock/0123456789abcdef" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/mock/0123456789abcdef" }
  }
  mock_resource "aws_lb_listener" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/mock/0123456789abcdef/0123456789abcdef" }
  }
  mock_resource "aws_service_discovery_service" {
    defaults = { arn = "arn:aws:servicediscovery:us-west-2:123456789012:service/srv-mock" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:us-west-2:123456789012:cluster/mock" }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:us-west-2:123456789012:task-definition/mock:1" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-west-2:123456789012:log-group:mock" }
  }
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:us-west-2:123456789012:certificate/mock"
      domain_validation_options = [{
        domain_name           = "meet.example.com"
        resource_record_name  = "_x.meet.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_y.acm-validations.aws."
      }]
    }
  }
}

variables {
  name                    = "jitsi"
  alb_arn_suffix          = "app/jitsi/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/jitsi-web/0123456789abcdef"
  cluster_name            = "jitsi"
  desired_counts          = { web = 3, xmpp = 1, jvb = 1 }
}

run "alarms_to_deployment_alerts" {
  command = apply

  module {
    source = "./modules/alarms"
  }

  assert {
    condition     = aws_sns_topic.this.name == "deployment-alerts"
    error_message = "alarm topic must be deployment-alerts"
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
    condition = (length(aws_cloudwatch_metric_alarm.running_tasks) == 3 &&
      aws_cloudwatch_metric_alarm.running_tasks["web"].threshold == 0 &&
      aws_cloudwatch_metric_alarm.running_tasks["web"].comparison_operator == "GreaterThanThreshold" &&
      contains([for q in aws_cloudwatch_metric_alarm.running_tasks["web"].metric_query : q.expression], "desired - running") &&
    aws_cloudwatch_metric_alarm.running_tasks["web"].treat_missing_data == "breaching")
    error_message = "one alarm per service when running tasks fall below desired (desired - running > 0)"
  }
  assert {
    condition     = alltrue(concat([for a in aws_cloudwatch_metric_alarm.this : contains(a.alarm_actions, aws_sns_topic.this.arn)], [contains(aws_cloudwatch_metric_alarm.latency.alarm_actions, aws_sns_topic.this.arn)]))
    error_message = "every alarm notifies deployment-alerts"
  }
}
