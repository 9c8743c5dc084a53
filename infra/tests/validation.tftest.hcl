# Bad inputs are rejected by variable validation before anything is planned.
# (tests/infra/test_validation_messages.py asserts the message texts.)

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  domain            = "meet.example.com"
  route53_zone_id   = "Z0123456789"
  telemetry_package = { path = "telemetry.zip", hash = "bW9jaw==" }
}

run "unhealthy_threshold_of_one" {
  command = plan
  variables {
    health_check = { target_group = { unhealthy_threshold = 1 } }
  }
  expect_failures = [var.health_check]
}

run "budgets_not_ascending" {
  command = plan
  variables {
    budgets = { limits = [5, 20, 10] }
  }
  expect_failures = [var.budgets]
}

run "routes_same_priority" {
  command = plan
  variables {
    routes = {
      auth = { path_patterns = ["/auth/*"], priority = 10, port = 8001 }
      api  = { path_patterns = ["/api/v1/*"], priority = 10, port = 8004 }
    }
  }
  expect_failures = [var.routes]
}

run "routes_same_path" {
  command = plan
  variables {
    routes = {
      auth  = { path_patterns = ["/auth/*"], priority = 10, port = 8001 }
      auth2 = { path_patterns = ["/auth/*"], priority = 11, port = 8005 }
    }
  }
  expect_failures = [var.routes]
}

run "container_timeout_not_below_interval" {
  command = plan
  variables {
    health_check = { container = { interval = 10, timeout = 10 } }
  }
  expect_failures = [var.health_check]
}

run "target_group_timeout_not_below_interval" {
  command = plan
  variables {
    health_check = { target_group = { interval = 10, timeout = 10 } }
  }
  expect_failures = [var.health_check]
}

run "moving_image_tag" {
  command = plan
  variables {
    jitsi = { image = { tag = "stable" } }
  }
  expect_failures = [var.jitsi]
}

run "health_path_that_proves_nothing" {
  command = plan
  variables {
    health_check = { target_group = { path = "/health" } }
  }
  expect_failures = [var.health_check]
}

run "no_certificate_source" {
  command = plan
  variables {
    route53_zone_id = null
  }
  expect_failures = [var.route53_zone_id]
}

run "telemetry_without_package" {
  command = plan
  variables {
    telemetry_package = null
  }
  expect_failures = [var.telemetry_package]
}
