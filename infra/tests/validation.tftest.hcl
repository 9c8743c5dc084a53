# GENERATED from tests/bad_configs.py by `python -m tests.infra.validation_cases`: do not edit.
# Every bad input the CLI refuses is refused here too, by variable validation, before anything
# is planned. (Cases Terraform cannot see, such as unknown keys its object types drop, and
# values refused by type conversion, are listed in tests/bad_configs.py with the reason.)

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  domain            = "meet.example.com"
  route53_zone_id   = "Z0123456789"
  telemetry_package = { path = "telemetry.zip", hash = "bW9jaw==" }
  auth_package      = { path = "auth.zip", hash = "bW9jaw==", architecture = "x86_64" }
}

run "domain_with_scheme" {
  command = plan
  variables {
    domain = "https://meet.example.com"
  }
  expect_failures = [var.domain]
}

run "domain_with_path" {
  command = plan
  variables {
    domain = "meet.example.com/x"
  }
  expect_failures = [var.domain]
}

run "bad_alarm_email" {
  command = plan
  variables {
    alarms = { emails = ["ops-at-example.com"] }
  }
  expect_failures = [var.alarms]
}

run "bad_budget_email" {
  command = plan
  variables {
    budgets = { emails = ["x@y"] }
  }
  expect_failures = [var.budgets]
}

run "eleven_budget_emails" {
  command = plan
  variables {
    budgets = { emails = ["a0@example.com", "a1@example.com", "a2@example.com", "a3@example.com", "a4@example.com", "a5@example.com", "a6@example.com", "a7@example.com", "a8@example.com", "a9@example.com", "a10@example.com"] }
  }
  expect_failures = [var.budgets]
}

run "unhealthy_threshold_1" {
  command = plan
  variables {
    health_check = { target_group = { unhealthy_threshold = 1 } }
  }
  expect_failures = [var.health_check]
}

run "container_interval_400" {
  command = plan
  variables {
    health_check = { container = { interval = 400 } }
  }
  expect_failures = [var.health_check]
}

run "container_timeout_not_below_interval" {
  command = plan
  variables {
    health_check = { container = { interval = 10, timeout = 10 } }
  }
  expect_failures = [var.health_check]
}

run "tg_timeout_not_below_interval" {
  command = plan
  variables {
    health_check = { target_group = { interval = 6, timeout = 6 } }
  }
  expect_failures = [var.health_check]
}

run "health_path_health" {
  command = plan
  variables {
    health_check = { target_group = { path = "/health" } }
  }
  expect_failures = [var.health_check]
}

run "health_path_relative" {
  command = plan
  variables {
    health_check = { target_group = { path = "index.html" } }
  }
  expect_failures = [var.health_check]
}

run "grace_too_short" {
  command = plan
  variables {
    health_check = { grace_period = 30 }
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

run "budgets_duplicate" {
  command = plan
  variables {
    budgets = { limits = [5, 5] }
  }
  expect_failures = [var.budgets]
}

run "budget_zero" {
  command = plan
  variables {
    budgets = { limits = [0, 5] }
  }
  expect_failures = [var.budgets]
}

run "budgets_empty" {
  command = plan
  variables {
    budgets = { limits = [] }
  }
  expect_failures = [var.budgets]
}

run "routes_same_priority" {
  command = plan
  variables {
    routes = { stream = { path_patterns = ["/stream/*"], priority = 10, port = 8002 }, api = { path_patterns = ["/api/v1/*"], priority = 10, port = 8004 } }
  }
  expect_failures = [var.routes]
}

run "routes_same_path" {
  command = plan
  variables {
    routes = { api = { path_patterns = ["/api/*"], priority = 10, port = 8001 }, api2 = { path_patterns = ["/api/*"], priority = 11, port = 8005 } }
  }
  expect_failures = [var.routes]
}

run "route_relative_path" {
  command = plan
  variables {
    routes = { x = { path_patterns = ["auth/*"], priority = 2, port = 8001 } }
  }
  expect_failures = [var.routes]
}

run "route_bad_name" {
  command = plan
  variables {
    routes = { Api = { path_patterns = ["/api/*"], priority = 2, port = 8001 } }
  }
  expect_failures = [var.routes]
}

run "route_priority_0" {
  command = plan
  variables {
    routes = { x = { path_patterns = ["/x/*"], priority = 0, port = 8001 } }
  }
  expect_failures = [var.routes]
}

run "moving_image_tag" {
  command = plan
  variables {
    jitsi = { image = { tag = "stable" } }
  }
  expect_failures = [var.jitsi]
}

run "latest_image_tag" {
  command = plan
  variables {
    jitsi = { image = { tag = "latest" } }
  }
  expect_failures = [var.jitsi]
}

run "bad_fargate_cpu" {
  command = plan
  variables {
    jitsi = { jvb = { cpu = 300 } }
  }
  expect_failures = [var.jitsi]
}

run "memory_out_of_range" {
  command = plan
  variables {
    jitsi = { web = { cpu = 256, memory = 4096 } }
  }
  expect_failures = [var.jitsi]
}

run "memory_between_steps" {
  command = plan
  variables {
    jitsi = { xmpp = { cpu = 512, memory = 1536 } }
  }
  expect_failures = [var.jitsi]
}

run "bad_architecture" {
  command = plan
  variables {
    jitsi = { cpu_architecture = "arm" }
  }
  expect_failures = [var.jitsi]
}

run "desired_count_0" {
  command = plan
  variables {
    jitsi = { web = { desired_count = 0 } }
  }
  expect_failures = [var.jitsi]
}

run "udp_port_80" {
  command = plan
  variables {
    jitsi = { jvb = { udp_port = 80 } }
  }
  expect_failures = [var.jitsi]
}

run "schedule_stop_24" {
  command = plan
  variables {
    jitsi = { schedule = { stop_hour = 24 } }
  }
  expect_failures = [var.jitsi]
}

run "schedule_backwards" {
  command = plan
  variables {
    jitsi = { schedule = { start_hour = 19, stop_hour = 7 } }
  }
  expect_failures = [var.jitsi]
}

run "schedule_bad_days" {
  command = plan
  variables {
    jitsi = { schedule = { days = "weekdays" } }
  }
  expect_failures = [var.jitsi]
}

run "bad_retention" {
  command = plan
  variables {
    observability = { log_retention_days = 10 }
  }
  expect_failures = [var.observability]
}

run "adot_unknown_container" {
  command = plan
  variables {
    observability = { adot_containers = ["nginx"] }
  }
  expect_failures = [var.observability]
}

run "alarm_period_45" {
  command = plan
  variables {
    alarms = { period = 45 }
  }
  expect_failures = [var.alarms]
}

run "telemetry_bad_schedule" {
  command = plan
  variables {
    telemetry = { schedule_expression = "every minute" }
  }
  expect_failures = [var.telemetry]
}

run "bad_region" {
  command = plan
  variables {
    region = "mars-1"
  }
  expect_failures = [var.region]
}

run "bad_name" {
  command = plan
  variables {
    name = "Jitsi_Prod"
  }
  expect_failures = [var.name]
}

run "tls_1_0_policy" {
  command = plan
  variables {
    ssl_policy = "ELBSecurityPolicy-TLS13-1-0-2021-06"
  }
  expect_failures = [var.ssl_policy]
}

run "tls_1_1_policy" {
  command = plan
  variables {
    ssl_policy = "ELBSecurityPolicy-TLS13-1-1-2021-06"
  }
  expect_failures = [var.ssl_policy]
}

run "cidr_not_a_cidr" {
  command = plan
  variables {
    network = { cidr = "banana" }
  }
  expect_failures = [var.network]
}

run "cidr_too_small" {
  command = plan
  variables {
    network = { cidr = "10.42.0.0/26" }
  }
  expect_failures = [var.network]
}

run "cidr_host_bits" {
  command = plan
  variables {
    network = { cidr = "10.42.1.0/16" }
  }
  expect_failures = [var.network]
}

run "az_count_5" {
  command = plan
  variables {
    network = { az_count = 5 }
  }
  expect_failures = [var.network]
}

run "existing_vpc_without_subnets" {
  command = plan
  variables {
    network = { vpc_id = "vpc-1" }
  }
  expect_failures = [var.network]
}

run "stress_threshold_0" {
  command = plan
  variables {
    telemetry = { stress_threshold = 0 }
  }
  expect_failures = [var.telemetry]
}

run "oidc_without_settings" {
  command = plan
  variables {
    auth = { provider = "oidc" }
  }
  expect_failures = [var.auth]
}

run "oidc_plain_http_issuer" {
  command = plan
  variables {
    auth = { provider = "oidc", oidc = { issuer = "http://idp.example.com", authorization_endpoint = "https://idp.example.com/a", token_endpoint = "https://idp.example.com/t", user_info_endpoint = "https://idp.example.com/u", client_id = "x", client_secret_parameter = "/x" } }
  }
  expect_failures = [var.auth]
}

run "auth_without_jwt" {
  command = plan
  variables {
    jitsi = { auth_type = "none" }
  }
  expect_failures = [var.auth]
}

run "token_ttl_too_long" {
  command = plan
  variables {
    auth = { token_ttl_hours = 721 }
  }
  expect_failures = [var.auth]
}

run "route_takes_auth_path" {
  command = plan
  variables {
    routes = { api = { path_patterns = ["/auth/*"], priority = 2, port = 8001 } }
  }
  expect_failures = [var.auth]
}

run "route_takes_auth_priority" {
  command = plan
  variables {
    routes = { api = { path_patterns = ["/api/*"], priority = 1, port = 8001 } }
  }
  expect_failures = [var.auth]
}

run "bad_jwt_app_id" {
  command = plan
  variables {
    jitsi = { jwt_app_id = "my app" }
  }
  expect_failures = [var.jitsi]
}

run "no_certificate_source" {
  command = plan
  variables {
    route53_zone_id = null
  }
  expect_failures = [var.route53_zone_id]
}
