# The root module: composition of the modules, and outputs the CLI reads. Offline (mocked AWS).

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
  domain            = "meet.example.com"
  route53_zone_id   = "Z0123456789"
  telemetry_package = { path = "telemetry.zip", hash = "bW9jaw==" }
}

run "composition_defaults" {
  command = apply

  assert {
    condition     = output.desired_counts == { web = 3, xmpp = 1, jvb = 1 }
    error_message = "web 3, xmpp 1 (one shard), jvb 1 by default"
  }
  assert {
    condition     = output.url == "https://meet.example.com" && output.web_port == 80 && output.log_group_name == "/ecs/jitsi-app"
    error_message = "URL, stable-11031 port 80 and the log group"
  }
  assert {
    condition     = output.deployment_alarm_names == ["jitsi-target-5xx", "jitsi-elb-5xx"]
    error_message = "deployments roll back on the target and ELB 5xx alarms"
  }
  assert {
    condition     = toset(keys(output.budget_names)) == toset(["5", "10", "20", "40", "60"])
    error_message = "one budget per default limit"
  }
  assert {
    condition     = toset(values(output.alarm_names)) == toset(["jitsi-target-5xx", "jitsi-elb-5xx", "jitsi-unhealthy-hosts", "jitsi-p99-latency", "jitsi-web-running-tasks", "jitsi-xmpp-running-tasks", "jitsi-jvb-running-tasks", "jitsi-bridge-stress", "jitsi-no-bridge", "jitsi-jicofo-unhealthy"])
    error_message = "the seven stack alarms and the three Jitsi telemetry alarms"
  }
}

run "rootless_image_line" {
  command = apply

  variables {
    jitsi = { image = { tag = "stable-11146-2" } }
  }

  assert {
    condition     = output.web_port == 8000 && module.jitsi.image_registry == "ghcr.io/jitsi"
    error_message = "stable-11146+ pulls from ghcr.io and serves web on 8000"
  }
}

run "telemetry_can_be_turned_off" {
  command = apply

  variables {
    telemetry         = { enabled = false }
    telemetry_package = null
  }

  assert {
    condition     = output.telemetry_function_name == null && length(output.alarm_names) == 7
    error_message = "no telemetry function or Jitsi alarms when telemetry is off"
  }
}
