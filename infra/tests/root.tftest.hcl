# The root module: composition of the modules, and outputs the CLI reads. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  domain            = "meet.example.com"
  route53_zone_id   = "Z0123456789"
  telemetry_package = { path = "telemetry.zip", hash = "bW9jaw==" }
  auth_package      = { path = "auth.zip", hash = "bW9jaw==", architecture = "x86_64" }
}

run "composition_defaults" {
  command = apply

  assert {
    condition     = output.desired_counts == { web = 3, xmpp = 1, jvb = 1 }
    error_message = "web 3, xmpp 1 (one shard), jvb 1 by default"
  }
  assert {
    condition     = output.url == "https://meet.example.com" && output.web_port == 80 && output.log_group_name == "/ecs/jitsi-app"
    error_message = "URL, stable-11031 port 80 and the log group"
  }
  assert {
    condition     = output.deployment_alarm_names == ["jitsi-target-5xx", "jitsi-elb-5xx"]
    error_message = "deployments roll back on the target and ELB 5xx alarms"
  }
  assert {
    condition     = toset(keys(output.budget_names)) == toset(["5", "10", "20", "40", "60"])
    error_message = "one budget per default limit"
  }
  assert {
    condition     = toset(values(output.alarm_names)) == toset(["jitsi-target-5xx", "jitsi-elb-5xx", "jitsi-unhealthy-hosts", "jitsi-p99-latency", "jitsi-web-running-tasks", "jitsi-xmpp-running-tasks", "jitsi-jvb-running-tasks", "jitsi-bridge-stress", "jitsi-no-bridge", "jitsi-jicofo-unhealthy", "jitsi-auth-errors"])
    error_message = "the seven stack alarms, the three Jitsi telemetry alarms and the /auth/ function's"
  }
}

run "rootless_image_line" {
  command = apply

  variables {
    jitsi = { image = { tag = "stable-11146-2" } }
  }

  assert {
    condition     = output.web_port == 8000 && module.jitsi.image_registry == "ghcr.io/jitsi"
    error_message = "stable-11146+ pulls from ghcr.io and serves web on 8000"
  }
}

run "telemetry_can_be_turned_off" {
  command = apply

  variables {
    telemetry         = { enabled = false }
    telemetry_package = null
  }

  assert {
    condition     = output.telemetry_function_name == null && length(output.alarm_names) == 8
    error_message = "no telemetry function or Jitsi alarms when telemetry is off"
  }
}

run "auth_page_by_default" {
  command = apply

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
}

run "auth_page_can_be_turned_off" {
  command = apply

  variables {
    auth         = { enabled = false }
    auth_package = null
  }

  assert {
    condition     = output.auth == null && !contains(keys(output.alarm_names), "auth-errors")
    error_message = "auth.enabled = false: no page, no function, no alarm"
  }
}
