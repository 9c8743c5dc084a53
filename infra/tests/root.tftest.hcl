# The root module: composition of the modules, and outputs the CLI reads. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  domain            = "meet.example.com"
  route53_zone_id   = "Z0123456789"
  telemetry_package = { path = "telemetry.zip", hash = "bW9jaw==", handler = "jitsi_ecs.telemetry.lambda_handler.handler", runtime = "python3.12" }
  generated_secrets = { JICOFO_AUTH_PASSWORD = "test-only-jicofo-0123456789", JVB_AUTH_PASSWORD = "test-only-jvb-01234567890123", JWT_APP_SECRET = "test-only-jwt-01234567890123", TURN_CREDENTIALS = "test-only-turn-0123456789012" }
  auth_package      = { path = "auth.zip", hash = "bW9jaw==", architecture = "x86_64", handler = "jitsi_ecs.auth.handler.handler", runtime = "python3.12" }
}

run "composition_defaults" {
  command = apply

  assert {
    condition     = output.layout == "compact" && output.task_counts == { shard = { min = 1, max = 1 }, jvb = { min = 0, max = 2 } }
    error_message = "compact by default: one shard task, 0-2 bridges alone (1-3 in total)"
  }
  assert {
    condition     = output.url == "https://meet.example.com" && output.web_port == 8000 && output.log_group_name == "/ecs/jitsi-app"
    error_message = "URL, the rootless line's port 8000 and the log group"
  }
  assert {
    condition     = output.jicofo_url == "http://xmpp.jitsi.internal:8888"
    error_message = "where the telemetry function finds jicofo (verify reads the same output)"
  }
  assert {
    condition     = module.jitsi.image_registry == "ghcr.io/jitsi" && module.jitsi.bridge_relay == true
    error_message = "the maintained line (ghcr.io, stable-11146-2) by default; 1-3 bridges (the shard's and up to two alone): relays on"
  }
  assert {
    condition     = module.jitsi.nginx_keepalive_timeout > module.edge.idle_timeout && module.edge.idle_timeout == 120
    error_message = "nginx in web must keep idle connections longer than the ALB (120 s), or the ALB reuses closed ones (502)"
  }
  assert {
    condition     = output.deployment_alarm_names["shard"] == tolist(["jitsi-target-5xx", "jitsi-p99-latency"]) && output.deployment_alarm_names["jvb"] == tolist(["jitsi-bridges-not-joined"])
    error_message = "compact: the shard rolls back on its target group's own 5xx and p99 (never the ALB's 503 of the 0%/100% gap); bridges alone on a running bridge jicofo cannot use"
  }
  assert {
    condition     = toset(keys(output.budget_names)) == toset(["5", "10", "20", "40", "60"])
    error_message = "one budget per default limit"
  }
  assert {
    condition     = toset(values(output.alarm_names)) == toset(["jitsi-target-5xx", "jitsi-elb-5xx", "jitsi-unhealthy-hosts", "jitsi-p99-latency", "jitsi-no-healthy-target", "jitsi-bridge-stress", "jitsi-no-bridge", "jitsi-jicofo-unhealthy", "jitsi-bridges-not-joined", "jitsi-auth-errors"])
    error_message = "the five stack alarms, the three Jitsi telemetry alarms (no egress alarm without its threshold) and the /auth/ function's"
  }
  assert {
    condition     = length(output.quiet_hours_schedule_names) == 0
    error_message = "always on: nothing to quiet"
  }
  assert {
    condition     = output.log_bucket_name == null && output.flow_log_id == null
    error_message = "no log bucket, no flow logs unless the config asks (S3 and delivery cost per GB)"
  }

  # ---- turn is off by default
  assert {
    condition     = output.turn_host == null && output.turn_load_balancer_arn == null
    error_message = "no TURN server, load balancer or name unless jitsi.turn.enabled"
  }

  # ---- auth page by default
  assert {
    condition     = output.auth.url == "https://meet.example.com/auth/" && output.auth.provider == "cognito" && output.auth.user_pool_id != null
    error_message = "the /auth/ page with a Cognito user pool is part of the default stack"
  }
  assert {
    condition     = output.jwt_app_id == "jitsi" && output.jwt_secret_parameter_name == "/jitsi/jwt_app_secret" && output.auth_type == "jwt"
    error_message = "link finds the token settings in the outputs"
  }
  assert {
    condition     = module.auth[0].adot_layer_arn == null
    error_message = "no ADOT layer unless the target supplies one"
  }
  assert {
    condition     = module.jitsi.token_auth_url == "https://meet.example.com/auth/?room={room}"
    error_message = "the host who opens the plain room link logs in at /auth/, which takes the room back"
  }
}

run "request_and_flow_logs_share_one_private_bucket" {
  command = apply

  variables {
    alb     = { access_logs = true, deletion_protection = true }
    network = { flow_logs = true }
  }

  assert {
    condition     = output.log_bucket_name == module.log_bucket[0].bucket && module.edge.access_logs_bucket == output.log_bucket_name
    error_message = "the ALB writes its request logs to the stack's log bucket"
  }
  assert {
    condition     = output.flow_log_id != null
    error_message = "network.flow_logs adds the VPC's flow log"
  }
}

# A bucket an earlier `jitsi-ecs down` kept is imported, not created anew ("bucket exists");
# with no log bucket in the config there is nothing to import it into, and nothing fails.
run "a_kept_log_bucket_is_imported" {
  command = plan

  variables {
    alb             = { access_logs = true }
    kept_log_bucket = "jitsi-logs-123456789012-us-west-2"
  }

  assert {
    condition     = local.log_bucket_imports == toset(["jitsi-logs-123456789012-us-west-2"])
    error_message = "the kept bucket and its five settings are imported (infra/main.tf)"
  }
}

run "a_kept_log_bucket_without_logs_in_the_config_is_left_alone" {
  command = plan

  variables {
    kept_log_bucket = "jitsi-logs-123456789012-us-west-2"
  }

  assert {
    condition     = length(local.log_bucket_imports) == 0 && length(module.log_bucket) == 0
    error_message = "no log bucket in the config: no import (down --delete-logs deletes the kept one)"
  }
}

run "growth_layout" {
  command = apply

  variables {
    jitsi = { layout = "growth" }
  }

  assert {
    condition     = output.task_counts == { web = { min = 2, max = 2 }, xmpp = { min = 1, max = 1 }, jvb = { min = 1, max = 3 } }
    error_message = "growth: web 2 across the AZs, one signaling task, bridges 1-3"
  }
  assert {
    condition     = output.deployment_alarm_names["web"] == tolist(["jitsi-target-5xx", "jitsi-elb-5xx"])
    error_message = "web deployments roll back on the target and ELB 5xx alarms"
  }
  assert {
    condition     = contains(keys(output.alarm_names), "xmpp-not-running") && contains(keys(output.alarm_names), "jvb-not-running")
    error_message = "services the ALB does not see are watched through their CPU samples"
  }
}

run "office_hours_quiet_the_availability_alarms" {
  command = apply

  variables {
    jitsi             = { schedule = { days = "MON-FRI", start_hour = 8, stop_hour = 18 } }
    egress_alarm_kbps = 7000
  }

  assert {
    condition     = length(output.quiet_hours_schedule_names) == 4
    error_message = "alarm actions off and on, telemetry rule off and on"
  }
  assert {
    condition     = toset(jsondecode(module.quiet_hours[0].calls_input["alarms-off"]).AlarmNames) == toset(["jitsi-no-healthy-target", "jitsi-no-bridge", "jitsi-jicofo-unhealthy"])
    error_message = "only the alarms a sleeping stack would trip go quiet"
  }
  assert {
    condition     = contains(keys(output.alarm_names), "media-egress")
    error_message = "the egress alarm exists once its threshold is known"
  }
}

# Growth and an operator service asleep at night: every availability alarm goes quiet, the
# growth services' not-running alarms and the service's no-healthy-target alarm included.
run "office_hours_quiet_growth_and_operator_services" {
  command = apply

  variables {
    jitsi             = { layout = "growth", schedule = { days = "MON-FRI", start_hour = 8, stop_hour = 18 } }
    egress_alarm_kbps = 7000
    services = {
      api = {
        image         = "public.ecr.aws/nginx/nginx:1.27.3"
        port          = 8004
        path_patterns = ["/api/v1/*"]
        priority      = 40
        health_path   = "/api/v1/health"
      }
    }
  }

  assert {
    condition = toset(jsondecode(module.quiet_hours[0].calls_input["alarms-off"]).AlarmNames) == toset([
      "jitsi-no-healthy-target", "jitsi-xmpp-not-running", "jitsi-jvb-not-running",
      "jitsi-no-bridge", "jitsi-jicofo-unhealthy", "jitsi-api-no-healthy-target",
    ])
    error_message = "every alarm a sleeping stack would trip goes quiet, and only those"
  }
  assert {
    condition     = output.alarm_names["api-no-healthy-target"] == "jitsi-api-no-healthy-target"
    error_message = "the operator service's outage alarm is one verify and the alarm drill see"
  }
}

run "root_image_line_stays_selectable" {
  command = apply

  variables {
    jitsi = { image = { tag = "stable-11031" } }
  }

  assert {
    condition     = output.web_port == 80 && module.jitsi.image_registry == "docker.io/jitsi"
    error_message = "stable-11031 pulls from Docker Hub and serves web on 80"
  }
}

run "relay_when_more_than_one_bridge_runs" {
  command = apply

  variables {
    jitsi = { layout = "growth", jvb = { autoscaling = { min_count = 2, max_count = 2 } } }
  }

  assert {
    condition     = module.jitsi.bridge_relay
    error_message = "two bridges: one meeting must be able to span them"
  }
}

run "no_relay_with_the_shard_s_bridge_alone" {
  command = apply

  variables {
    jitsi = { jvb = { autoscaling = { min_count = 1, max_count = 1 } } }
  }

  assert {
    condition     = !module.jitsi.bridge_relay && output.task_counts == { shard = { min = 1, max = 1 } }
    error_message = "compact with one bridge (the shard's): nothing to relay to"
  }
}

run "turn_on" {
  command = apply

  variables {
    jitsi = { turn = { enabled = true } }
  }

  override_resource {
    target = module.turn[0].module.domain.aws_acm_certificate.this
    values = {
      arn = "arn:aws:acm:us-west-2:123456789012:certificate/turn-mock"
      domain_validation_options = [{
        domain_name           = "turn.meet.example.com"
        resource_record_name  = "_x.turn.meet.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_y.acm-validations.aws."
      }]
    }
  }

  assert {
    condition     = output.turn_host == "turn.meet.example.com" && output.turn_port == 443 && output.turn_load_balancer_arn != null && output.turn_service_name == "turn"
    error_message = "TURN on turn.<domain>, behind its own load balancer"
  }
}

run "telemetry_can_be_turned_off" {
  command = apply

  variables {
    telemetry         = { enabled = false }
    telemetry_package = null
  }

  assert {
    condition     = output.telemetry_function_name == null && length(output.alarm_names) == 6 && length(output.service_secret_parameters) == 0 && length(output.deployment_alarm_names["jvb"]) == 0
    error_message = "no telemetry function or Jitsi alarms when telemetry is off (and so no bridge deployment alarm)"
  }
}

run "operator_services_join_every_output_the_cli_reads" {
  command = apply

  variables {
    services = {
      api = {
        image         = "public.ecr.aws/nginx/nginx:1.27.3"
        port          = 8004
        path_patterns = ["/api/v1/*"]
        priority      = 40
        desired_count = 2
        health_path   = "/api/v1/health"
        secrets       = ["API_KEY"]
      }
      stream = {
        image         = "public.ecr.aws/nginx/nginx:1.27.3"
        port          = 8002
        path_patterns = ["/stream/*"]
        priority      = 20
      }
    }
  }

  assert {
    condition     = output.service_names == { shard = "shard", jvb = "jvb", api = "api", stream = "stream" }
    error_message = "status, verify and the drills find the services next to Jitsi's"
  }
  assert {
    condition     = output.task_counts["api"] == { min = 2, max = 2 } && output.task_counts["stream"] == { min = 1, max = 1 } && output.task_counts["shard"] == { min = 1, max = 1 }
    error_message = "each service's task count"
  }
  assert {
    condition     = output.service_containers["api"] == ["api"] && output.log_stream_prefixes["api"] == "api" && output.log_stream_prefixes["prosody"] == "prosody"
    error_message = "one container per service, logging under its own prefix"
  }
  assert {
    condition = (join(",", output.deployment_alarm_names["api"]) == "jitsi-api-p99-latency,jitsi-api-target-5xx,jitsi-api-unhealthy-hosts" &&
    output.deployment_alarm_names["shard"] == tolist(["jitsi-target-5xx", "jitsi-p99-latency"]))
    error_message = "each service rolls back on its own target group's alarms; Jitsi's keep theirs"
  }
  assert {
    condition = (output.alarm_names["api-target-5xx"] == "jitsi-api-target-5xx" &&
      output.alarm_names["stream-unhealthy-hosts"] == "jitsi-stream-unhealthy-hosts" &&
      output.alarm_names["stream-no-healthy-target"] == "jitsi-stream-no-healthy-target" &&
    length(output.alarm_names) == 10 + 2 * 4)
    error_message = "four target group alarms per service join the stack's ten"
  }
  assert {
    condition     = output.service_secret_parameters == { api = { API_KEY = "/jitsi/api/API_KEY" }, stream = {} }
    error_message = "`jitsi-ecs secret set` finds each parameter by name"
  }
  assert {
    condition     = toset(keys(output.service_target_group_arns)) == toset(["api", "stream"]) && toset(keys(output.task_definition_arns)) == toset(["api", "jvb", "shard", "stream"])
    error_message = "target groups and task definitions of the services"
  }
  assert {
    condition     = module.services["api"].listener_rule_arn != null && module.services["api"].task_role_arn != null
    error_message = "each service has its listener rule and task role"
  }
}

run "auth_page_can_be_turned_off" {
  command = apply

  variables {
    auth         = { enabled = false }
    auth_package = null
  }

  assert {
    condition     = output.auth == null && !contains(keys(output.alarm_names), "auth-errors") && module.jitsi.token_auth_url == null
    error_message = "auth.enabled = false: no page, no function, no alarm, no TOKEN_AUTH_URL"
  }
}
