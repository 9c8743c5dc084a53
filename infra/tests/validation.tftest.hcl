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
  telemetry_package = { path = "telemetry.zip", hash = "bW9jaw==", handler = "jitsi_ecs.telemetry.lambda_handler.handler", runtime = "python3.12" }
  generated_secrets = { JICOFO_AUTH_PASSWORD = "test-only-jicofo_auth_password-0123456789", JVB_AUTH_PASSWORD = "test-only-jvb_auth_password-0123456789", JWT_APP_SECRET = "test-only-jwt_app_secret-0123456789", TURN_CREDENTIALS = "test-only-turn_credentials-0123456789" }
  auth_package      = { path = "auth.zip", hash = "bW9jaw==", architecture = "x86_64", handler = "jitsi_ecs.auth.handler.handler", runtime = "python3.12" }
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

run "service_health_path_shell" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, health_path = "/up;touch$${IFS}/tmp/x" } }
  }
  expect_failures = [var.services]
}

run "mfa_off" {
  command = plan
  variables {
    auth = { mfa = "off" }
  }
  expect_failures = [var.auth]
}

run "service_egress_all" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, egress = ["all:0:0.0.0.0/0"] } }
  }
  expect_failures = [var.services]
}

run "service_egress_ports_reversed" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, egress = ["tcp:90-80:10.42.0.0/16"] } }
  }
  expect_failures = [var.services]
}

run "service_egress_port_too_high" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, egress = ["udp:70000:0.0.0.0/0"] } }
  }
  expect_failures = [var.services]
}

run "service_egress_cidr_not_canonical" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, egress = ["tcp:5432:10.42.0.1/16"] } }
  }
  expect_failures = [var.services]
}

run "service_health_path_substitution" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, health_path = "/$(id)" } }
  }
  expect_failures = [var.services]
}

run "service_health_path_query" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, health_path = "/up?x=1 &" } }
  }
  expect_failures = [var.services]
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

run "services_same_priority" {
  command = plan
  variables {
    services = { stream = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/stream/*"], priority = 10 }, api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 10 } }
  }
  expect_failures = [var.services]
}

run "services_same_path" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40 }, api2 = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 41 } }
  }
  expect_failures = [var.services]
}

run "service_relative_path" {
  command = plan
  variables {
    services = { x = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["api/*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_bad_name" {
  command = plan
  variables {
    services = { Api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_named_like_jitsi" {
  command = plan
  variables {
    services = { web = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_priority_kept_for_the_tool" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 5 } }
  }
  expect_failures = [var.services]
}

run "service_takes_the_root" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_takes_bosh" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/http-bind"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_takes_xmpp_websocket" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/xmpp-*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_takes_colibri_ws" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/colibri-ws/*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_takes_config_js" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/*", "/config.js"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_takes_static_files" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/libs/api/*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_latest_image" {
  command = plan
  variables {
    services = { api = { image = "nginx:latest", port = 8004, path_patterns = ["/api/v1/*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_untagged_image" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx", port = 8004, path_patterns = ["/api/v1/*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_fargate_size" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, cpu = 256, memory = 4096 } }
  }
  expect_failures = [var.services]
}

run "service_secret_not_an_env_name" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, secrets = ["api-key"] } }
  }
  expect_failures = [var.services]
}

run "service_secret_also_in_environment" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, secrets = ["API_KEY"], environment = { API_KEY = "x" } } }
  }
  expect_failures = [var.services]
}

run "service_secret_in_plain_environment" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, environment = { DB_PASSWORD = "hunter2" } } }
  }
  expect_failures = [var.services]
}

run "service_spot_on_arm" {
  command = plan
  variables {
    jitsi    = { cpu_architecture = "ARM64" }
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40, spot = true } }
  }
  expect_failures = [var.services]
}

run "service_name_too_long_for_a_target_group" {
  command = plan
  variables {
    name     = "a-twenty-char-stack1"
    services = { an-api-of-twenty-one1 = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 40 } }
  }
  expect_failures = [var.services]
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

run "hsts_negative" {
  command = plan
  variables {
    alb = { hsts_max_age = -1 }
  }
  expect_failures = [var.alb]
}

run "hsts_beyond_two_years" {
  command = plan
  variables {
    alb = { hsts_max_age = 63072001 }
  }
  expect_failures = [var.alb]
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

run "login_rate_limit_below_waf_minimum" {
  command = plan
  variables {
    auth = { login_rate_limit = 9 }
  }
  expect_failures = [var.auth]
}

run "login_rate_limit_with_oidc" {
  command = plan
  variables {
    auth = { login_rate_limit = 100, provider = "oidc", oidc = { issuer = "https://idp.example.com", authorization_endpoint = "https://idp.example.com/a", token_endpoint = "https://idp.example.com/t", user_info_endpoint = "https://idp.example.com/u", client_id = "x", client_secret_parameter = "/x" } }
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
    auth = { token_ttl_hours = 25 }
  }
  expect_failures = [var.auth]
}

run "service_takes_auth_path" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/auth/*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_takes_auth_page_by_wildcard" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/a*"], priority = 40 } }
  }
  expect_failures = [var.services]
}

run "service_takes_auth_priority" {
  command = plan
  variables {
    services = { api = { image = "public.ecr.aws/nginx/nginx:1.27.3", port = 8004, path_patterns = ["/api/v1/*"], priority = 1 } }
  }
  expect_failures = [var.services]
}

run "bad_jwt_app_id" {
  command = plan
  variables {
    jitsi = { jwt_app_id = "my app" }
  }
  expect_failures = [var.jitsi]
}

run "arm64_on_spot" {
  command = plan
  variables {
    jitsi = { web = { spot = true } }
  }
  expect_failures = [var.jitsi]
}

run "arm64_bridges_on_spot" {
  command = plan
  variables {
    jitsi = { cpu_architecture = "ARM64", jvb = { spot = true } }
  }
  expect_failures = [var.jitsi]
}

run "autoscaling_min_above_max" {
  command = plan
  variables {
    jitsi = { jvb = { autoscaling = { min_count = 4, max_count = 2 } } }
  }
  expect_failures = [var.jitsi]
}

run "target_stress_above_1" {
  command = plan
  variables {
    jitsi = { jvb = { autoscaling = { target_stress = 1.5 } } }
  }
  expect_failures = [var.jitsi]
}

run "bad_layout" {
  command = plan
  variables {
    jitsi = { layout = "big" }
  }
  expect_failures = [var.jitsi]
}

run "shard_too_small_for_memory" {
  command = plan
  variables {
    jitsi = { shard = { cpu = 256, memory = 3072 } }
  }
  expect_failures = [var.jitsi]
}

run "shard_cannot_hold_its_memory_budget" {
  command = plan
  variables {
    jitsi = { shard = { cpu = 512, memory = 2048 } }
  }
  expect_failures = [var.jitsi]
}

run "bridge_cannot_hold_its_memory_budget" {
  command = plan
  variables {
    jitsi = { jvb = { cpu = 512, memory = 1024 } }
  }
  expect_failures = [var.jitsi]
}

run "signaling_cannot_hold_its_memory_budget" {
  command = plan
  variables {
    jitsi = { layout = "growth", xmpp = { cpu = 256, memory = 512 } }
  }
  expect_failures = [var.jitsi]
}

run "one_stun_server" {
  command = plan
  variables {
    jitsi = { jvb = { stun_servers = ["stun.l.google.com:19302"] } }
  }
  expect_failures = [var.jitsi]
}

run "stun_server_with_scheme" {
  command = plan
  variables {
    jitsi = { jvb = { stun_servers = ["stun.l.google.com:19302", "stun:x.org:3478"] } }
  }
  expect_failures = [var.jitsi]
}

run "short_image_digest" {
  command = plan
  variables {
    jitsi = { image = { digests = { web = "sha256:abc" } } }
  }
  expect_failures = [var.jitsi]
}

run "digest_for_unknown_image" {
  command = plan
  variables {
    jitsi = { image = { digests = { webb = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } } }
  }
  expect_failures = [var.jitsi]
}

run "turn_without_certificate" {
  command = plan
  variables {
    jitsi           = { turn = { enabled = true } }
    route53_zone_id = null
    certificate_arn = "arn:c"
  }
  expect_failures = [var.jitsi]
}

run "turn_image_by_moving_tag" {
  command = plan
  variables {
    jitsi = { turn = { image = "coturn/coturn:latest" } }
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
