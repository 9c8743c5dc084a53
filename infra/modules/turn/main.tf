# TURN over TLS on 443, for participants whose network lets nothing out but HTTPS (no UDP to
# the bridges). A network load balancer ends TLS for the TURN host name and hands plain TCP
# TURN to one coturn task; coturn relays the media to the bridges over UDP from its own public
# address. prosody advertises turns:<host>:443 with time-limited credentials signed with a
# shared secret (the jitsi module's TURN_CREDENTIALS, coturn's static-auth-secret).

locals {
  turn_port = 3478 # coturn's plain TURN listener, behind the load balancer
  # Each allocation takes one relay port: 256 allow ~250 participants on TURN at once.
  relay_ports = [49152, 49407]
  # Abuse limits (README "TURN"): anonymous guests get credentials too, so coturn is held to
  # what a meeting needs. Python's copy: jitsi_ecs.verify.turn, which checks the deployment.
  limits = {
    user_quota   = 12      # allocations at once per credential (one per peer connection)
    total_quota  = 200     # allocations at once, all users (below the 256 relay ports)
    max_bps      = 500000  # bytes/s per session each way (4 Mbit/s: a video call's share)
    bps_capacity = 6250000 # bytes/s for all sessions each way (50 Mbit/s: at most ~22 GB/h)
  }
  # coturn must never relay into the VPC, to the task metadata and link-local addresses, or to
  # any address that is not a public IPv4 unicast one: the bridges are reached at their public
  # addresses. IPv6 is denied whole (the relay and the bridges are IPv4).
  denied_peers = concat([
    "0.0.0.0-0.255.255.255",       # "this network"
    "10.0.0.0-10.255.255.255",     # private
    "100.64.0.0-100.127.255.255",  # carrier-grade NAT
    "127.0.0.0-127.255.255.255",   # loopback
    "169.254.0.0-169.254.255.255", # link-local, the task metadata endpoints
    "172.16.0.0-172.31.255.255",   # private
    "192.0.0.0-192.0.0.255",       # IETF protocol assignments
    "192.0.2.0-192.0.2.255",       # TEST-NET-1
    "192.88.99.0-192.88.99.255",   # 6to4 relay anycast
    "192.168.0.0-192.168.255.255", # private
    "198.18.0.0-198.19.255.255",   # benchmarking
    "198.51.100.0-198.51.100.255", # TEST-NET-2
    "203.0.113.0-203.0.113.255",   # TEST-NET-3
    "224.0.0.0-239.255.255.255",   # multicast
    "240.0.0.0-255.255.255.255",   # reserved and broadcast
    "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  ], ["${cidrhost(var.vpc_cidr, 0)}-${cidrhost(var.vpc_cidr, -1)}"]) # the VPC, whatever its range

  # The secret never reaches a command line (any process of the task could read it there):
  # the shell writes it into a file on the tmpfs, owner-only, drops the variable and starts
  # coturn with that file as its configuration. $(detect-external-ip) is the task's public IP
  # (the relay address coturn advertises).
  flags = concat([
    "--log-file=stdout",
    "--listening-port=${local.turn_port}",
    # Clients arrive through the load balancer's TLS listener, as TCP.
    "--no-udp",
    "--no-tls",
    "--no-dtls",
    "--realm=${var.host}",
    "--use-auth-secret",
    "--min-port=${local.relay_ports[0]}",
    "--max-port=${local.relay_ports[1]}",
    "--fingerprint",
    "--no-cli",
    "--no-multicast-peers",
    # Media is UDP: no TCP relay to peers (RFC 6062), which would make coturn a TCP proxy.
    "--no-tcp-relay",
    "--user-quota=${local.limits.user_quota}",
    "--total-quota=${local.limits.total_quota}",
    "--max-bps=${local.limits.max_bps}",
    "--bps-capacity=${local.limits.bps_capacity}",
  ], [for r in local.denied_peers : "--denied-peer-ip=${r}"])
  secret_file = "/var/lib/coturn/auth.conf"
  start = join("\n", [
    "set -eu",
    "umask 077",
    "printf 'static-auth-secret=%s\\n' \"$TURN_SECRET\" > ${local.secret_file}",
    "unset TURN_SECRET",
    "exec turnserver -c ${local.secret_file} --external-ip=\"$(detect-external-ip)\" ${join(" ", local.flags)}",
  ])

  container = {
    name         = "coturn"
    image        = var.image
    essential    = true
    portMappings = [{ containerPort = local.turn_port, protocol = "tcp" }]
    # The image's entrypoint would evaluate each argument again: a plain shell starts coturn.
    entryPoint = ["/bin/sh", "-c"]
    command    = [local.start]
    secrets    = [{ name = "TURN_SECRET", valueFrom = var.secret_arn }]
    # coturn runs as nobody (65534) and writes only its database directory (and the secret
    # file), a tmpfs: in memory, gone with the task.
    readonlyRootFilesystem = true
    linuxParameters = {
      tmpfs = [{
        containerPath = "/var/lib/coturn"
        size          = 16
        mountOptions  = ["noexec", "nosuid", "nodev", "mode=0700", "uid=65534", "gid=65534"]
      }]
    }
    healthCheck = {
      command     = ["CMD-SHELL", "bash -c '</dev/tcp/127.0.0.1/${local.turn_port}' || exit 1"]
      interval    = var.container_health_check.interval
      timeout     = var.container_health_check.timeout
      retries     = var.container_health_check.retries
      startPeriod = var.container_health_check.start_period
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = var.log_group_name
        "awslogs-region"        = var.region
        "awslogs-stream-prefix" = "coturn"
      }
    }
  }
}

# ---------------------------------------------------------------- certificate and name
module "domain" {
  source = "../domain"

  host            = var.host
  certificate_arn = var.certificate_arn
  route53_zone_id = var.route53_zone_id
  load_balancer   = { dns_name = aws_lb.this.dns_name, zone_id = aws_lb.this.zone_id }
  tags            = var.tags
}

# The certificate and the alias record were this module's own before modules/domain: moved, so
# a deployed stack keeps its certificate instead of replacing it.
moved {
  from = aws_acm_certificate.this
  to   = module.domain.aws_acm_certificate.this
}

moved {
  from = aws_route53_record.validation
  to   = module.domain.aws_route53_record.validation
}

moved {
  from = aws_acm_certificate_validation.this
  to   = module.domain.aws_acm_certificate_validation.this
}

moved {
  from = aws_route53_record.alias
  to   = module.domain.aws_route53_record.alias
}

# ---------------------------------------------------------------- load balancer
resource "aws_security_group" "nlb" {
  name        = "${var.name}-turn-nlb"
  description = "TURN load balancer: TLS 443 from anywhere, TCP to coturn only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "tls" {
  security_group_id = aws_security_group.nlb.id
  description       = "TURN over TLS from participants"
  ip_protocol       = "tcp"
  from_port         = var.port
  to_port           = var.port
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "to_coturn" {
  security_group_id            = aws_security_group.nlb.id
  description                  = "TURN (TCP) to coturn"
  ip_protocol                  = "tcp"
  from_port                    = local.turn_port
  to_port                      = local.turn_port
  referenced_security_group_id = aws_security_group.this.id
}

resource "aws_lb" "this" {
  #checkov:skip=CKV_AWS_91: access logs need an S3 bucket and cost per GB; enable with your own bucket if required
  #checkov:skip=CKV_AWS_150: `jitsi-ecs down` must remove everything in one step
  name                             = substr("${var.name}-turn", 0, 32)
  load_balancer_type               = "network"
  internal                         = false
  subnets                          = var.subnet_ids
  security_groups                  = [aws_security_group.nlb.id]
  enable_cross_zone_load_balancing = true # one coturn task serves every AZ
  tags                             = var.tags
}

resource "aws_lb_target_group" "this" {
  name                 = substr("${var.name}-turn", 0, 32)
  port                 = local.turn_port
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30
  tags                 = var.tags

  # Stated in full so verify can tell a changed check (NLB health checks are free).
  health_check {
    enabled             = true
    protocol            = "TCP"
    interval            = 30
    healthy_threshold   = 3
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "tls" {
  load_balancer_arn = aws_lb.this.arn
  port              = var.port
  protocol          = "TLS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = module.domain.certificate_arn
  tags              = var.tags

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}

# ---------------------------------------------------------------- coturn
resource "aws_security_group" "this" {
  name        = "${var.name}-turn"
  description = "coturn: TURN from its load balancer, relayed media from the bridges"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_nlb" {
  security_group_id            = aws_security_group.this.id
  description                  = "TURN (TCP) from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = local.turn_port
  to_port                      = local.turn_port
  referenced_security_group_id = aws_security_group.nlb.id
}

# The bridges answer from their public addresses (any, as tasks come and go); coturn only
# accepts packets from peers a client has created a permission for.
resource "aws_vpc_security_group_ingress_rule" "relay" {
  security_group_id = aws_security_group.this.id
  description       = "Relayed media (UDP) from the bridges' public addresses"
  ip_protocol       = "udp"
  from_port         = local.relay_ports[0]
  to_port           = local.relay_ports[1]
  cidr_ipv4         = "0.0.0.0/0"
}

# Out only what coturn needs: HTTPS (image pull, the secret, logs), one DNS resolver for its
# external-IP lookup (detect-external-ip asks OpenDNS first), and relayed media to the
# bridges' media port (their public addresses, any: tasks come and go).
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS: image pull, the TURN secret, logs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "external_ip_lookup" {
  security_group_id = aws_security_group.this.id
  description       = "DNS to resolver1.opendns.com: detect-external-ip"
  ip_protocol       = "udp"
  from_port         = 53
  to_port           = 53
  cidr_ipv4         = "208.67.222.222/32"
}

resource "aws_vpc_security_group_egress_rule" "media" {
  security_group_id = aws_security_group.this.id
  description       = "Relayed media (UDP) to the bridges' media port"
  ip_protocol       = "udp"
  from_port         = var.peer_udp_port
  to_port           = var.peer_udp_port
  cidr_ipv4         = "0.0.0.0/0"
}

# coturn's execution role: it may read the TURN secret and nothing else.
module "execution_role" {
  source = "../execution_role"

  name           = "${var.name}-turn-execution"
  secrets        = { TURN_SECRET = var.secret_arn }
  secrets_policy = { name = "read-turn-secret", sid = "ReadTurnSecret" }
  tags           = var.tags
}

# The role and its policies were this module's own before modules/execution_role: moved, so a
# deployed TURN server keeps them.
moved {
  from = aws_iam_role.execution
  to   = module.execution_role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.execution
  to   = module.execution_role.aws_iam_role_policy_attachment.this
}

moved {
  from = aws_iam_role_policy.read_secret
  to   = module.execution_role.aws_iam_role_policy.this[0]
}

resource "aws_ecs_task_definition" "this" {
  family                   = "${var.name}-turn"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = module.execution_role.arn
  container_definitions    = jsonencode([local.container])
  tags                     = var.tags

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }
}

resource "aws_ecs_service" "this" {
  #checkov:skip=CKV_AWS_333: coturn relays from its own public address (no NAT gateway by design); its group admits TURN from the load balancer and relayed UDP only
  name                               = "turn"
  cluster                            = var.cluster_arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = 1
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = var.health_check_grace_period
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  wait_for_steady_state              = false
  tags                               = merge(var.tags, { Service = "turn" })

  # With a schedule, Application Auto Scaling owns the count (0 at night): a plan at night
  # must not start coturn again.
  lifecycle {
    ignore_changes = [desired_count]
  }

  deployment_controller {
    type = "ECS"
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = true
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = "coturn"
    container_port   = local.turn_port
  }
}

# Asleep with the rest of the stack: nobody meets, nobody needs a relay.
module "schedule" {
  source = "../schedule"

  name          = "${var.name}-turn"
  cluster_name  = var.cluster_name
  service_name  = aws_ecs_service.this.name
  desired_count = aws_ecs_service.this.desired_count
  schedule      = var.schedule
  tags          = var.tags
}
