output "environment" {
  description = "The OTEL_* environment variables, by name."
  value = {
    OTEL_RESOURCE_ATTRIBUTES             = "service.name=${var.service_name}"
    OTEL_PYTHON_DISTRO                   = "aws_distro"
    OTEL_PYTHON_CONFIGURATOR             = "aws_configurator"
    OTEL_AWS_APPLICATION_SIGNALS_ENABLED = "false"
    OTEL_TRACES_EXPORTER                 = "otlp"
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL   = "http/protobuf"
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT   = "https://xray.${var.region}.amazonaws.com/v1/traces"
    OTEL_LOGS_EXPORTER                   = "otlp"
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL     = "http/protobuf"
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT     = "https://logs.${var.region}.amazonaws.com/v1/logs"
    OTEL_EXPORTER_OTLP_LOGS_HEADERS      = join(",", local.headers)
    OTEL_METRICS_EXPORTER                = var.metric_namespace == null ? "none" : "awsemf"
  }
}
