locals {
  cluster_name = var.name
  # The /auth/ page (modules/auth serves /auth and /auth/*).
  auth_url = "https://${var.domain}/auth/"
  # stable-11146 moved the images to ghcr.io, made them rootless (uid 1000, read-only root,
  # tmpfs /run and /tmp, which Fargate offers since 2026-01) and moved web to port 8000. It is
  # the maintained line and the default; stable-11031 (Docker Hub, root, port 80) gets no
  # more fixes but stays selectable. See README "Image line".
  image_build = tonumber(regex("^stable-([0-9]+)", var.jitsi.image.tag)[0])
  rootless    = local.image_build >= 11146
  image = {
    tag      = var.jitsi.image.tag
    registry = coalesce(var.jitsi.image.registry, local.rootless ? "ghcr.io/jitsi" : "docker.io/jitsi")
    rootless = local.rootless
    digests  = var.jitsi.image.digests
  }
  web_port = local.rootless ? 8000 : 80
  # The ALB closes a connection idle this long; nginx in web keeps its own open longer (the
  # jitsi module derives NGINX_KEEPALIVE_TIMEOUT from it). BOSH long-polls hold ~60 s.
  alb_idle_timeout = 120
  turn_host        = coalesce(var.jitsi.turn.host, "turn.${var.domain}")
  # TURN over TLS on 443: it passes firewalls that let only HTTPS out.
  turn_port = 443
  # Minutes a service may look down before its availability alarm fires (a 0%/100%
  # deployment of signaling takes 1-3).
  availability_periods = 5
}

module "network" {
  source = "./modules/network"

  name                  = var.name
  cidr                  = var.network.cidr
  az_count              = var.network.az_count
  vpc_id                = var.network.vpc_id
  public_subnet_ids     = var.network.public_subnet_ids
  flow_logs_destination = var.network.flow_logs ? module.log_bucket[0].flow_logs_destination : null
}

# Where AWS delivers the logs it writes to S3 (ALB requests, VPC flows), only when one is on.
module "log_bucket" {
  source = "./modules/log_bucket"
  count  = var.alb.access_logs || var.network.flow_logs ? 1 : 0

  name           = var.name
  retention_days = var.observability.log_retention_days
}

# `jitsi-ecs down` keeps the log bucket (and its logs) unless --delete-logs: it leaves the
# bucket and its settings out of the state before destroying the rest. A later up takes them
# back here instead of failing on "bucket exists" (an import of what the state already holds
# changes nothing).
locals {
  log_bucket_imports = var.kept_log_bucket != null && (var.alb.access_logs || var.network.flow_logs) ? toset([var.kept_log_bucket]) : toset([])
}

import {
  for_each = local.log_bucket_imports
  to       = module.log_bucket[0].aws_s3_bucket.this
  id       = each.value
}

import {
  for_each = local.log_bucket_imports
  to       = module.log_bucket[0].aws_s3_bucket_public_access_block.this
  id       = each.value
}

import {
  for_each = local.log_bucket_imports
  to       = module.log_bucket[0].aws_s3_bucket_ownership_controls.this
  id       = each.value
}

import {
  for_each = local.log_bucket_imports
  to       = module.log_bucket[0].aws_s3_bucket_server_side_encryption_configuration.this
  id       = each.value
}

import {
  for_each = local.log_bucket_imports
  to       = module.log_bucket[0].aws_s3_bucket_lifecycle_configuration.this
  id       = each.value
}

import {
  for_each = local.log_bucket_imports
  to       = module.log_bucket[0].aws_s3_bucket_policy.this
  id       = each.value
}

module "edge" {
  source = "./modules/edge"

  name                = var.name
  vpc_id              = module.network.vpc_id
  vpc_cidr            = coalesce(module.network.vpc_cidr, var.network.cidr)
  subnet_ids          = module.network.public_subnet_ids
  domain              = var.domain
  certificate_arn     = var.certificate_arn
  route53_zone_id     = var.route53_zone_id
  ssl_policy          = var.ssl_policy
  idle_timeout        = local.alb_idle_timeout
  hsts_max_age        = var.alb.hsts_max_age
  deletion_protection = var.alb.deletion_protection
  access_logs = var.alb.access_logs ? {
    bucket = module.log_bucket[0].bucket
    prefix = module.log_bucket[0].alb_prefix
  } : null
  default_target = {
    port        = local.web_port
    health_path = var.health_check.target_group.path
  }
  health_check = {
    interval            = var.health_check.target_group.interval
    timeout             = var.health_check.target_group.timeout
    healthy_threshold   = var.health_check.target_group.healthy_threshold
    unhealthy_threshold = var.health_check.target_group.unhealthy_threshold
  }
}

module "observability" {
  source = "./modules/observability"

  name               = var.name
  region             = var.region
  log_group_name     = var.observability.log_group_name
  log_retention_days = var.observability.log_retention_days
  adot_containers    = var.observability.adot_containers
  metric_namespace   = var.observability.metric_namespace
  transaction_search = var.observability.transaction_search
  jitsi_metrics      = var.telemetry.enabled
  container_insights = var.observability.container_insights
  dashboard = {
    alb_arn_suffix          = module.edge.alb_arn_suffix
    target_group_arn_suffix = module.edge.web_target_group_arn_suffix
    cluster_name            = local.cluster_name
    service_names           = concat(keys(module.jitsi.service_facts), keys(var.services))
  }
}

module "alarms" {
  source = "./modules/alarms"

  name                    = var.name
  topic_name              = var.alarms.topic_name
  emails                  = var.alarms.emails
  alb_arn_suffix          = module.edge.alb_arn_suffix
  target_group_arn_suffix = module.edge.web_target_group_arn_suffix
  cluster_name            = local.cluster_name
  cluster_arn             = module.jitsi.cluster_arn
  # Operator services ([services.*]) carry their own target-group alarms (modules/service).
  services             = module.jitsi.service_facts
  container_insights   = var.observability.container_insights
  period               = var.alarms.period
  availability_periods = local.availability_periods
  thresholds = {
    target_5xx          = var.alarms.target_5xx_threshold
    elb_5xx             = var.alarms.elb_5xx_threshold
    p99_latency_seconds = var.alarms.p99_latency_seconds
  }
}

module "jitsi" {
  source = "./modules/jitsi"

  name             = local.cluster_name
  region           = var.region
  domain           = var.domain
  internal_domain  = var.jitsi.internal_domain
  image            = local.image
  web_port         = local.web_port
  alb_idle_timeout = local.alb_idle_timeout
  # Bridge-to-bridge relay as soon as more than one bridge can run (compact: counting the
  # shard's own bridge).
  relay = var.jitsi.jvb.autoscaling.max_count > 1
  # prosody advertises TURN over TLS; the module keeps the secret coturn checks.
  turn             = var.jitsi.turn.enabled ? { host = local.turn_host, port = local.turn_port, ttl_seconds = var.jitsi.turn.credential_ttl_hours * 3600 } : null
  cpu_architecture = var.jitsi.cpu_architecture
  auth_type        = var.jitsi.auth_type
  jwt_app_id       = var.jitsi.jwt_app_id
  guests           = var.jitsi.guests
  # The host who opens the plain room link gets Jitsi's "I am the host" login: with /auth/
  # on it goes there (the page takes the room back, the member lands in it as moderator).
  token_auth_url     = var.auth.enabled ? "${local.auth_url}?room={room}" : null
  layout             = var.jitsi.layout
  shard              = var.jitsi.shard
  web                = var.jitsi.web
  xmpp               = var.jitsi.xmpp
  jvb                = var.jitsi.jvb
  schedule           = var.jitsi.schedule
  container_insights = var.observability.container_insights
  metric_namespace   = var.observability.metric_namespace
  container_health_check = {
    interval     = var.health_check.container.interval
    timeout      = var.health_check.container.timeout
    retries      = var.health_check.container.retries
    start_period = var.health_check.container.start_period
  }
  health_check_grace_period  = var.health_check.grace_period
  secret_values              = var.generated_secrets
  secrets_version            = var.secrets_version
  web_deployment_alarm_names = module.alarms.web_deployment_alarm_names
  # The shard's: its target group's own 5xx and p99 (not the ALB's 503 during 0%/100%).
  shard_deployment_alarm_names = module.alarms.shard_deployment_alarm_names
  # The bridges alone: one that runs but never joins the brewery (telemetry's alarm).
  bridge_deployment_alarm_names = try(module.telemetry[0].bridge_deployment_alarm_names, [])
  vpc_id                        = module.network.vpc_id
  subnet_ids                    = module.network.public_subnet_ids
  alb_security_group_id         = module.edge.alb_security_group_id
  web_target_group_arn          = module.edge.web_target_group_arn
  log_group_name                = module.observability.log_group_name
  adot_env                      = module.observability.adot_env
  adot_policy_arn               = length(var.observability.adot_containers) > 0 ? module.observability.adot_policy_arn : null
}

module "turn" {
  source = "./modules/turn"
  count  = var.jitsi.turn.enabled ? 1 : 0

  name             = var.name
  region           = var.region
  vpc_id           = module.network.vpc_id
  vpc_cidr         = coalesce(module.network.vpc_cidr, var.network.cidr)
  peer_udp_port    = var.jitsi.jvb.udp_port
  subnet_ids       = module.network.public_subnet_ids
  cluster_arn      = module.jitsi.cluster_arn
  cluster_name     = local.cluster_name
  host             = local.turn_host
  port             = local.turn_port
  secret_arn       = module.jitsi.turn_secret_arn
  certificate_arn  = var.jitsi.turn.certificate_arn
  route53_zone_id  = var.route53_zone_id
  ssl_policy       = var.ssl_policy
  image            = var.jitsi.turn.image
  cpu              = var.jitsi.turn.cpu
  memory           = var.jitsi.turn.memory
  cpu_architecture = var.jitsi.cpu_architecture
  log_group_name   = module.observability.log_group_name
  container_health_check = {
    interval     = var.health_check.container.interval
    timeout      = var.health_check.container.timeout
    retries      = var.health_check.container.retries
    start_period = var.health_check.container.start_period
  }
  health_check_grace_period = var.health_check.grace_period
  schedule                  = var.jitsi.schedule
}

module "telemetry" {
  source = "./modules/telemetry"
  count  = var.telemetry.enabled ? 1 : 0

  name                   = var.name
  vpc_id                 = module.network.vpc_id
  subnet_ids             = module.network.public_subnet_ids
  jvb_security_group_id  = module.jitsi.jvb_security_group_id
  xmpp_security_group_id = module.jitsi.xmpp_security_group_id
  bridge_dns_names       = module.jitsi.bridge_dns_names
  jicofo_url             = module.jitsi.jicofo_url
  rest_ports             = module.jitsi.rest_ports
  package                = var.telemetry_package
  namespace              = var.observability.metric_namespace
  schedule_expression    = var.telemetry.schedule_expression
  stress_threshold       = var.telemetry.stress_threshold
  egress_alarm_kbps      = var.egress_alarm_kbps
  alarm_topic_arn        = module.alarms.topic_arn
}

# Asleep on purpose is not down: outside the schedule's hours the alarms that watch
# availability stay quiet and the telemetry collector pauses.
module "quiet_hours" {
  source = "./modules/quiet_hours"
  count  = var.jitsi.schedule == null ? 0 : 1

  name     = var.name
  schedule = var.jitsi.schedule
  alarm_names = concat(
    module.alarms.availability_alarm_names,
    try(module.telemetry[0].availability_alarm_names, []),
    flatten([for s in module.services : s.availability_alarm_names]),
  )
  event_rule_names = compact([try(module.telemetry[0].schedule_rule_name, null)])
}

module "auth" {
  source = "./modules/auth"
  count  = var.auth.enabled ? 1 : 0

  name                 = var.name
  region               = var.region
  domain               = var.domain
  alb_arn              = module.edge.alb_arn
  https_listener_arn   = module.edge.https_listener_arn
  provider_type        = var.auth.provider
  oidc                 = var.auth.oidc
  jwt_app_id           = var.jitsi.jwt_app_id
  jwt_secret_parameter = module.jitsi.jwt_secret_parameter
  token_ttl_hours      = var.auth.token_ttl_hours
  mfa                  = var.auth.mfa
  login_rate_limit     = var.auth.login_rate_limit
  guests               = var.jitsi.guests
  package              = var.auth_package
  adot_layer_arn       = var.adot_lambda_layer_arn
  log_group_name       = module.observability.log_group_name
  metric_namespace     = var.observability.metric_namespace
  log_retention_days   = var.observability.log_retention_days
  alarm_topic_arn      = module.alarms.topic_arn
}

module "budgets" {
  source = "./modules/budgets"

  name       = var.name
  limits     = var.budgets.limits
  emails     = var.budgets.emails
  topic_name = var.budgets.topic_name
}

# Operator services behind the same ALB ([services.*]), each with the nets Jitsi's have.
module "services" {
  source   = "./modules/service"
  for_each = var.services

  name             = each.key
  stack_name       = var.name
  region           = var.region
  service          = each.value
  cpu_architecture = var.jitsi.cpu_architecture
  schedule         = var.jitsi.schedule
  cluster = {
    name = module.jitsi.cluster_name
    arn  = module.jitsi.cluster_arn
  }
  health_check = var.health_check
  vpc_id       = module.network.vpc_id
  subnet_ids   = module.network.public_subnet_ids
  alb = {
    security_group_id = module.edge.alb_security_group_id
    listener_arn      = module.edge.https_listener_arn
    arn_suffix        = module.edge.alb_arn_suffix
  }
  log_group_name = module.observability.log_group_name
  adot = {
    policy_arn       = module.observability.adot_policy_arn
    metric_namespace = var.observability.metric_namespace
  }
  alarms = {
    topic_arn            = module.alarms.topic_arn
    period               = var.alarms.period
    target_5xx           = var.alarms.target_5xx_threshold
    p99_latency_seconds  = var.alarms.p99_latency_seconds
    availability_periods = local.availability_periods
  }
}
