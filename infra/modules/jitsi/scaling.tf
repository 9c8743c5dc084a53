# Application Auto Scaling owns every service's task count (the ECS services ignore
# desired_count after creation): one place for the configured count, the bridges' range, and
# the office-hours schedule.
locals {
  # min/max while the stack is awake; fixed services have min = max.
  capacity = {
    for k, s in local.services : k => s.autoscaled ? {
      min = local.alone_min
      max = local.alone_max
      } : {
      min = s.desired_count
      max = s.desired_count
    }
  }
}

resource "aws_appautoscaling_target" "this" {
  for_each = local.services

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this[each.key].name}"
  min_capacity       = local.capacity[each.key].min
  max_capacity       = local.capacity[each.key].max
  tags               = var.tags
}

# Bridges follow the load: target tracking on their average Stress, the number the bridges
# themselves publish (Jitsi telemetry). A bridge with meetings is protected from scale-in by
# its own task (see the bridge's guard), so scaling in only removes empty bridges.
resource "aws_appautoscaling_policy" "bridges" {
  for_each = { for k, s in local.services : k => s if s.autoscaled }

  name               = "${var.name}-${each.key}-stress"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.jvb.autoscaling.target_stress
    scale_in_cooldown  = 600 # meetings come in waves; don't drop a bridge between two
    scale_out_cooldown = 120

    customized_metric_specification {
      namespace   = var.metric_namespace
      metric_name = "Stress"
      dimensions {
        name  = "Service"
        value = "jvb"
      }
      statistic = "Average"
    }
  }
}

# Scale to zero outside working hours: the cheapest lever for a team that meets by day.
# The stop action sets min = max = 0, so nothing else can start tasks at night.
resource "aws_appautoscaling_scheduled_action" "stop" {
  for_each = var.schedule == null ? {} : aws_appautoscaling_target.this

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
  for_each = var.schedule == null ? {} : aws_appautoscaling_target.this

  name               = "${var.name}-${each.key}-start"
  service_namespace  = each.value.service_namespace
  scalable_dimension = each.value.scalable_dimension
  resource_id        = each.value.resource_id
  schedule           = "cron(0 ${var.schedule.start_hour} ? * ${var.schedule.days} *)"
  timezone           = "UTC"

  scalable_target_action {
    min_capacity = local.capacity[each.key].min
    max_capacity = local.capacity[each.key].max
  }

  depends_on = [aws_appautoscaling_scheduled_action.stop]
}
