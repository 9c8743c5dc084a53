# Module observability: planned values for the plan's part and the FACTS.md corrections. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
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
  log_group_name     = "/ecs/jitsi-app"
  log_retention_days = 30
  adot_containers    = []
  metric_namespace   = "Jitsi"
  transaction_search = true
  container_insights = false
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
    condition = alltrue([for m in ["RequestCount", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "TargetResponseTime", "HealthyHostCount", "CPUUtilization", "MemoryUtilization"] :
    strcontains(aws_cloudwatch_dashboard.this.dashboard_body, m)]) && !strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "RunningTaskCount")
    error_message = "dashboard must plot requests, 5xx, p99, healthy hosts, CPU and memory (running tasks only with Container Insights)"
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
  assert {
    # issue 21: DescribeLogGroups is authorized on log-group:* only (scoped to one group, the
    # grant did nothing); it alone gets the account-and-region wildcard.
    condition = alltrue([
      for st in data.aws_iam_policy_document.adot.statement :
      contains(st.actions, "logs:DescribeLogGroups") == (toset(st.resources) == toset(["arn:aws:logs:us-west-2:123456789012:log-group:*"]))
      if anytrue([for a in st.actions : startswith(a, "logs:")])
    ])
    error_message = "logs:DescribeLogGroups on arn:aws:logs:<region>:<account>:log-group:*, every other logs action on the app log group"
  }
}
