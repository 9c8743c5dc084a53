# Module turn: TURN over TLS on 443 (coturn behind a network load balancer). Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = module.domain.aws_acm_certificate.this
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

variables {
  name                      = "jitsi"
  region                    = "us-west-2"
  vpc_id                    = "vpc-123"
  vpc_cidr                  = "10.42.0.0/16"
  peer_udp_port             = 10000
  subnet_ids                = ["subnet-a", "subnet-b"]
  cluster_arn               = "arn:aws:ecs:us-west-2:123456789012:cluster/jitsi"
  cluster_name              = "jitsi"
  host                      = "turn.meet.example.com"
  port                      = 443
  secret_arn                = "arn:aws:ssm:us-west-2:123456789012:parameter/jitsi/turn_credentials"
  route53_zone_id           = "Z0123456789"
  ssl_policy                = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  image                     = "coturn/coturn:4.17.0-r0"
  cpu                       = 256
  memory                    = 512
  cpu_architecture          = "X86_64"
  log_group_name            = "/ecs/jitsi-app"
  container_health_check    = { interval = 30, timeout = 5, retries = 3, start_period = 60 }
  health_check_grace_period = 120
}

run "tls_443_through_a_network_load_balancer" {
  command = apply

  module {
    source = "./modules/turn"
  }

  assert {
    condition     = aws_lb.this.load_balancer_type == "network" && !aws_lb.this.internal && aws_lb.this.enable_cross_zone_load_balancing
    error_message = "an internet-facing NLB that reaches the one coturn task from every AZ"
  }
  assert {
    condition = (
      aws_lb_listener.tls.port == 443 && aws_lb_listener.tls.protocol == "TLS" &&
      aws_lb_listener.tls.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06" &&
      aws_lb_listener.tls.default_action[0].target_group_arn == aws_lb_target_group.this.arn
    )
    error_message = "TLS on 443 with the stack's TLS policy, forwarded to coturn"
  }
  assert {
    condition     = aws_lb_target_group.this.protocol == "TCP" && aws_lb_target_group.this.port == 3478 && aws_lb_target_group.this.target_type == "ip"
    error_message = "plain TCP TURN to coturn's task address"
  }
  assert {
    condition     = aws_lb_listener.tls.certificate_arn == "arn:aws:acm:us-west-2:123456789012:certificate/turn-mock"
    error_message = "TLS serves the certificate created for the TURN host (modules/domain)"
  }
  assert {
    condition     = output.host == "turn.meet.example.com" && output.port == 443
    error_message = "host and port, as prosody advertises them"
  }

  # ---- coturn container
  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].image == "coturn/coturn:4.17.0-r0" &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets == [{ name = "TURN_SECRET", valueFrom = var.secret_arn }] &&
      length(try(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment, [])) == 0
    )
    error_message = "the pinned image; the shared secret only through ECS secrets"
  }
  assert {
    condition = alltrue([for flag in ["--use-auth-secret", "--realm=turn.meet.example.com", "--listening-port=3478", "--no-udp", "--no-tls", "--no-dtls", "--no-cli", "--min-port=49152", "--max-port=49407"] :
    contains(local.flags, flag)])
    error_message = "time-limited credentials, TCP behind the load balancer and the relay ports"
  }
  assert {
    # issue 21: not an open relay
    condition = alltrue([for flag in ["--no-tcp-relay", "--no-multicast-peers", "--user-quota=12", "--total-quota=200", "--max-bps=500000", "--bps-capacity=6250000"] :
    contains(local.flags, flag)])
    error_message = "no TCP relay, per-credential and total quotas, a per-session and a total bandwidth cap"
  }
  assert {
    condition = alltrue([for range in ["10.0.0.0-10.255.255.255", "169.254.0.0-169.254.255.255", "127.0.0.0-127.255.255.255", "172.16.0.0-172.31.255.255", "192.168.0.0-192.168.255.255", "100.64.0.0-100.127.255.255", "198.18.0.0-198.19.255.255", "192.0.0.0-192.0.0.255", "240.0.0.0-255.255.255.255", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "10.42.0.0-10.42.255.255"] :
    contains(local.flags, "--denied-peer-ip=${range}")])
    error_message = "coturn never relays into the VPC, to loopback, link-local, CGNAT, reserved ranges or IPv6"
  }
  assert {
    # issue 21: the secret reaches coturn through a file on the tmpfs, never its command line
    condition = (
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].entryPoint == ["/bin/sh", "-c"] &&
      length(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].command) == 1 &&
      strcontains(local.start, "printf 'static-auth-secret=%s\\n' \"$TURN_SECRET\" > /var/lib/coturn/auth.conf") &&
      strcontains(local.start, "unset TURN_SECRET") &&
      strcontains(local.start, "exec turnserver -c /var/lib/coturn/auth.conf --external-ip=\"$(detect-external-ip)\" ") &&
      !anytrue([for f in local.flags : strcontains(f, "TURN_SECRET") || strcontains(f, "static-auth-secret")])
    )
    error_message = "the shared secret is written owner-only to the tmpfs and read from there, never passed as an argument"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem && jsondecode(aws_ecs_task_definition.this.container_definitions)[0].linuxParameters.tmpfs[0].containerPath == "/var/lib/coturn"
    error_message = "read-only root; coturn (nobody) writes only its database directory, a tmpfs"
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.interval == 30 && strcontains(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command[1], "/dev/tcp/127.0.0.1/3478")
    error_message = "a real health check: coturn accepts TCP on its TURN port"
  }
  assert {
    condition = (
      aws_ecs_service.this.deployment_circuit_breaker[0].enable && aws_ecs_service.this.deployment_circuit_breaker[0].rollback &&
      aws_ecs_service.this.network_configuration[0].assign_public_ip && aws_ecs_service.this.cluster == var.cluster_arn &&
      aws_ecs_service.this.health_check_grace_period_seconds == 120
    )
    error_message = "the same safety nets as the other services; a public IP to relay from"
  }

  # ---- narrow security groups
  assert {
    condition     = aws_vpc_security_group_ingress_rule.tls.cidr_ipv4 == "0.0.0.0/0" && aws_vpc_security_group_ingress_rule.tls.from_port == 443 && aws_vpc_security_group_ingress_rule.tls.security_group_id == aws_security_group.nlb.id
    error_message = "participants reach the load balancer on 443 only"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.from_nlb.referenced_security_group_id == aws_security_group.nlb.id && aws_vpc_security_group_ingress_rule.from_nlb.from_port == 3478 && aws_vpc_security_group_ingress_rule.from_nlb.ip_protocol == "tcp"
    error_message = "coturn's TURN port only from its load balancer"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.relay.ip_protocol == "udp" && aws_vpc_security_group_ingress_rule.relay.from_port == 49152 && aws_vpc_security_group_ingress_rule.relay.to_port == 49407
    error_message = "relayed media on coturn's relay ports only"
  }
  assert {
    # issue 21: out only HTTPS, one DNS resolver for the external-IP lookup, and the bridges' media port
    condition = (
      aws_vpc_security_group_egress_rule.https.ip_protocol == "tcp" && aws_vpc_security_group_egress_rule.https.from_port == 443 && aws_vpc_security_group_egress_rule.https.to_port == 443 &&
      aws_vpc_security_group_egress_rule.external_ip_lookup.ip_protocol == "udp" && aws_vpc_security_group_egress_rule.external_ip_lookup.from_port == 53 && aws_vpc_security_group_egress_rule.external_ip_lookup.cidr_ipv4 == "208.67.222.222/32" &&
      aws_vpc_security_group_egress_rule.media.ip_protocol == "udp" && aws_vpc_security_group_egress_rule.media.from_port == 10000 && aws_vpc_security_group_egress_rule.media.to_port == 10000
    )
    error_message = "coturn's egress: HTTPS, its external-IP lookup, and UDP to the bridges' media port only"
  }
  assert {
    condition     = jsondecode(module.execution_role.secrets_policy.document).Statement[0].Resource == [var.secret_arn] && module.execution_role.secrets_policy.name == "read-turn-secret" && module.execution_role.name == "jitsi-turn-execution" && aws_ecs_task_definition.this.execution_role_arn == module.execution_role.arn
    error_message = "coturn's execution role reads its own secret only"
  }

  # ---- always on without a schedule
  assert {
    condition     = output.scaling_resource_id == null
    error_message = "no schedule, no scaling"
  }
}

run "own_certificate" {
  command = apply

  module {
    source = "./modules/turn"
  }

  variables {
    certificate_arn = "arn:aws:acm:us-west-2:123456789012:certificate/turn"
    route53_zone_id = null
  }

  assert {
    condition     = aws_lb_listener.tls.certificate_arn == "arn:aws:acm:us-west-2:123456789012:certificate/turn"
    error_message = "a given certificate is used as is"
  }
}

run "asleep_with_the_stack" {
  command = apply

  module {
    source = "./modules/turn"
  }

  variables {
    schedule = { days = "MON-FRI", start_hour = 8, stop_hour = 18 }
  }

  assert {
    condition     = output.scaling_resource_id == "service/jitsi/turn"
    error_message = "the office-hours schedule scales coturn's service too"
  }
}

# A TURN server deployed before modules/domain keeps its certificate: the moved blocks take it over.
run "before_domain_module" {
  command   = apply
  state_key = "moved"

  module {
    source = "./tests/fixtures/before_domain"
  }

  override_resource {
    target = aws_acm_certificate.this
    values = {
      arn = "arn:aws:acm:us-west-2:123456789012:certificate/deployed"
      domain_validation_options = [{
        domain_name           = "turn.meet.example.com"
        resource_record_name  = "_x.turn.meet.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_y.acm-validations.aws."
      }]
    }
  }
}

run "deployed_certificate_is_moved_not_replaced" {
  command   = apply
  state_key = "moved"

  module {
    source = "./modules/turn"
  }

  assert {
    condition     = aws_lb_listener.tls.certificate_arn == "arn:aws:acm:us-west-2:123456789012:certificate/deployed"
    error_message = "the certificate made before modules/domain must be kept (a replacement would get the override's new ARN)"
  }
}

# A TURN server deployed before modules/execution_role keeps its execution role, the
# managed-policy attachment and the read policy: the moved blocks take them over. The mock
# provider never replaces on a changed name, so the names are checked as well.
run "before_execution_role_module" {
  command   = apply
  state_key = "execution_role"

  module {
    source = "./tests/fixtures/before_execution_role/turn"
  }

  variables {
    role_name   = "jitsi-turn-execution"
    policy_name = "read-turn-secret"
  }

  override_resource {
    target = aws_iam_role.execution
    values = { arn = "arn:aws:iam::123456789012:role/jitsi-turn-execution-deployed" }
  }
  override_resource {
    target = aws_iam_role_policy_attachment.execution
    values = { id = "jitsi-turn-execution-attachment-deployed" }
  }
  override_resource {
    target = aws_iam_role_policy.read_secret
    values = { id = "jitsi-turn-execution:read-turn-secret" }
  }
}

run "deployed_execution_role_is_moved_not_replaced" {
  command   = apply
  state_key = "execution_role"

  module {
    source = "./modules/turn"
  }

  assert {
    condition     = aws_ecs_task_definition.this.execution_role_arn == "arn:aws:iam::123456789012:role/jitsi-turn-execution-deployed" && module.execution_role.name == "jitsi-turn-execution"
    error_message = "the execution role made before modules/execution_role must be kept, under its name (a replacement would get the mock's new ARN)"
  }
  assert {
    condition     = module.execution_role.managed_policy.attachment_id == "jitsi-turn-execution-attachment-deployed"
    error_message = "the managed-policy attachment is kept too"
  }
  assert {
    condition     = module.execution_role.secrets_policy.id == "jitsi-turn-execution:read-turn-secret" && module.execution_role.secrets_policy.name == "read-turn-secret"
    error_message = "the read policy is kept too, under its name"
  }
}
