locals {
  alb_dims = ["LoadBalancer", var.dashboard.alb_arn_suffix]
  tg_dims  = ["TargetGroup", var.dashboard.target_group_arn_suffix, "LoadBalancer", var.dashboard.alb_arn_suffix]

  widget_defs = [
    { title = "ALB requests", stat = "Sum", metrics = [concat(["AWS/ApplicationELB", "RequestCount"], local.alb_dims)] },
    { title = "5xx: target and ALB", stat = "Sum", metrics = [
      concat(["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"], local.alb_dims),
      concat(["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"], local.alb_dims),
    ] },
    { title = "Target response time p99", stat = "p99", metrics = [concat(["AWS/ApplicationELB", "TargetResponseTime"], local.alb_dims)] },
    { title = "Healthy / unhealthy web targets", stat = "Maximum", metrics = [
      concat(["AWS/ApplicationELB", "HealthyHostCount"], local.tg_dims),
      concat(["AWS/ApplicationELB", "UnHealthyHostCount"], local.tg_dims),
    ] },
    { title = "CPU per service (%)", stat = "Average", metrics = [
      for s in var.dashboard.service_names : ["AWS/ECS", "CPUUtilization", "ClusterName", var.dashboard.cluster_name, "ServiceName", s]
    ] },
    { title = "Memory per service (%)", stat = "Average", metrics = [
      for s in var.dashboard.service_names : ["AWS/ECS", "MemoryUtilization", "ClusterName", var.dashboard.cluster_name, "ServiceName", s]
    ] },
  ]
  # Only with Container Insights on: it is what publishes task counts.
  insights_widget_defs = [
    { title = "Running tasks per service", stat = "Average", metrics = [
      for s in var.dashboard.service_names : ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", var.dashboard.cluster_name, "ServiceName", s]
    ] },
  ]

  jitsi_widget_defs = [
    { title = "Conferences and participants (jicofo)", stat = "Maximum", metrics = [
      [var.metric_namespace, "Conferences", "Service", "jicofo"],
      [var.metric_namespace, "Participants", "Service", "jicofo"],
    ] },
    { title = "Bridge stress (max over bridges; alarm at 0.8)", stat = "Maximum", metrics = [
      [var.metric_namespace, "Stress", "Service", "jvb"],
    ] },
    { title = "Operational bridges (jicofo)", stat = "Minimum", metrics = [
      [var.metric_namespace, "OperationalBridges", "Service", "jicofo"],
      [var.metric_namespace, "BridgesUp", "Service", "summary"],
    ] },
    { title = "Bridge bitrate (kbit/s; upload is what egress costs)", stat = "Average", metrics = [
      [var.metric_namespace, "BitrateDownloadKbps", "Service", "jvb"],
      [var.metric_namespace, "BitrateUploadKbps", "Service", "jvb"],
      [var.metric_namespace, "TotalUploadKbps", "Service", "summary"],
    ] },
    { title = "ICE failures (cumulative)", stat = "Maximum", metrics = [
      [var.metric_namespace, "IceFailedTotal", "Service", "jvb"],
      [var.metric_namespace, "ParticipantsIceFailedTotal", "Service", "jicofo"],
    ] },
  ]
  all_widgets = concat(
    local.widget_defs,
    var.container_insights ? local.insights_widget_defs : [],
    var.jitsi_metrics ? local.jitsi_widget_defs : [],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [for i, w in local.all_widgets : {
      type   = "metric"
      x      = (i % 2) * 12
      y      = floor(i / 2) * 6
      width  = 12
      height = 6
      properties = {
        title   = w.title
        region  = var.region
        stat    = w.stat
        period  = 60
        view    = "timeSeries"
        metrics = w.metrics
      }
    }]
  })
}
