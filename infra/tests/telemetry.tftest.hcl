# Module telemetry: the scheduled in-VPC collector, its narrow network access and its alarms.

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
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:us-west-2:123456789012:function:jitsi-telemetry" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-west-2:123456789012:rule/jitsi-telemetry" }
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
  name                   = "jitsi"
  vpc_id                 = "vpc-123"
  subnet_ids             = ["subnet-a", "subnet-b"]
  jvb_security_group_id  = "sg-jvb"
  xmpp_security_group_id = "sg-xmpp"
  jvb_dns_name           = "jvb.jitsi.internal"
  jicofo_url             = "http://xmpp.jitsi.internal:8888"
  package                = { path = "telemetry.zip", hash = "bW9jaw==" }
  alarm_topic_arn        = "arn:aws:sns:us-west-2:123456789012:deployment-alerts"
}

run "collector_lambda_in_the_vpc" {
  command = apply

  module {
    source = "./modules/telemetry"
  }

  assert {
    condition = (aws_lambda_function.this.handler == "jitsi_ecs.telemetry.lambda_handler.handler" &&
      aws_lambda_function.this.runtime == "python3.12" &&
      aws_lambda_function.this.vpc_config[0].subnet_ids == toset(["subnet-a", "subnet-b"]) &&
    aws_lambda_function.this.environment[0].variables["JVB_DNS_NAME"] == "jvb.jitsi.internal")
    error_message = "a Python Lambda inside the VPC that finds the bridges through Cloud Map DNS"
  }
  assert {
    condition     = aws_cloudwatch_event_rule.this.schedule_expression == "rate(1 minute)" && aws_lambda_permission.this.principal == "events.amazonaws.com"
    error_message = "scheduled every minute by EventBridge: no long-running sidecar"
  }
  assert {
    condition = (aws_vpc_security_group_ingress_rule.jvb_stats.referenced_security_group_id == aws_security_group.this.id &&
      aws_vpc_security_group_ingress_rule.jvb_stats.cidr_ipv4 == null &&
    aws_vpc_security_group_ingress_rule.jicofo_stats.from_port == 8888)
    error_message = "JVB 8080 and jicofo 8888 open to the collector's group only, never to a CIDR"
  }
}

run "jitsi_alarms" {
  command = apply

  module {
    source = "./modules/telemetry"
  }

  assert {
    condition = (aws_cloudwatch_metric_alarm.this["bridge-stress"].threshold == 0.8 &&
      aws_cloudwatch_metric_alarm.this["bridge-stress"].statistic == "Maximum" &&
    aws_cloudwatch_metric_alarm.this["bridge-stress"].dimensions["Service"] == "jvb")
    error_message = "bridge stress above 0.8 alarms"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["no-bridge"].metric_name == "OperationalBridges" && aws_cloudwatch_metric_alarm.this["no-bridge"].comparison_operator == "LessThanThreshold" && aws_cloudwatch_metric_alarm.this["no-bridge"].treat_missing_data == "breaching"
    error_message = "no operational bridge alarms, and so does silence"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["jicofo-unhealthy"].metric_name == "SourceUp" && aws_cloudwatch_metric_alarm.this["jicofo-unhealthy"].dimensions["Service"] == "jicofo"
    error_message = "jicofo not answering alarms"
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : contains(a.alarm_actions, "arn:aws:sns:us-west-2:123456789012:deployment-alerts")])
    error_message = "the Jitsi alarms notify deployment-alerts"
  }
}
