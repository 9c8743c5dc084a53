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
    condition     = toset(values(output.alarm_names)) == toset(["jitsi-target-5xx", "jitsi-elb-5xx", "jitsi-unhealthy-hosts", "jitsi-p99-latency", "jitsi-web-running-tasks", "jitsi-xmpp-running-tasks", "jitsi-jvb-running-tasks", "jitsi-bridge-stress", "jitsi-no-bridge", "jitsi-jicofo-unhealthy"])
    error_message = "the seven stack alarms and the three Jitsi telemetry alarms"
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
    condition     = output.telemetry_function_name == null && length(output.alarm_names) == 7 && output.service_secret_parameters == {}
    error_message = "no telemetry function or Jitsi alarms when telemetry is off"
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
    condition     = output.service_names == { web = "web", xmpp = "xmpp", jvb = "jvb", api = "api", stream = "stream" }
    error_message = "status, verify and the drills find the services next to Jitsi's"
  }
  assert {
    condition     = output.desired_counts == { web = 3, xmpp = 1, jvb = 1, api = 2, stream = 1 }
    error_message = "each service's desired count"
  }
  assert {
    condition     = output.service_containers["api"] == ["api"] && output.log_stream_prefixes["api"] == "api" && output.log_stream_prefixes["prosody"] == "prosody"
    error_message = "one container per service, logging under its own prefix"
  }
  assert {
    condition = (output.service_deployment_alarm_names["api"] == ["jitsi-api-p99-latency", "jitsi-api-target-5xx", "jitsi-api-unhealthy-hosts"] &&
    output.service_deployment_alarm_names["web"] == ["jitsi-target-5xx", "jitsi-elb-5xx"])
    error_message = "each service rolls back on its own target group's alarms; Jitsi's keep theirs"
  }
  assert {
    condition = (output.alarm_names["api-target-5xx"] == "jitsi-api-target-5xx" &&
      output.alarm_names["stream-unhealthy-hosts"] == "jitsi-stream-unhealthy-hosts" &&
      output.alarm_names["api-running-tasks"] == "jitsi-api-running-tasks" &&
    length(output.alarm_names) == 10 + 2 * 4)
    error_message = "three target group alarms and a running-tasks alarm per service join the stack's ten"
  }
  assert {
    condition     = output.service_secret_parameters == { api = { API_KEY = "/jitsi/api/API_KEY" }, stream = {} }
    error_message = "`jitsi-ecs secret set` finds each parameter by name"
  }
  assert {
    condition     = keys(output.service_target_group_arns) == ["api", "stream"] && keys(output.task_definition_arns) == ["api", "jvb", "stream", "web", "xmpp"]
    error_message = "target groups and task definitions of the services"
  }
  assert {
    condition     = module.services["api"].listener_rule_arn != null && module.services["api"].task_role_arn != null
    error_message = "each service has its listener rule and task role"
  }
}
