# Module jitsi: planned values for the plan's part and the FACTS.md corrections. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  guests                        = true
  name                          = "jitsi"
  region                        = "us-west-2"
  domain                        = "meet.example.com"
  image                         = { registry = "ghcr.io/jitsi", tag = "stable-11146-2", rootless = true }
  web_port                      = 8000
  alb_idle_timeout              = 120
  web_deployment_alarm_names    = ["jitsi-target-5xx", "jitsi-elb-5xx"]
  shard_deployment_alarm_names  = ["jitsi-target-5xx", "jitsi-p99-latency"]
  bridge_deployment_alarm_names = ["jitsi-bridges-not-joined"]
  vpc_id                        = "vpc-123"
  subnet_ids                    = ["subnet-a", "subnet-b"]
  alb_security_group_id         = "sg-alb"
  web_target_group_arn          = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/jitsi-web/0123456789abcdef"
  log_group_name                = "/ecs/jitsi-app"
  internal_domain               = "jitsi.internal"
  cpu_architecture              = "ARM64"
  auth_type                     = "jwt"
  jwt_app_id                    = "jitsi"
  layout                        = "compact"
  shard                         = { cpu = 512, memory = 3072 }
  web                           = { desired_count = 2, cpu = 256, memory = 512, spot = false }
  xmpp                          = { cpu = 512, memory = 1024 }
  jvb                           = { cpu = 1024, memory = 2048, udp_port = 10000, stun_servers = ["meet-jit-si-turnrelay.jitsi.net:443", "stun.l.google.com:19302"], spot = false, autoscaling = { min_count = 1, max_count = 3, target_stress = 0.6 } }
  schedule                      = null
  container_insights            = false
  metric_namespace              = "Jitsi"
  container_health_check        = { interval = 30, timeout = 5, retries = 3, start_period = 60 }
  health_check_grace_period     = 120
  secrets_version               = 1
  secret_values                 = { JICOFO_AUTH_PASSWORD = "test-only-jicofo", JVB_AUTH_PASSWORD = "test-only-jvb", JWT_APP_SECRET = "test-only-jwt" }
}

run "compact_one_task_per_shard" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  assert {
    condition     = toset(keys(aws_ecs_service.this)) == toset(["jvb", "shard"]) && join(",", [for c in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions) : c.name]) == "web,prosody,jicofo,jvb,guard"
    error_message = "compact: the shard's one task runs web, prosody, jicofo and a bridge (with its guard); more bridges run alone"
  }
  assert {
    condition = (aws_ecs_service.this["shard"].desired_count == 1 &&
      aws_ecs_service.this["shard"].deployment_minimum_healthy_percent == 0 &&
      aws_ecs_service.this["shard"].deployment_maximum_percent == 100 &&
    aws_ecs_service.this["shard"].launch_type == "FARGATE")
    error_message = "the shard runs prosody: exactly one task, deployed 0%/100%, never on Spot"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].dependsOn == [{ containerName = "prosody", condition = "HEALTHY" }]
    error_message = "the shard's web starts once prosody answers, so the new task joins the target group without /http-bind 502s (a target 5xx)"
  }
  assert {
    condition     = aws_appautoscaling_target.this["shard"].min_capacity == 1 && aws_appautoscaling_target.this["shard"].max_capacity == 1
    error_message = "nothing may scale the shard: min = max = 1"
  }
  assert {
    condition     = aws_appautoscaling_target.this["jvb"].min_capacity == 0 && aws_appautoscaling_target.this["jvb"].max_capacity == 2 && aws_ecs_service.this["jvb"].desired_count == 0
    error_message = "bridges in total 1-3: the shard's own plus 0-2 alone"
  }
  assert {
    condition = (aws_appautoscaling_policy.bridges["jvb"].target_tracking_scaling_policy_configuration[0].target_value == 0.6 &&
      aws_appautoscaling_policy.bridges["jvb"].target_tracking_scaling_policy_configuration[0].customized_metric_specification[0].metric_name == "Stress" &&
    aws_appautoscaling_policy.bridges["jvb"].target_tracking_scaling_policy_configuration[0].customized_metric_specification[0].namespace == "Jitsi")
    error_message = "bridges alone follow the bridges' average Stress"
  }
  assert {
    condition     = toset(aws_ecs_service.this["shard"].network_configuration[0].security_groups) == toset([aws_security_group.web.id, aws_security_group.xmpp.id, aws_security_group.jvb.id])
    error_message = "the shard gets the security groups of everything it runs"
  }
  assert {
    condition     = length(aws_ecs_service.this["shard"].load_balancer) == 1 && length(aws_ecs_service.this["jvb"].load_balancer) == 0
    error_message = "the ALB sends web traffic to the shard"
  }
  assert {
    condition     = toset(keys(aws_service_discovery_service.this)) == toset(["jvb", "xmpp"]) && output.bridge_dns_names == tolist(["jvb.jitsi.internal", "xmpp.jitsi.internal"])
    error_message = "bridges alone find prosody at xmpp.<ns>; telemetry finds the bridges at both names"
  }
  assert {
    condition = (output.deployment_alarm_names["shard"] == tolist(["jitsi-target-5xx", "jitsi-p99-latency"]) &&
      aws_ecs_service.this["shard"].alarms[0].enable && aws_ecs_service.this["shard"].alarms[0].rollback &&
      tolist(aws_ecs_service.this["shard"].alarms[0].alarm_names) == tolist(["jitsi-p99-latency", "jitsi-target-5xx"]) &&
    output.deployment_alarm_names["jvb"] == tolist(["jitsi-bridges-not-joined"]) && aws_ecs_service.this["jvb"].alarms[0].enable && aws_ecs_service.this["jvb"].alarms[0].rollback)
    error_message = "the shard rolls back on its target group's own 5xx and p99, which judge the new task (not the ALB's 503 while none is healthy); bridges alone on a running bridge jicofo cannot use"
  }
  assert {
    condition     = contains([for st in aws_ecs_cluster.this.setting : "${st.name}=${st.value}"], "containerInsights=disabled")
    error_message = "Container Insights off by default"
  }

  # ---- services safety nets
  assert {
    condition     = alltrue([for s in aws_ecs_service.this : s.deployment_circuit_breaker[0].enable && s.deployment_circuit_breaker[0].rollback])
    error_message = "every service needs the circuit breaker with rollback"
  }
  assert {
    condition     = alltrue([for s in aws_ecs_service.this : s.health_check_grace_period_seconds == 120])
    error_message = "grace period must be 120 s (60 s start period + 2 x 30 s checks)"
  }
  assert {
    condition     = alltrue([for s in aws_ecs_service.this : s.deployment_controller[0].type == "ECS"])
    error_message = "circuit breaker and deployment alarms need the ECS (rolling) controller"
  }

  # ---- containers checks secrets env
  assert {
    condition = alltrue(flatten([for t in aws_ecs_task_definition.this : [
      for c in jsondecode(t.container_definitions) :
      c.healthCheck.interval == 30 && c.healthCheck.timeout == 5 && c.healthCheck.retries == 3 && c.healthCheck.startPeriod == 60 if c.name != "guard"
    ]]))
    error_message = "every Jitsi container check must be 30 s / 5 s / 3 retries / 60 s start (the shard's non-essential bridge too)"
  }
  assert {
    condition     = strcontains(jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].healthCheck.command[1], "http://127.0.0.1:8000/ ")
    error_message = "web check must GET / on the nginx port (not /health)"
  }
  assert {
    condition     = strcontains(jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].healthCheck.command[1], "8080/about/health")
    error_message = "jvb check must use :8080/about/health"
  }
  assert {
    condition = alltrue(flatten([for t in aws_ecs_task_definition.this : [
      for c in jsondecode(t.container_definitions) : [
        for e in c.environment : !can(regex("PASSWORD|SECRET", e.name))
      ]
    ]]))
    error_message = "no password or secret may be in plain environment"
  }
  assert {
    condition     = toset([for s in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].secrets : s.name]) == toset(["JICOFO_AUTH_PASSWORD", "JVB_AUTH_PASSWORD", "JWT_APP_SECRET"])
    error_message = "prosody gets both component passwords and the JWT secret through ECS secrets"
  }
  assert {
    condition     = alltrue([for p in aws_ssm_parameter.secret : p.type == "SecureString" && p.value_wo_version == 1 && p.value_wo == null])
    error_message = "secrets must be SSM SecureString parameters written through value_wo (never in state)"
  }
  assert {
    condition = alltrue(flatten([for t in aws_ecs_task_definition.this : [
      for c in jsondecode(t.container_definitions) : [
        for e in c.environment : !contains(["ENABLE_COLIBRI_WEBSOCKET", "ENABLE_SCTP", "JICOFO_COMPONENT_SECRET"], e.name) && !can(regex("^(JVB_WS_|COLIBRI_WEBSOCKET_|JVB_TCP_)", e.name))
      ]
    ]]))
    error_message = "dead Jitsi variables must not be set"
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].environment : e.name => e.value }["XMPP_SERVER"] == "xmpp.jitsi.internal"
    error_message = "a bridge alone reaches prosody through its Cloud Map name (awsvpc has no links)"
  }
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[2].environment : e.name => e.value }["XMPP_SERVER"] == "127.0.0.1" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[3].environment : e.name => e.value }["XMPP_SERVER"] == "127.0.0.1"
    )
    error_message = "in the shard, jicofo and the bridge reach prosody on localhost (same task)"
  }
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name => e.value }["DISABLE_HTTPS"] == "1" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name => e.value }["ENABLE_HTTP_REDIRECT"] == "0" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name => e.value }["PUBLIC_URL"] == "https://meet.example.com" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name => e.value }["XMPP_BOSH_URL_BASE"] == "http://127.0.0.1:5280"
    )
    error_message = "web: TLS ends at the ALB, no redirect loop, PUBLIC_URL without path, BOSH to prosody in the same task"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].image == "ghcr.io/jitsi/web:stable-11146-2"
    error_message = "the image line given (the default): ghcr.io/jitsi at stable-11146-2"
  }
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].environment : e.name => e.value }["VIDEOBRIDGE_MAX_MEMORY"] == "1600m" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[3].environment : e.name => e.value }["VIDEOBRIDGE_MAX_MEMORY"] == "1472m" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[2].environment : e.name => e.value }["JICOFO_MAX_MEMORY"] == "512m" &&
      jsonencode(output.heaps) == jsonencode({ shard = { jicofo = 512, jvb = 1472 }, jvb = { jvb = 1600 } })
    )
    error_message = "JVM heaps are what the memory budget leaves (3 GB defaults OOM): a 3 GiB shard holds web, prosody, jicofo (512 MiB heap) and ~1.5 GB of bridge heap; a 2 GiB bridge 1600 MiB (tests/unit/test_memory.py: the same figures)"
  }
  # issue 21: JVB's REST APIs that neither the guard nor telemetry uses are off, on every bridge.
  assert {
    condition = alltrue([for svc in ["jvb", "shard"] : [
      for c in jsondecode(aws_ecs_task_definition.this[svc].container_definitions) :
      { for e in c.environment : e.name => e.value }["VIDEOBRIDGE_DEBUG_OPTIONS"] if c.name == "jvb"
    ] == ["-Dvideobridge.rest.debug.enabled=false -Dvideobridge.rest.drain.enabled=false"]])
    error_message = "every bridge runs with /debug and /colibri/drain off (jitsi_ecs.verify.jitsi.JVB_CLOSED_APIS, the same string)"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[2].dependsOn[0].condition == "HEALTHY"
    error_message = "jicofo waits for prosody HEALTHY"
  }

  # ---- jvb media path
  assert {
    condition = (aws_vpc_security_group_ingress_rule.media.ip_protocol == "udp" &&
      aws_vpc_security_group_ingress_rule.media.from_port == 10000 &&
    aws_vpc_security_group_ingress_rule.media.cidr_ipv4 == "0.0.0.0/0")
    error_message = "UDP 10000 must be open to participants"
  }
  assert {
    condition     = aws_ecs_service.this["jvb"].network_configuration[0].assign_public_ip && aws_ecs_service.this["shard"].network_configuration[0].assign_public_ip
    error_message = "each bridge needs its own public IP (STUN discovery)"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.media.security_group_id == aws_security_group.jvb.id && !contains([aws_vpc_security_group_ingress_rule.xmpp_from_jvb.security_group_id, aws_vpc_security_group_ingress_rule.bosh_from_web.security_group_id, aws_vpc_security_group_ingress_rule.web_from_alb.security_group_id], aws_security_group.jvb.id)
    error_message = "the only ingress rule of the jvb group is media: REST 8080 is never reachable"
  }
  assert {
    condition = (output.rest_ports == { jvb = 8080, jicofo = 8888 } && endswith(output.jicofo_url, ":8888") &&
    aws_security_group.jvb.description == "JVB: media UDP 10000 from anywhere; REST 8080 never exposed")
    error_message = "the images' REST ports, said once; the jvb group's description renders as before (a new one replaces the group)"
  }

  # ---- egress narrowed per group
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_egress_rule.this : r.ip_protocol != "-1"])
    error_message = "no Jitsi group sends every protocol everywhere"
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_egress_rule.this : r.from_port == 443 && r.to_port == 443 if r.ip_protocol == "tcp" && r.cidr_ipv4 == "0.0.0.0/0"])
    error_message = "TCP to the internet is HTTPS only"
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.this["jvb_xmpp"].referenced_security_group_id == aws_security_group.xmpp.id && aws_vpc_security_group_egress_rule.this["jvb_xmpp"].from_port == 5222 && aws_vpc_security_group_egress_rule.this["web_xmpp"].referenced_security_group_id == aws_security_group.xmpp.id && aws_vpc_security_group_egress_rule.this["web_xmpp"].from_port == 5280
    error_message = "bridges reach prosody on 5222 and web on 5280, to the signaling group only"
  }
  assert {
    condition     = length([for r in aws_vpc_security_group_egress_rule.this : r if r.ip_protocol == "udp" && r.security_group_id != aws_security_group.jvb.id]) == 0
    error_message = "only bridges send UDP (media, STUN, relays)"
  }

  # ---- one execution role reads the secrets
  assert {
    condition     = module.execution_role.name == "jitsi-execution" && alltrue([for t in aws_ecs_task_definition.this : t.execution_role_arn == module.execution_role.arn])
    error_message = "every service's tasks run with the one execution role, jitsi-execution"
  }
  assert {
    condition = (module.execution_role.secrets_policy.name == "read-jitsi-secrets" &&
      jsondecode(module.execution_role.secrets_policy.document).Statement[0].Action == ["ssm:GetParameters"] &&
    length(jsondecode(module.execution_role.secrets_policy.document).Statement[0].Resource) == length(aws_ssm_parameter.secret))
    error_message = "its read policy (read-jitsi-secrets) covers each Jitsi secret, with ssm:GetParameters only"
  }

  # ---- no adot by default
  assert {
    condition     = alltrue(flatten([for t in aws_ecs_task_definition.this : [for c in jsondecode(t.container_definitions) : [for e in c.environment : !startswith(e.name, "OTEL_")]]]))
    error_message = "no ADOT variables unless asked for (nginx, prosody and the Java bridges ignore them)"
  }
  assert {
    condition     = length(aws_iam_role_policy_attachment.task_adot) == 0
    error_message = "no ADOT policy unless asked for"
  }

  # ---- no levers by default
  assert {
    condition     = length(aws_appautoscaling_scheduled_action.stop) == 0 && alltrue([for s in aws_ecs_service.this : s.launch_type == "FARGATE"])
    error_message = "always on, on-demand Fargate by default"
  }

  # ---- only variables the images read:
  # tests/jitsi-env-<tag>.json lists the variables each image reads (docker-jitsi-meet templates
  # and s6 scripts at that tag; the JVM heaps are read by the Debian start scripts, TZ by libc,
  # S6_* by s6-overlay). The guard runs our script in the jvb image: it reads what guard.sh reads.
  assert {
    condition = alltrue(flatten([for t in aws_ecs_task_definition.this : [
      for c in jsondecode(t.container_definitions) : [
        for e in c.environment : contains(concat(
          jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).read[c.name],
          lookup(jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).extra, c.name, []),
          jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).extra["*"],
        ), e.name)
      ] if c.name != "guard"
    ]]))
    error_message = "a container sets an environment variable its Jitsi image never reads (at this tag)"
  }
  assert {
    condition     = alltrue([for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].environment : strcontains(file("${path.cwd}/modules/jitsi/guard.sh"), "${e.name}:-")])
    error_message = "the guard gets only variables guard.sh reads"
  }
  assert {
    condition     = !contains([for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name], "JWT_APP_ID") && contains([for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : e.name], "JWT_APP_ID")
    error_message = "JWT_APP_ID goes to prosody (which reads it), not to web (which does not)"
  }

  # ---- rootless line read only root and tmpfs:
  # ---------------------------------------------------------------- image line
  assert {
    condition = alltrue(flatten([for t in aws_ecs_task_definition.this : [
      for c in jsondecode(t.container_definitions) : c.readonlyRootFilesystem
    ]]))
    error_message = "every container of the rootless line runs on a read-only root"
  }
  assert {
    condition = alltrue(flatten([for t in aws_ecs_task_definition.this : [
      for c in jsondecode(t.container_definitions) : (
        { for m in c.linuxParameters.tmpfs : m.containerPath => m.mountOptions }["/run"] == ["exec", "nosuid", "nodev", "mode=1750", "uid=1000", "gid=1000"] &&
        { for m in c.linuxParameters.tmpfs : m.containerPath => m.mountOptions }["/tmp"] == ["noexec", "nosuid", "nodev", "mode=1777", "uid=1000", "gid=1000"] &&
        alltrue([for m in c.linuxParameters.tmpfs : m.size == 16])
      ) if c.name != "guard"
    ]]))
    error_message = "every Jitsi container gets tmpfs /run (exec) and /tmp, owned by uid 1000, 16 MiB each"
  }
  assert {
    condition     = contains([for m in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].linuxParameters.tmpfs : "${m.containerPath}:${join(",", m.mountOptions)}"], "/var/lib/prosody:noexec,nosuid,nodev,mode=0750,uid=1000,gid=1000")
    error_message = "prosody's data directory must be writable by uid 1000"
  }
  assert {
    condition = alltrue(flatten([for t in aws_ecs_task_definition.this : [
      for c in jsondecode(t.container_definitions) : !can(c.linuxParameters.initProcessEnabled) && !can(c.user)
    ]]))
    error_message = "s6-overlay must be PID 1 (no initProcessEnabled) and the images' own user (uid 1000) runs them"
  }

  # ---- keepalive and address discovery:
  # ---------------------------------------------------------------- media and web
  assert {
    condition     = tonumber({ for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name => e.value }["NGINX_KEEPALIVE_TIMEOUT"]) > var.alb_idle_timeout && output.nginx_keepalive_timeout > var.alb_idle_timeout
    error_message = "nginx must keep idle connections longer than the ALB, or the ALB reuses closed ones (502)"
  }
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].environment : e.name => e.value }["JVB_STUN_SERVERS"] == "meet-jit-si-turnrelay.jitsi.net:443,stun.l.google.com:19302" &&
      { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].environment : e.name => e.value }["JVB_REQUIRE_VALID_ADDRESS"] == "1" &&
      { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].environment : e.name => e.value }["JVB_ADVERTISE_PRIVATE_CANDIDATES"] == "0"
    )
    error_message = "every STUN server, health that fails without a public address, and no VPC addresses handed to participants"
  }

  # ---- bridge guard:
  # ---------------------------------------------------------------- bridges leave gracefully
  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].name == "guard" &&
      !jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].essential &&
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].entryPoint == ["/bin/sh", "-c"] &&
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].command == [file("${path.cwd}/modules/jitsi/guard.sh")]
    )
    error_message = "the guard is a non-essential container running guard.sh with sh"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].dependsOn == [{ containerName = "jvb", condition = "START" }]
    error_message = "the guard starts after jvb, so ECS stops it before jvb"
  }
  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].stopTimeout == 120 &&
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].stopTimeout == 120 &&
      tonumber({ for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].environment : e.name => e.value }["GUARD_STOP_SECONDS"]) < 120
    )
    error_message = "Fargate's longest stop timeout (120 s) for the bridge and its guard; the guard gives up before it"
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].environment : e.name => e.value }["SHUTDOWN_REST_ENABLED"] == "true" && { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].environment : e.name => e.value }["COLIBRI_REST_ENABLED"] == "true"
    error_message = "the guard's shutdown request needs JVB's shutdown and colibri REST APIs"
  }
  assert {
    condition = (
      aws_ecs_task_definition.this["jvb"].task_role_arn == aws_iam_role.task["jvb"].arn &&
      aws_ecs_task_definition.this["shard"].task_role_arn == aws_iam_role.task["shard"].arn &&
      aws_iam_role.task["jvb"].name == "jitsi-jvb-task" && aws_iam_role.task["shard"].name == "jitsi-shard-task" &&
      aws_iam_role_policy.task_protection["jvb"].role == aws_iam_role.task["jvb"].id &&
      jsondecode(aws_iam_role_policy.task_protection["jvb"].policy).Statement[0].Action == ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"] &&
      length(jsondecode(aws_iam_role_policy.task_protection["jvb"].policy).Statement) == 1 &&
      jsondecode(aws_iam_role_policy.task_protection["jvb"].policy).Statement[0].Resource == "arn:aws:ecs:us-west-2:123456789012:task/mock/*"
    )
    error_message = "each service its own task role; a bridge's may read and set scale-in protection, of this cluster's tasks"
  }
  assert {
    condition = (
      [for c in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions) : c.name] == ["web", "prosody", "jicofo", "jvb", "guard"] &&
      { for k, v in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[4] : k => v if k != "environment" } == { for k, v in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1] : k => v if k != "environment" } &&
      jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[3].stopTimeout == 120 &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[3].environment : e.name => e.value }["SHUTDOWN_REST_ENABLED"] == "true" &&
      aws_iam_role_policy.task_protection["shard"].role == aws_iam_role.task["shard"].id
    )
    error_message = "compact: the shard runs a bridge, so it runs the same guard beside it, and its role may protect it"
  }

  # ---- shard bridge stops fast and heals in place:
  # The shard's bridge shares its task with jicofo: stopping the task cannot move its meetings,
  # so its guard does not wait for them (GUARD_SHARD), and a bridge problem must not replace web
  # and signaling, so the bridge is not essential and ECS restarts it in place. Bridges alone
  # keep their graceful drain and are replaced with their task.
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[4].environment : e.name => e.value }["GUARD_SHARD"] == "1" &&
      { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].environment : e.name => e.value }["GUARD_SHARD"] == "0"
    )
    error_message = "the shard's guard stops at once and heals its bridge (GUARD_SHARD=1); a bridge alone's drains (0)"
  }
  assert {
    condition = (
      !jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[3].essential &&
      jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[3].restartPolicy == { enabled = true, restartAttemptPeriod = 60 } &&
      alltrue([for c in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions) : c.essential if contains(["web", "prosody", "jicofo"], c.name)])
    )
    error_message = "in the shard the bridge is not essential and ECS restarts it in place; web, prosody and jicofo stay essential"
  }
  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].essential &&
      !can(jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].restartPolicy)
    )
    error_message = "a bridge alone stays essential: ECS replaces its task when it fails"
  }

  # ---- relay off with one bridge:
  # ---------------------------------------------------------------- bridge-to-bridge relay
  assert {
    condition = (
      length(aws_vpc_security_group_ingress_rule.relay) == 0 &&
      !contains([for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].environment : e.name], "ENABLE_OCTO") &&
      !contains([for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[2].environment : e.name], "ENABLE_OCTO") &&
      !can(jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].entryPoint) &&
      output.bridge_relay == false
    )
    error_message = "no relay, no relay port and the image's own entrypoint while relay is off"
  }

  # ---- turn off by default:
  # ---------------------------------------------------------------- TURN
  assert {
    condition     = !contains([for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : e.name], "TURNS_HOST") && !contains(keys(aws_ssm_parameter.secret), "TURN_CREDENTIALS") && output.turn_secret_arn == null
    error_message = "no TURN unless asked for"
  }

  # ---- guests and token audience:
  # Guests and the token settings reach the containers that read them in both layouts: in
  # compact, web and prosody are containers 0 and 1 of the shard's task; in growth, the first
  # container of web's and of xmpp's.
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name => e.value }["ENABLE_GUESTS"] == "1" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : e.name => e.value }["ENABLE_GUESTS"] == "1"
    )
    error_message = "guests by default: web and prosody both get ENABLE_GUESTS=1 (the guest VirtualHost and the client's anonymousdomain)"
  }
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : e.name => e.value }["JWT_ACCEPTED_ISSUERS"] == "jitsi" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : e.name => e.value }["JWT_ACCEPTED_AUDIENCES"] == "jitsi"
    )
    error_message = "prosody accepts exactly jwt_app_id as issuer and audience"
  }
  assert {
    condition = alltrue([for i in [0, 2, 3] : !contains(
      [for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[i].environment : e.name], "JWT_ACCEPTED_AUDIENCES"
    )])
    error_message = "only prosody reads the accepted issuers and audiences"
  }
  assert {
    condition     = output.jwt_secret_parameter.name == "/jitsi/jwt_app_secret"
    error_message = "the signing secret's parameter is an output (link and the auth function read it)"
  }

  # ---- no token auth url without the page
  assert {
    condition     = !contains([for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name], "TOKEN_AUTH_URL")
    error_message = "without the /auth/ page web sets no TOKEN_AUTH_URL (Jitsi's own login dialog stays)"
  }
}

run "growth_services" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    layout = "growth"
  }

  assert {
    condition     = toset(keys(aws_ecs_service.this)) == toset(["jvb", "web", "xmpp"])
    error_message = "growth: web, signaling and bridges each alone"
  }
  assert {
    condition     = aws_ecs_service.this["web"].alarms[0].enable && aws_ecs_service.this["web"].alarms[0].rollback && length(output.deployment_alarm_names["web"]) == 2 && !aws_ecs_service.this["xmpp"].alarms[0].enable && aws_ecs_service.this["jvb"].alarms[0].rollback && tolist(aws_ecs_service.this["jvb"].alarms[0].alarm_names) == tolist(["jitsi-bridges-not-joined"])
    error_message = "web rolls back on 5xx, bridges on a bridge that cannot join; signaling relies on the circuit breaker"
  }
  assert {
    condition     = !can(jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].dependsOn)
    error_message = "growth: web alone depends on nothing in its task"
  }
  assert {
    condition = (aws_ecs_service.this["xmpp"].desired_count == 1 &&
      aws_ecs_service.this["xmpp"].deployment_minimum_healthy_percent == 0 &&
    aws_ecs_service.this["xmpp"].deployment_maximum_percent == 100)
    error_message = "xmpp: one shard, deployed 0%/100% so two signaling stacks never run at once"
  }
  assert {
    condition     = aws_appautoscaling_target.this["web"].min_capacity == 2 && aws_appautoscaling_target.this["jvb"].min_capacity == 1 && aws_appautoscaling_target.this["jvb"].max_capacity == 3
    error_message = "web 2 across the AZs; bridges 1-3"
  }

  # ---- growth bridges keep their drain
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].environment : e.name => e.value }["GUARD_SHARD"] == "0" &&
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].essential &&
      alltrue([for c in jsondecode(aws_ecs_task_definition.this["xmpp"].container_definitions) : c.essential])
    )
    error_message = "growth: every bridge runs alone, essential, and its guard drains it on stop"
  }

  # ---- guests and token audience growth
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].environment : e.name => e.value }["ENABLE_GUESTS"] == "1" &&
      { for e in jsondecode(aws_ecs_task_definition.this["xmpp"].container_definitions)[0].environment : e.name => e.value }["ENABLE_GUESTS"] == "1"
    )
    error_message = "growth: web and prosody both get ENABLE_GUESTS=1"
  }
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["xmpp"].container_definitions)[0].environment : e.name => e.value }["JWT_ACCEPTED_ISSUERS"] == "jitsi" &&
      { for e in jsondecode(aws_ecs_task_definition.this["xmpp"].container_definitions)[0].environment : e.name => e.value }["JWT_ACCEPTED_AUDIENCES"] == "jitsi"
    )
    error_message = "growth: prosody accepts exactly jwt_app_id as issuer and audience"
  }
}

run "task_role_trust_scoped" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  # The documents themselves are tested in trust.tftest.hcl; here, that each role uses its own.
  override_data {
    target = module.trust.data.aws_iam_policy_document.ecs_task
    values = { json = "{\"Statement\":[{\"Sid\":\"scoped\"}]}" }
  }
  override_data {
    target = module.execution_role.module.trust.data.aws_iam_policy_document.ecs_execution
    values = { json = "{\"Statement\":[{\"Sid\":\"plain\"}]}" }
  }

  assert {
    condition     = alltrue([for r in aws_iam_role.task : r.assume_role_policy == "{\"Statement\":[{\"Sid\":\"scoped\"}]}"])
    error_message = "every task role trusts ECS tasks of this account only"
  }
  assert {
    condition     = module.execution_role.assume_role_policy == "{\"Statement\":[{\"Sid\":\"plain\"}]}"
    error_message = "the execution role keeps the plain trust"
  }
}

run "logs_per_container_and_adot_wiring" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    adot_env        = { web = { OTEL_TRACES_EXPORTER = "otlp" }, prosody = {}, jicofo = {}, jvb = {} }
    adot_policy_arn = "arn:aws:iam::123456789012:policy/jitsi-adot-export"
  }

  assert {
    condition = alltrue(flatten([for t in aws_ecs_task_definition.this : [
      for c in jsondecode(t.container_definitions) : c.logConfiguration.logDriver == "awslogs" && c.logConfiguration.options["awslogs-stream-prefix"] == c.name && c.logConfiguration.options["awslogs-group"] == "/ecs/jitsi-app"
    ]]))
    error_message = "every container logs to /ecs/jitsi-app with its own stream prefix"
  }
  assert {
    condition     = contains([for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name], "OTEL_TRACES_EXPORTER") && !contains([for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[3].environment : e.name], "OTEL_TRACES_EXPORTER")
    error_message = "ADOT variables reach only the containers they are given for"
  }
  assert {
    condition     = keys(aws_iam_role_policy_attachment.task_adot) == keys(aws_iam_role.task) && alltrue([for a in aws_iam_role_policy_attachment.task_adot : a.policy_arn == "arn:aws:iam::123456789012:policy/jitsi-adot-export"])
    error_message = "the ADOT policy is attached to every service's task role"
  }
}

run "spot_and_schedule_levers" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    layout           = "growth"
    cpu_architecture = "X86_64"
    web              = { desired_count = 3, cpu = 256, memory = 512, spot = true }
    schedule         = { days = "MON-FRI", start_hour = 7, stop_hour = 19 }
  }

  assert {
    condition = (
      toset([for s in aws_ecs_service.this["web"].capacity_provider_strategy : "${s.capacity_provider}:${s.base}:${s.weight}"]) == toset(["FARGATE:1:0", "FARGATE_SPOT:0:1"]) &&
    length(aws_ecs_service.this["xmpp"].capacity_provider_strategy) == 0 && aws_ecs_service.this["xmpp"].launch_type == "FARGATE")
    error_message = "web on Spot keeps one on-demand task; signaling never runs on Spot"
  }
  assert {
    condition     = toset(keys(aws_appautoscaling_scheduled_action.stop)) == toset(["jvb", "web", "xmpp"]) && alltrue([for a in aws_appautoscaling_scheduled_action.stop : a.schedule == "cron(0 19 ? * MON-FRI *)" && a.scalable_target_action[0].max_capacity == "0"])
    error_message = "every service scales to zero at the stop hour"
  }
  assert {
    condition     = aws_appautoscaling_scheduled_action.start["web"].schedule == "cron(0 7 ? * MON-FRI *)" && aws_appautoscaling_scheduled_action.start["web"].scalable_target_action[0].max_capacity == "3"
    error_message = "services come back to their count at the start hour"
  }
  assert {
    condition     = aws_appautoscaling_scheduled_action.start["jvb"].scalable_target_action[0].min_capacity == "1" && aws_appautoscaling_scheduled_action.start["jvb"].scalable_target_action[0].max_capacity == "3"
    error_message = "bridges come back to their autoscaling range"
  }
}

# The old root line, still selectable: the same check against its own list, relays included.
run "only_variables_the_images_read_stable_11031" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    image    = { registry = "docker.io/jitsi", tag = "stable-11031", rootless = false }
    web_port = 80
    relay    = true
  }

  assert {
    condition = alltrue(flatten([for t in aws_ecs_task_definition.this : [
      for c in jsondecode(t.container_definitions) : [
        for e in c.environment : contains(concat(
          jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).read[c.name],
          lookup(jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).extra, c.name, []),
          jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).extra["*"],
        ), e.name)
      ] if c.name != "guard"
    ]]))
    error_message = "a container sets an environment variable its stable-11031 image never reads"
  }
}

run "relay_variables_are_read_by_the_rootless_line" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    relay = true
  }

  assert {
    condition = alltrue(flatten([for t in aws_ecs_task_definition.this : [
      for c in jsondecode(t.container_definitions) : [
        for e in c.environment : contains(concat(
          jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).read[c.name],
          lookup(jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).extra, c.name, []),
          jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).extra["*"],
        ), e.name)
      ] if c.name != "guard"
    ]]))
    error_message = "a relay variable is not read by the stable-11146-2 images"
  }

  # ---- relay on
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[2].environment : e.name => e.value }["ENABLE_OCTO"] == "1" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[2].environment : e.name => e.value }["OCTO_BRIDGE_SELECTION_STRATEGY"] == "IntraRegionBridgeSelectionStrategy" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[2].environment : e.name => e.value }["JICOFO_OCTO_REGION"] == "us-west-2"
    )
    error_message = "jicofo: relays on, a strategy that splits a meeting across bridges, in the bridges' region"
  }
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].environment : e.name => e.value }["ENABLE_OCTO"] == "1" &&
      { for e in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].environment : e.name => e.value }["JVB_OCTO_REGION"] == "us-west-2" &&
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].entryPoint == ["/bin/sh", "-c", file("${path.cwd}/modules/jitsi/relay-id.sh")]
    )
    error_message = "every bridge: relays on, same region, its own relay id from relay-id.sh (which execs /init)"
  }
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[3].environment : e.name => e.value }["ENABLE_OCTO"] == "1" &&
      jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[3].entryPoint == ["/bin/sh", "-c", file("${path.cwd}/modules/jitsi/relay-id.sh")] &&
      contains(aws_ecs_service.this["shard"].network_configuration[0].security_groups, aws_security_group.jvb.id)
    )
    error_message = "compact: the shard's own bridge relays too (its own relay id, in the bridges' group that the relay rules open)"
  }
  assert {
    condition = (
      toset([for r in aws_vpc_security_group_ingress_rule.relay : "${r.ip_protocol}:${r.from_port}-${r.to_port}"]) == toset(["udp:10000-10000", "udp:32768-65535"]) &&
      alltrue([for r in aws_vpc_security_group_ingress_rule.relay : r.security_group_id == aws_security_group.jvb.id && r.referenced_security_group_id == aws_security_group.jvb.id && r.cidr_ipv4 == null]) &&
      output.bridge_relay
    )
    error_message = "relay traffic is UDP (media port and the ephemeral range) between bridges only"
  }
}

run "root_line_stays_selectable" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    image    = { registry = "docker.io/jitsi", tag = "stable-11031", rootless = false }
    web_port = 80
  }

  assert {
    condition     = alltrue([for c in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions) : !c.readonlyRootFilesystem && !can(c.linuxParameters) if c.essential]) && jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].image == "docker.io/jitsi/web:stable-11031"
    error_message = "stable-11031 renders its config into /config and runs as root: a writable root, no tmpfs"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].readonlyRootFilesystem
    error_message = "the guard writes nothing on either line"
  }
}

run "images_by_digest" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    image = {
      registry = "ghcr.io/jitsi", tag = "stable-11146-2", rootless = true
      digests  = { jvb = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }
    }
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].image == "ghcr.io/jitsi/jvb@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" &&
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[1].image == jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].image &&
      jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].image == "ghcr.io/jitsi/web:stable-11146-2"
    )
    error_message = "an image with a digest is pulled by it (the guard runs the same jvb build); the others by tag"
  }
}

run "guard_follows_the_bridge_not_the_service_name" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    jvb = { cpu = 1024, memory = 2048, udp_port = 10000, stun_servers = ["meet-jit-si-turnrelay.jitsi.net:443", "stun.l.google.com:19302"], spot = false, autoscaling = { min_count = 1, max_count = 1, target_stress = 0.6 } }
  }

  assert {
    condition     = toset(keys(aws_ecs_service.this)) == toset(["shard"]) && jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[4].name == "guard" && keys(aws_iam_role_policy.task_protection) == ["shard"]
    error_message = "compact with one bridge: the shard alone, and its bridge still has its guard and the task role it needs"
  }
  assert {
    condition     = aws_ecs_service.this["shard"].desired_count == 1 && aws_ecs_service.this["shard"].deployment_minimum_healthy_percent == 0 && aws_ecs_service.this["shard"].deployment_maximum_percent == 100
    error_message = "the guard changes nothing of the one-signaling-task invariant"
  }
}

run "growth_guard_beside_the_bridges_only" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    layout = "growth"
    relay  = true
  }

  assert {
    condition = (
      [for c in jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions) : c.name] == ["jvb", "guard"] &&
      [for c in jsondecode(aws_ecs_task_definition.this["web"].container_definitions) : c.name] == ["web"] &&
      [for c in jsondecode(aws_ecs_task_definition.this["xmpp"].container_definitions) : c.name] == ["prosody", "jicofo"] &&
      toset(keys(aws_iam_role.task)) == toset(["web", "xmpp", "jvb"]) &&
      keys(aws_iam_role_policy.task_protection) == ["jvb"] &&
      aws_ecs_task_definition.this["web"].task_role_arn == aws_iam_role.task["web"].arn &&
      aws_ecs_task_definition.this["xmpp"].task_role_arn == aws_iam_role.task["xmpp"].arn
    )
    error_message = "growth: the guard and the bridges' role go with the bridges alone"
  }
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["xmpp"].container_definitions)[1].environment : e.name => e.value }["ENABLE_OCTO"] == "1" &&
      jsondecode(aws_ecs_task_definition.this["jvb"].container_definitions)[0].entryPoint == ["/bin/sh", "-c", file("${path.cwd}/modules/jitsi/relay-id.sh")]
    )
    error_message = "growth: jicofo in xmpp and every bridge turn relays on"
  }
}

run "prosody_advertises_turn_over_tls" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    turn          = { host = "turn.meet.example.com", port = 443, ttl_seconds = 14400 }
    secret_values = { JICOFO_AUTH_PASSWORD = "test-only-jicofo", JVB_AUTH_PASSWORD = "test-only-jvb", JWT_APP_SECRET = "test-only-jwt", TURN_CREDENTIALS = "test-only-turn" }
  }

  assert {
    # issue 21: short-lived credentials instead of the images' 24 h
    condition     = { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : e.name => e.value }["TURN_TTL"] == "14400"
    error_message = "prosody's TURN credentials last jitsi.turn.credential_ttl_hours"
  }

  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : e.name => e.value }["TURNS_HOST"] == "turn.meet.example.com" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : e.name => e.value }["TURNS_PORT"] == "443" &&
      contains(jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].secrets, { name = "TURN_CREDENTIALS", valueFrom = aws_ssm_parameter.secret["TURN_CREDENTIALS"].arn }) &&
      aws_ssm_parameter.secret["TURN_CREDENTIALS"].type == "SecureString" && aws_ssm_parameter.secret["TURN_CREDENTIALS"].value_wo_version == 1 &&
      output.turn_secret_arn == aws_ssm_parameter.secret["TURN_CREDENTIALS"].arn
    )
    error_message = "prosody advertises turns:<host>:443 and signs credentials with a generated shared secret (SSM SecureString, an ECS secret) that coturn gets too"
  }
  assert {
    condition     = contains(jsondecode(module.execution_role.secrets_policy.document).Statement[0].Resource, aws_ssm_parameter.secret["TURN_CREDENTIALS"].arn) && length(jsondecode(module.execution_role.secrets_policy.document).Statement[0].Resource) == length(aws_ssm_parameter.secret)
    error_message = "the execution role may read the TURN secret"
  }
  assert {
    condition = alltrue([for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : contains(concat(
      jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).read["prosody"],
      jsondecode(file("${path.cwd}/tests/jitsi-env-${var.image.tag}.json")).extra["*"],
    ), e.name)])
    error_message = "prosody reads every TURN variable set"
  }
}

run "every_participant_needs_a_token" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    guests = false
  }

  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name => e.value }["ENABLE_GUESTS"] == "0" &&
      { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : e.name => e.value }["ENABLE_GUESTS"] == "0"
    )
    error_message = "guests = false turns the guest domain off on web and prosody"
  }
}

run "every_participant_needs_a_token_growth" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    layout = "growth"
    guests = false
  }

  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].environment : e.name => e.value }["ENABLE_GUESTS"] == "0" &&
      { for e in jsondecode(aws_ecs_task_definition.this["xmpp"].container_definitions)[0].environment : e.name => e.value }["ENABLE_GUESTS"] == "0"
    )
    error_message = "growth: guests = false turns the guest domain off on web and prosody"
  }
}

run "open_instance_has_no_token_settings" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    auth_type = "none"
  }

  assert {
    condition     = output.jwt_secret_parameter == null && !contains([for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[1].environment : e.name], "JWT_ACCEPTED_AUDIENCES")
    error_message = "auth_type = none: no signing secret, no token settings"
  }
}

# ---------------------------------------------------------------- execution role, moved
# A stack deployed before modules/execution_role keeps its execution role, the managed-policy
# attachment and the read policy: the moved blocks take them over. The mock provider never
# replaces on a changed name, so the names are checked as well as the deployed IDs.
run "before_execution_role_module" {
  command   = apply
  state_key = "execution_role"

  module {
    source = "./tests/fixtures/before_execution_role"
  }

  variables {
    role_name   = "jitsi-execution"
    policy_name = "read-jitsi-secrets"
  }

  override_resource {
    target = aws_iam_role.execution
    values = { arn = "arn:aws:iam::123456789012:role/jitsi-execution-deployed" }
  }
  override_resource {
    target = aws_iam_role_policy_attachment.execution
    values = { id = "jitsi-execution-attachment-deployed" }
  }
  override_resource {
    target = aws_iam_role_policy.read_secrets
    values = { id = "jitsi-execution:read-jitsi-secrets" }
  }
}

run "deployed_execution_role_is_moved_not_replaced" {
  command   = apply
  state_key = "execution_role"

  module {
    source = "./modules/jitsi"
  }

  assert {
    condition     = module.execution_role.arn == "arn:aws:iam::123456789012:role/jitsi-execution-deployed" && module.execution_role.name == "jitsi-execution"
    error_message = "the execution role made before modules/execution_role must be kept, under its name (a replacement would get the mock's new ARN)"
  }
  assert {
    condition     = module.execution_role.managed_policy.attachment_id == "jitsi-execution-attachment-deployed"
    error_message = "the managed-policy attachment is kept too"
  }
  assert {
    condition     = module.execution_role.secrets_policy.id == "jitsi-execution:read-jitsi-secrets" && module.execution_role.secrets_policy.name == "read-jitsi-secrets"
    error_message = "the read policy is kept too, under its name"
  }
}

# The memory budget with other sizes: a bigger shard gives its bridge all that is added;
# growth's signaling task gives jicofo what prosody leaves. (tests/unit/test_memory.py holds
# jitsi_ecs.memory to the same figures.)
run "heaps_follow_the_memory_budget" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    shard = { cpu = 1024, memory = 4096 }
    jvb   = { cpu = 2048, memory = 4096, udp_port = 10000, stun_servers = ["meet-jit-si-turnrelay.jitsi.net:443", "stun.l.google.com:19302"], spot = false, autoscaling = { min_count = 1, max_count = 3, target_stress = 0.6 } }
  }

  assert {
    condition     = jsonencode(output.heaps) == jsonencode({ shard = { jicofo = 512, jvb = 2496 }, jvb = { jvb = 3648 } })
    error_message = "a 4 GiB shard: jicofo 512, bridge 2496; a 4 GiB bridge: 3648"
  }
}

run "heaps_growth_signaling" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    layout = "growth"
    xmpp   = { cpu = 1024, memory = 2048 }
  }

  assert {
    condition     = jsonencode(output.heaps) == jsonencode({ xmpp = { jicofo = 1536 }, jvb = { jvb = 1600 } })
    error_message = "growth: a 2 GiB signaling task gives jicofo what prosody leaves (1536); web runs no JVM"
  }
}

# Where Jitsi sends the host who opened the plain room link: the /auth/ page when it is on.
run "token_auth_url_on_every_web" {
  command = apply

  module {
    source = "./modules/jitsi"
  }

  variables {
    token_auth_url = "https://meet.example.com/auth/?room={room}"
  }

  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.this["shard"].container_definitions)[0].environment : e.name => e.value }["TOKEN_AUTH_URL"] == "https://meet.example.com/auth/?room={room}"
    error_message = "web gets TOKEN_AUTH_URL with the {room} placeholder Jitsi fills in"
  }
}
