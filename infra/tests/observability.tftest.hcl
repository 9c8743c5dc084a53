# Module observability: planned values for the plan's part and the FACTS.md corrections. Offline (mocked AWS).

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
  name   = "jitsi"
  region = "us-west-2"
  dashboard = {
    alb_arn_suffix          = "app/jitsi/0123456789abcdef"
    target_group_arn_suffix = "targetgroup/jitsi-web/0123456789abcdef"
    cluster_name            = "jitsi"
    service_names           = ["web", "xmpp", "jvb"]
  }
}

run "observability_logs_dashboard" {
  command = apply

  module {
    source = "./modules/observability"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/ecs/jitsi-app" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "log group /ecs/jitsi-app with 30 days retention by default"
  }
  assert {
    condition = alltrue([for m in ["RequestCount", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "TargetResponseTime", "HealthyHostCount", "CPUUtilization", "MemoryUtilization", "RunningTaskCount"] :
    strcontains(aws_cloudwatch_dashboard.this.dashboard_body, m)])
    error_message = "dashboard must plot requests, 5xx, p99, healthy hosts, CPU, memory and running tasks"
  }
}

run "adot_collector_less_variables" {
  command = apply

  module {
    source = "./modules/observability"
  }

  variables {
    adot_containers = ["web"]
  }

  assert {
    condition = (
      output.adot_env["web"]["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] == "https://xray.us-west-2.amazonaws.com/v1/traces" &&
      output.adot_env["web"]["OTEL_TRACES_EXPORTER"] == "otlp" &&
      output.adot_env["web"]["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] == "https://logs.us-west-2.amazonaws.com/v1/logs" &&
      output.adot_env["web"]["OTEL_LOGS_EXPORTER"] == "otlp" &&
      output.adot_env["web"]["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] == "x-aws-log-group=/ecs/jitsi-app,x-aws-log-stream=otel/web,x-aws-metric-namespace=Jitsi" &&
      output.adot_env["web"]["OTEL_METRICS_EXPORTER"] == "awsemf" &&
      output.adot_env["web"]["OTEL_PYTHON_DISTRO"] == "aws_distro" &&
      output.adot_env["web"]["OTEL_PYTHON_CONFIGURATOR"] == "aws_configurator" &&
      output.adot_env["web"]["OTEL_AWS_APPLICATION_SIGNALS_ENABLED"] == "false"
    )
    error_message = "collector-less ADOT: X-Ray OTLP traces, CloudWatch OTLP logs with group/stream/namespace headers, awsemf metrics"
  }
  assert {
    condition     = !contains(keys(output.adot_env["web"]), "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
    error_message = "awsemf ignores a metrics endpoint and logs/v1/metrics does not exist: never set it"
  }
  assert {
    condition     = output.adot_env["jvb"] == {} && aws_cloudwatch_log_stream.otel["web"].name == "otel/web"
    error_message = "ADOT only where asked for, with the log stream the OTLP endpoint writes into"
  }
  assert {
    condition     = alltrue([for st in data.aws_iam_policy_document.adot.statement : st.sid != "AppLogsAndEmf" || alltrue([for r in st.resources : startswith(r, "arn:aws:logs:us-west-2:123456789012:log-group:/ecs/jitsi-app")])])
    error_message = "the ADOT log permissions are scoped to the app log group"
  }
}
