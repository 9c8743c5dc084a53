# Collector-less ADOT export (FACTS.md), written once for every process that loads an ADOT SDK:
# traces to the X-Ray OTLP endpoint, logs to the CloudWatch Logs OTLP endpoint into one stream
# of a log group, metrics as EMF (awsemf reads group, stream and namespace from the logs
# headers and ignores any metrics endpoint). Application Signals stays off (its own metrics
# cost). With no metric namespace, the SDK exports no metrics: the code prints its own EMF.
# A process without an ADOT SDK or agent ignores all of it.
locals {
  headers = compact([
    "x-aws-log-group=${var.log_group_name}",
    "x-aws-log-stream=${var.log_stream}",
    var.metric_namespace == null ? "" : "x-aws-metric-namespace=${var.metric_namespace}",
  ])
}
