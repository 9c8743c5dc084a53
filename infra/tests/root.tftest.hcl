# The root module: composition of the modules, and outputs the CLI reads. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  domain            = "meet.example.com"
  route53_zone_id   = "Z0123456789"
  telemetry_package = { path = "telemetry.zip", hash = "bW9jaw==" }
}

run "composition_defaults" {
  command = apply

  assert {
    condition     = output.desired_counts == { web = 3, xmpp = 1, jvb = 1 }
    error_message = "web 3, xmpp 1 (one shard), jvb 1 by default"
  }
  assert {
    condition     = output.url == "https://meet.example.com" && output.web_port == 8000 && output.log_group_name == "/ecs/jitsi-app"
    error_message = "URL, the rootless line's port 8000 and the log group"
  }
  assert {
    condition     = module.jitsi.image_registry == "ghcr.io/jitsi" && module.jitsi.bridge_relay == false
    error_message = "the maintained line (ghcr.io, stable-11146-2) by default; one bridge needs no relay"
  }
  assert {
    condition     = module.jitsi.nginx_keepalive_timeout > module.edge.idle_timeout && module.edge.idle_timeout == 120
    error_message = "nginx in web must keep idle connections longer than the ALB (120 s), or the ALB reuses closed ones (502)"
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
    condition     = toset(values(output.alarm_names)) == toset(["jitsi-target-5xx", "jitsi-elb-5xx", "jitsi-unhealthy-hosts", "jitsi-p99-latency", "jitsi-web-running-tasks", "jitsi-xmpp-running-tasks", "jitsi-jvb-running-tasks", "jitsi-bridge-stress", "jitsi-no-bridge", "jitsi-jicofo-unhealthy"])
    error_message = "the seven stack alarms and the three Jitsi telemetry alarms"
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
    jitsi = { jvb = { desired_count = 2 } }
  }

  assert {
    condition     = module.jitsi.bridge_relay
    error_message = "two bridges: one meeting must be able to span them"
  }
}

run "turn_is_off_by_default" {
  command = apply

  assert {
    condition     = output.turn_host == null && output.turn_load_balancer_arn == null
    error_message = "no TURN server, load balancer or name unless jitsi.turn.enabled"
  }
}

run "turn_on" {
  command = apply

  variables {
    jitsi = { turn = { enabled = true } }
  }

  override_resource {
    target = module.turn[0].aws_acm_certificate.this
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
    condition     = output.turn_host == "turn.meet.example.com" && output.turn_load_balancer_arn != null && output.turn_service_name == "turn"
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
    condition     = output.telemetry_function_name == null && length(output.alarm_names) == 7
    error_message = "no telemetry function or Jitsi alarms when telemetry is off"
  }
}
