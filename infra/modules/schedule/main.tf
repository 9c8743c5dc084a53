# Scale one ECS service to zero outside working hours: the cheapest lever for a team that meets
# by day. Both actions set min = max, so nothing else can start tasks at night. No schedule,
# no resources.
resource "aws_appautoscaling_target" "this" {
  count = var.schedule == null ? 0 : 1

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${var.cluster_name}/${var.service_name}"
  min_capacity       = var.desired_count
  max_capacity       = var.desired_count
  tags               = var.tags
}

resource "aws_appautoscaling_scheduled_action" "stop" {
  count = var.schedule == null ? 0 : 1

  name               = "${var.name}-stop"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  schedule           = "cron(0 ${var.schedule.stop_hour} ? * ${var.schedule.days} *)"
  timezone           = "UTC"

  scalable_target_action {
    min_capacity = 0
    max_capacity = 0
  }
}

resource "aws_appautoscaling_scheduled_action" "start" {
  count = var.schedule == null ? 0 : 1

  name               = "${var.name}-start"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  schedule           = "cron(0 ${var.schedule.start_hour} ? * ${var.schedule.days} *)"
  timezone           = "UTC"

  scalable_target_action {
    min_capacity = var.desired_count
    max_capacity = var.desired_count
  }

  depends_on = [aws_appautoscaling_scheduled_action.stop]
}
