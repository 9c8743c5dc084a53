# Mocked AWS for every terraform test: plausible ARNs and the few data sources the modules read.

mock_data "aws_availability_zones" {
  defaults = { names = ["us-west-2a", "us-west-2b", "us-west-2c"] }
}
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
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
mock_data "aws_region" {
  defaults = { name = "us-west-2" }
}
mock_data "aws_elb_service_account" {
  defaults = { arn = "arn:aws:iam::797873946194:root" }
}
mock_resource "aws_s3_bucket" {
  defaults = { arn = "arn:aws:s3:::jitsi-logs-123456789012-us-west-2" }
}
mock_resource "aws_cognito_user_pool" {
  defaults = { arn = "arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_mock", id = "us-west-2_mock" }
}
mock_resource "aws_wafv2_web_acl" {
  defaults = { arn = "arn:aws:wafv2:us-west-2:123456789012:regional/webacl/mock/0123456789abcdef" }
}
mock_resource "aws_lb_listener_rule" {
  defaults = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener-rule/app/mock/0123456789abcdef/0123456789abcdef/0123456789abcdef" }
}
