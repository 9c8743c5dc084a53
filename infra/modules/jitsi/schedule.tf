# Scale to zero outside working hours: the cheapest lever for a team that meets by day.
# Both actions set min = max, so nothing else can start tasks at night.
resource "aws_appautoscaling_target" "this" {
  for_each = var.schedule == null ? {} : local.services

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this[each.key].name}"
  min_capacity       = each.value.desired_count
  max_capacity       = each.value.desired_count
  tags               = var.tags
}

resource "aws_appautoscaling_scheduled_action" "stop" {
  for_each = aws_appautoscaling_target.this

  name               = "${var.name}-${each.key}-stop"
  service_namespace  = each.value.service_namespace
  scalable_dimension = each.value.scalable_dimension
  resource_id        = each.value.resource_id
  schedule           = "cron(0 ${var.schedule.stop_hour} ? * ${var.schedule.days} *)"
  timezone           = "UTC"

  scalable_target_action {
    min_capacity = 0
    max_capacity = 0
  }
}

resource "aws_appautoscaling_scheduled_action" "start" {
  for_each = aws_appautoscaling_target.this

  name               = "${var.name}-${each.key}-start"
  service_namespace  = each.value.service_namespace
  scalable_dimension = each.value.scalable_dimension
  resource_id        = each.value.resource_id
  schedule           = "cron(0 ${var.schedule.start_hour} ? * ${var.schedule.days} *)"
  timezone           = "UTC"

  scalable_target_action {
    min_capacity = local.services[each.key].desired_count
    max_capacity = local.services[each.key].desired_count
  }

  depends_on = [aws_appautoscaling_scheduled_action.stop]
}
