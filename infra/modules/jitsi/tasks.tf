locals {
  log_options = {
    "awslogs-group"  = var.log_group_name
    "awslogs-region" = var.region
  }

  # Per service: where prosody is (the same task, or its Cloud Map name).
  prosody_at = { for k, s in local.services : k => contains(s.containers, "prosody") ? "127.0.0.1" : local.xmpp_host }

  # The memory budget (MiB). The JVM heaps default to 3 GB each and a JVM needs memory beside
  # its heap, so the heaps are what is left once every process has its share: what each
  # container needs beside a heap (s6-overlay and its health check 16 each, the guard 16),
  # its tmpfs mounts, jicofo's 512 MiB heap beside a bridge (Jitsi's figure), the bridge's
  # the rest (or jicofo's, in a task without a bridge), rounded down to 64. README "Memory
  # budget" gives each figure's source; jitsi_ecs.memory holds the same table, refuses a
  # size that leaves the bridge less than 1 GiB, and `verify` compares the heaps deployed.
  beside_heap     = { web = 64 + 16, prosody = 128 + 16, jicofo = 256 + 16, jvb = 384 + 16 }
  guard_mib       = 16
  jicofo_heap_mib = 512
  heap_step       = 64
  reserved_mib = {
    for k, s in local.services : k => sum(concat(
      [for c in s.containers : local.beside_heap[c] + local.tmpfs_mib * length(merge(local.tmpfs, lookup(local.extra_tmpfs, c, {})))],
      contains(s.containers, "jvb") ? [local.guard_mib] : [],
    ))
  }
  heap_mib = {
    for k, s in local.services : k => merge(
      contains(s.containers, "jicofo") ? {
        jicofo = contains(s.containers, "jvb") ? local.jicofo_heap_mib : floor((s.memory - local.reserved_mib[k]) / local.heap_step) * local.heap_step
      } : {},
      contains(s.containers, "jvb") ? {
        jvb = floor((s.memory - local.reserved_mib[k] - (contains(s.containers, "jicofo") ? local.jicofo_heap_mib : 0)) / local.heap_step) * local.heap_step
      } : {},
    )
  }

  # One tag for every image; a digest, when given, pins the exact build (pulled by digest).
  images = {
    for n in ["web", "prosody", "jicofo", "jvb"] : n => (
      contains(keys(var.image.digests), n)
      ? "${local.registry}/${n}@${var.image.digests[n]}"
      : "${local.registry}/${n}:${var.image.tag}"
    )
  }

  # The rootless line runs as the image's uid 1000 on a read-only root, as upstream's compose
  # runs it: s6-overlay keeps its state and every rendered config under /run (exec: the bridge
  # loads native libraries from there), the JVMs write to /tmp. Both are tmpfs (Fargate has
  # them since 2026-01; size in MiB, taken from task memory), owned by uid 1000 so nothing
  # has to chown them. initProcessEnabled stays unset: s6-overlay must be PID 1.
  tmpfs_mib = 16
  tmpfs = {
    "/run" = ["exec", "nosuid", "nodev", "mode=1750", "uid=1000", "gid=1000"]
    "/tmp" = ["noexec", "nosuid", "nodev", "mode=1777", "uid=1000", "gid=1000"]
  }
  # prosody refuses to start unless uid 1000 can write its data directory. With token (or no)
  # auth nothing there needs to outlive the task: the component accounts are registered anew
  # at every start.
  extra_tmpfs = {
    prosody = { "/var/lib/prosody" = ["noexec", "nosuid", "nodev", "mode=0750", "uid=1000", "gid=1000"] }
  }
  filesystem = {
    for c in ["web", "prosody", "jicofo", "jvb"] : c => merge(
      { readonlyRootFilesystem = var.image.rootless },
      var.image.rootless ? {
        linuxParameters = {
          tmpfs = [
            for path, options in merge(local.tmpfs, lookup(local.extra_tmpfs, c, {})) :
            { containerPath = path, size = local.tmpfs_mib, mountOptions = options }
          ]
        }
      } : null,
    )
  }

  # The ALB may reuse an idle connection up to its idle timeout: nginx must not close it first
  # (the request would get a 502), so it keeps idle connections a little longer.
  nginx_keepalive_timeout = var.alb_idle_timeout + 10

  # Each container, in every service that runs it.
  web_container = { for svc, s in local.services : svc => merge({
    name         = "web"
    image        = local.images["web"]
    essential    = true
    portMappings = [{ containerPort = local.web_port, protocol = "tcp" }]
    environment = [for k, v in merge(local.shared_env["web"], {
      # TLS ends at the ALB; 1 here would loop behind it.
      DISABLE_HTTPS           = "1"
      ENABLE_HTTP_REDIRECT    = "0"
      ENABLE_LETSENCRYPT      = "0"
      XMPP_BOSH_URL_BASE      = "http://${local.prosody_at[svc]}:5280"
      NGINX_KEEPALIVE_TIMEOUT = tostring(local.nginx_keepalive_timeout)
    }, var.token_auth_url == null ? {} : { TOKEN_AUTH_URL = var.token_auth_url }, var.adot_env["web"]) : { name = k, value = v }]
    secrets = []
    # /health is a room page (always 200); GET / proves nginx serves the app.
    healthCheck      = merge(local.health, { command = ["CMD-SHELL", "curl -fsS -o /dev/null http://127.0.0.1:${local.web_port}/ || exit 1"] })
    logConfiguration = { logDriver = "awslogs", options = merge(local.log_options, { "awslogs-stream-prefix" = "web" }) }
    }, local.filesystem["web"],
    # Beside prosody (the shard), web starts once prosody answers: the new task joins the
    # target group only then, so its /http-bind never answers 502 (a target 5xx, which is a
    # deployment alarm there).
    contains(s.containers, "prosody") ? { dependsOn = [{ containerName = "prosody", condition = "HEALTHY" }] } : null,
  ) if contains(s.containers, "web") }

  prosody_container = { for svc, s in local.services : svc => merge({
    name      = "prosody"
    image     = local.images["prosody"]
    essential = true
    portMappings = [
      { containerPort = 5222, protocol = "tcp" },
      { containerPort = 5280, protocol = "tcp" },
    ]
    environment      = [for k, v in merge(local.shared_env["prosody"], local.turn_env, var.adot_env["prosody"]) : { name = k, value = v }]
    secrets          = values(local.secrets)
    healthCheck      = merge(local.health, { command = ["CMD-SHELL", "curl -fsS -o /dev/null http://127.0.0.1:5280/health || exit 1"] })
    logConfiguration = { logDriver = "awslogs", options = merge(local.log_options, { "awslogs-stream-prefix" = "prosody" }) }
  }, local.filesystem["prosody"]) if contains(s.containers, "prosody") }

  jicofo_container = { for svc, s in local.services : svc => merge({
    name      = "jicofo"
    image     = local.images["jicofo"]
    essential = true
    environment = [for k, v in merge(local.shared_env["jicofo"], {
      XMPP_SERVER       = "127.0.0.1" # same task as prosody
      JICOFO_MAX_MEMORY = "${local.heap_mib[svc].jicofo}m"
      # REST (and /stats) on 0.0.0.0 (rest_ports) for the telemetry collector; the security group
      # lets only the collector's group in.
      JICOFO_ENABLE_REST = "1"
    }, local.relay_env["jicofo"], var.adot_env["jicofo"]) : { name = k, value = v }]
    secrets   = [local.secrets["JICOFO_AUTH_PASSWORD"]]
    dependsOn = [{ containerName = "prosody", condition = "HEALTHY" }]
    # /about/health needs JICOFO_ENABLE_HEALTH_CHECKS=1 and then fails while no bridge is
    # connected, which would kill signaling whenever JVB restarts; /about/version proves the
    # JVM and its REST API are up.
    healthCheck      = merge(local.health, { command = ["CMD-SHELL", "curl -fsS -o /dev/null http://127.0.0.1:${local.rest_ports.jicofo}/about/version || exit 1"] })
    logConfiguration = { logDriver = "awslogs", options = merge(local.log_options, { "awslogs-stream-prefix" = "jicofo" }) }
  }, local.filesystem["jicofo"]) if contains(s.containers, "jicofo") }

  jvb_container = { for svc, s in local.services : svc => merge({
    name  = "jvb"
    image = local.images["jvb"]
    # Alone, a bridge that fails is replaced with its task. In the shard that would replace
    # web and signaling too, again and again: there it is not essential, ECS restarts it in
    # place (restartPolicy) and its guard shuts it down when it stays unhealthy (guard.sh).
    essential    = !local.in_shard[svc]
    portMappings = [{ containerPort = var.jvb.udp_port, protocol = "udp" }]
    environment = [for k, v in merge(local.shared_env["jvb"], {
      XMPP_SERVER            = local.prosody_at[svc]
      JVB_PORT               = tostring(var.jvb.udp_port)
      JVB_STUN_SERVERS       = join(",", var.jvb.stun_servers)
      VIDEOBRIDGE_MAX_MEMORY = "${local.heap_mib[svc].jvb}m"
      # When no STUN server answers, the bridge advertises its private address and calls
      # carry no media; with this its health check fails instead (and ECS replaces it; in
      # the shard the guard has it restarted).
      JVB_REQUIRE_VALID_ADDRESS = "1"
      # Participants are outside the VPC: never hand them the bridge's VPC addresses
      # (bridge-to-bridge relays use them regardless).
      JVB_ADVERTISE_PRIVATE_CANDIDATES = "0"
      # Stats for telemetry and the guard on the private REST port (closed in the
      # security group); the guard's shutdown request needs the shutdown API too. The
      # APIs neither uses are off (local.jvb_closed_apis).
      COLIBRI_REST_ENABLED      = "true"
      SHUTDOWN_REST_ENABLED     = "true"
      VIDEOBRIDGE_DEBUG_OPTIONS = local.jvb_closed_apis
    }, local.relay_env["jvb"], var.adot_env["jvb"]) : { name = k, value = v }]
    secrets          = [local.secrets["JVB_AUTH_PASSWORD"]]
    healthCheck      = merge(local.health, { command = ["CMD-SHELL", "curl -fsS -o /dev/null http://127.0.0.1:${local.rest_ports.jvb}/about/health || exit 1"] })
    logConfiguration = { logDriver = "awslogs", options = merge(local.log_options, { "awslogs-stream-prefix" = "jvb" }) }
    # The most Fargate allows: a stopped bridge gets this long after SIGTERM (see guard.sh).
    stopTimeout = local.stop_timeout
    }, local.filesystem["jvb"], local.relay_entrypoint,
    local.in_shard[svc] ? { restartPolicy = local.shard_bridge_restart } : null,
  ) if contains(s.containers, "jvb") }

  container = {
    web     = local.web_container
    prosody = local.prosody_container
    jicofo  = local.jicofo_container
    jvb     = local.jvb_container
  }
  # Every task that runs a bridge (the compact shard too) runs its guard beside it.
  containers = {
    for svc, s in local.services : svc => concat(
      [for c in s.containers : local.container[c][svc]],
      contains(s.containers, "jvb") ? [local.guard_container[svc]] : [],
    )
  }

  # Deployment alarms that judge the new task: for web alone the ALB's 5xx too; for the
  # shard (web beside signaling, replaced 0%/100%) only its target group's own 5xx and p99,
  # since the ALB answers 503 by itself while no target is healthy; for the bridges alone a
  # running bridge jicofo cannot use (JVB's health check does not test XMPP). Signaling alone
  # serves no HTTP: the circuit breaker decides.
  deployment_alarms = {
    for svc, s in local.services : svc => !contains(s.containers, "web") ? (
      contains(s.containers, "prosody") ? [] : var.bridge_deployment_alarm_names
      ) : (
      contains(s.containers, "prosody") ? var.shard_deployment_alarm_names : var.web_deployment_alarm_names
    )
  }
}

resource "aws_ecs_task_definition" "this" {
  #checkov:skip=CKV_AWS_336: readonlyRootFilesystem follows the image line: true on the rootless default, false on the still-selectable stable-11031 (renders its config into /config, runs as root); see README "Image line"
  for_each = local.services

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = module.execution_role.arn
  # A task that runs a bridge (the compact shard too) may set its own scale-in protection
  # (the guard); no other may.
  task_role_arn         = aws_iam_role.task[each.key].arn
  container_definitions = jsonencode(local.containers[each.key])
  tags                  = var.tags

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }
}

# Launch type and Spot strategy per service, from the one module that says where tasks run.
module "capacity" {
  source   = "../capacity"
  for_each = local.services

  spot = each.value.spot
}

resource "aws_ecs_service" "this" {
  #checkov:skip=CKV_AWS_333: no NAT gateway by design; tasks need a public IP to pull images and reach AWS APIs, and JVB to carry media (STUN). Security groups keep them closed.
  for_each = local.services

  name                               = each.key
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.this[each.key].arn
  desired_count                      = each.value.desired_count
  launch_type                        = module.capacity[each.key].launch_type
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = each.value.min_percent
  deployment_maximum_percent         = each.value.max_percent
  health_check_grace_period_seconds  = var.health_check_grace_period
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  wait_for_steady_state              = false
  tags                               = merge(var.tags, { Service = each.key })

  # Application Auto Scaling owns the task count (scaling.tf): min = max = the configured
  # count for fixed services, a range for the bridges, zero at night with a schedule.
  lifecycle {
    ignore_changes = [desired_count]
  }

  deployment_controller {
    type = "ECS"
  }

  dynamic "capacity_provider_strategy" {
    for_each = module.capacity[each.key].strategy
    content {
      capacity_provider = capacity_provider_strategy.value.provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Deployment alarms that mean something for the service (local.deployment_alarms).
  # (Provider 5.100 sends an alarms configuration without names when the block is left
  # out, which ECS refuses: where no alarm applies, the block is there and disabled.)
  alarms {
    enable      = length(local.deployment_alarms[each.key]) > 0
    rollback    = length(local.deployment_alarms[each.key]) > 0
    alarm_names = length(local.deployment_alarms[each.key]) > 0 ? local.deployment_alarms[each.key] : var.web_deployment_alarm_names
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = distinct([for c in each.value.containers : local.role_security_group[c]])
    assign_public_ip = true
  }

  dynamic "load_balancer" {
    for_each = contains(each.value.containers, "web") ? [1] : []
    content {
      target_group_arn = var.web_target_group_arn
      container_name   = "web"
      container_port   = local.web_port
    }
  }

  dynamic "service_registries" {
    for_each = local.cloud_map_name[each.key] == null ? [] : [aws_service_discovery_service.this[local.cloud_map_name[each.key]].arn]
    content {
      registry_arn = service_registries.value
    }
  }
}
