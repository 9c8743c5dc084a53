# Module adot_env: the collector-less ADOT settings every ADOT process gets. Offline (no provider calls).

variables {
  service_name   = "jitsi-api"
  region         = "eu-west-1"
  log_group_name = "/ecs/jitsi-app"
  log_stream     = "otel/api"
}

run "metrics_as_emf_with_a_namespace" {
  command = plan

  module {
    source = "./modules/adot_env"
  }

  variables {
    metric_namespace = "Jitsi"
  }

  assert {
    condition = (output.environment["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] == "x-aws-log-group=/ecs/jitsi-app,x-aws-log-stream=otel/api,x-aws-metric-namespace=Jitsi" &&
      output.environment["OTEL_METRICS_EXPORTER"] == "awsemf" &&
      output.environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] == "https://xray.eu-west-1.amazonaws.com/v1/traces" &&
      output.environment["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] == "https://logs.eu-west-1.amazonaws.com/v1/logs" &&
    output.environment["OTEL_RESOURCE_ATTRIBUTES"] == "service.name=jitsi-api")
    error_message = "traces to X-Ray, logs to CloudWatch Logs in the region, metrics as EMF into the namespace"
  }
  assert {
    condition     = output.environment["OTEL_AWS_APPLICATION_SIGNALS_ENABLED"] == "false"
    error_message = "Application Signals stays off (its own metrics cost)"
  }
}

run "no_sdk_metrics_without_a_namespace" {
  command = plan

  module {
    source = "./modules/adot_env"
  }

  assert {
    condition     = output.environment["OTEL_METRICS_EXPORTER"] == "none" && output.environment["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] == "x-aws-log-group=/ecs/jitsi-app,x-aws-log-stream=otel/api"
    error_message = "no namespace: the SDK exports no metrics and the logs header names none"
  }
}
