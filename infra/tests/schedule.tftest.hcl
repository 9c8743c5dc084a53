# Module schedule: scale one ECS service to zero outside office hours. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name          = "jitsi-api"
  cluster_name  = "jitsi"
  service_name  = "api"
  desired_count = 2
}

run "no_schedule_no_resources" {
  command = apply

  module {
    source = "./modules/schedule"
  }

  assert {
    condition     = length(aws_appautoscaling_target.this) == 0 && output.resource_id == null
    error_message = "always on without a schedule"
  }
}

run "office_hours" {
  command = apply

  module {
    source = "./modules/schedule"
  }

  variables {
    schedule = { days = "MON-FRI", start_hour = 7, stop_hour = 19 }
  }

  assert {
    condition     = aws_appautoscaling_target.this[0].resource_id == "service/jitsi/api" && aws_appautoscaling_target.this[0].min_capacity == 2 && aws_appautoscaling_target.this[0].max_capacity == 2
    error_message = "the service's desired count, pinned (min = max)"
  }
  assert {
    condition = (aws_appautoscaling_scheduled_action.stop[0].schedule == "cron(0 19 ? * MON-FRI *)" &&
      aws_appautoscaling_scheduled_action.stop[0].scalable_target_action[0].max_capacity == "0" &&
      aws_appautoscaling_scheduled_action.start[0].schedule == "cron(0 7 ? * MON-FRI *)" &&
    aws_appautoscaling_scheduled_action.start[0].scalable_target_action[0].max_capacity == "2")
    error_message = "to zero at 19:00 UTC, back to 2 at 07:00 UTC, on weekdays"
  }
}
