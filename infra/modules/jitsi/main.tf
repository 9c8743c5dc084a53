locals {
  registry   = var.image.registry
  web_port   = var.web_port
  public_url = "https://${var.domain}"
  xmpp_host  = "xmpp.${var.internal_domain}"
  # The images' private REST ports (their defaults: nothing here sets them). The health
  # checks, the guard and the telemetry function reach them; no group opens them to anyone
  # else. (Python's copy is jitsi_ecs.telemetry.sources; `verify` holds the two together.)
  rest_ports = { jvb = 8080, jicofo = 8888 }
  # JVB's REST APIs nothing here uses are switched off: /debug (it also switches debug
  # features) and /colibri/drain. The image has no variable for them; jvb.sh passes
  # VIDEOBRIDGE_DEBUG_OPTIONS to the JVM, whose system properties override jvb.conf. What
  # stays: /about/health, /metrics, and the COLIBRI group (/colibri/stats, v2 conferences,
  # muc-client, /colibri/debug), which JVB switches as one and without which its shutdown
  # API is off: the guard needs /colibri/stats and POST /colibri/shutdown (in the task,
  # 127.0.0.1); telemetry reads /colibri/stats or /metrics through the one group that
  # reaches the port. (Python's copy: jitsi_ecs.verify.jitsi.JVB_CLOSED_APIS.)
  jvb_closed_apis = "-Dvideobridge.rest.debug.enabled=false -Dvideobridge.rest.drain.enabled=false"

  # Settings several containers share. The logical XMPP names never resolve, but must match
  # everywhere they are read.
  shared = merge({
    XMPP_DOMAIN              = "meet.jitsi"
    XMPP_AUTH_DOMAIN         = "auth.meet.jitsi"
    XMPP_MUC_DOMAIN          = "muc.meet.jitsi"
    XMPP_INTERNAL_MUC_DOMAIN = "internal-muc.meet.jitsi"
    XMPP_GUEST_DOMAIN        = "guest.meet.jitsi"
    PUBLIC_URL               = local.public_url
    TZ                       = "UTC"
    }, var.auth_type == "jwt" ? {
    ENABLE_AUTH = "1"
    # Guests: prosody adds the guest VirtualHost and web points token-less users at it; they
    # wait until a token holder opened the room (jicofo lets only authenticated users create).
    ENABLE_GUESTS = var.guests ? "1" : "0"
    AUTH_TYPE     = "jwt"
    JWT_APP_ID    = var.jwt_app_id
    # One key for issuer and audience: without these prosody accepts any audience.
    JWT_ACCEPTED_ISSUERS   = var.jwt_app_id
    JWT_ACCEPTED_AUDIENCES = var.jwt_app_id
  } : { ENABLE_AUTH = "0" })
  # Which shared names each image reads (docker-jitsi-meet templates at stable-11031 and
  # stable-11146-2; a test checks every variable set against both): set nothing an image
  # ignores. jvb read PUBLIC_URL only for colibri websockets (off; gone in 11146).
  reads = {
    web     = ["XMPP_DOMAIN", "XMPP_MUC_DOMAIN", "XMPP_GUEST_DOMAIN", "PUBLIC_URL", "TZ", "ENABLE_AUTH", "ENABLE_GUESTS"]
    prosody = ["XMPP_DOMAIN", "XMPP_AUTH_DOMAIN", "XMPP_MUC_DOMAIN", "XMPP_INTERNAL_MUC_DOMAIN", "XMPP_GUEST_DOMAIN", "PUBLIC_URL", "TZ", "ENABLE_AUTH", "ENABLE_GUESTS", "AUTH_TYPE", "JWT_APP_ID", "JWT_ACCEPTED_ISSUERS", "JWT_ACCEPTED_AUDIENCES"]
    jicofo  = ["XMPP_DOMAIN", "XMPP_AUTH_DOMAIN", "XMPP_MUC_DOMAIN", "XMPP_INTERNAL_MUC_DOMAIN", "TZ", "ENABLE_AUTH", "AUTH_TYPE"]
    jvb     = ["XMPP_AUTH_DOMAIN", "XMPP_INTERNAL_MUC_DOMAIN", "TZ"]
  }
  shared_env = { for c, names in local.reads : c => { for n in names : n => local.shared[n] if contains(keys(local.shared), n) } }

  secret_names = concat(
    ["JICOFO_AUTH_PASSWORD", "JVB_AUTH_PASSWORD"],
    var.auth_type == "jwt" ? ["JWT_APP_SECRET"] : [],
    var.turn == null ? [] : ["TURN_CREDENTIALS"], # prosody signs TURN credentials, coturn checks them
  )
  secrets = {
    for n in local.secret_names : n => { name = n, valueFrom = aws_ssm_parameter.secret[n].arn }
  }

  # The layout decides which containers run together. The invariant of both: exactly one
  # task runs prosody + jicofo (desired 1, deployed 0%/100%, never on Spot); what scales out
  # is bridges alone, joining the shard's brewery.
  #   compact: shard = web + prosody + jicofo + jvb (one task per shard) [+ jvb: bridges alone]
  #   growth:  web (across the AZs), xmpp = prosody + jicofo, jvb = bridges alone
  compact = var.layout == "compact"
  # Bridges in total (autoscaling min/max); in compact the shard's own bridge is one of them.
  alone_min = local.compact ? var.jvb.autoscaling.min_count - 1 : var.jvb.autoscaling.min_count
  alone_max = local.compact ? var.jvb.autoscaling.max_count - 1 : var.jvb.autoscaling.max_count

  signaling = { desired_count = 1, min_percent = 0, max_percent = 100, spot = false, autoscaled = false }
  services = merge(
    local.compact ? {
      shard = merge(local.signaling, {
        containers = ["web", "prosody", "jicofo", "jvb"]
        cpu        = var.shard.cpu
        memory     = var.shard.memory
      })
      } : {
      web = {
        containers    = ["web"]
        desired_count = var.web.desired_count
        min_percent   = 100
        max_percent   = 200
        cpu           = var.web.cpu
        memory        = var.web.memory
        spot          = var.web.spot
        autoscaled    = false
      }
      xmpp = merge(local.signaling, {
        containers = ["prosody", "jicofo"]
        cpu        = var.xmpp.cpu
        memory     = var.xmpp.memory
      })
    },
    local.alone_max > 0 ? {
      jvb = {
        containers    = ["jvb"]
        desired_count = local.alone_min
        min_percent   = 100
        max_percent   = 200
        cpu           = var.jvb.cpu
        memory        = var.jvb.memory
        spot          = var.jvb.spot
        autoscaled    = true
      }
    } : {},
  )

  # What each container needs from the network; a task gets the groups of what it runs.
  role_security_group = {
    web     = aws_security_group.web.id
    prosody = aws_security_group.xmpp.id
    jicofo  = aws_security_group.xmpp.id
    jvb     = aws_security_group.jvb.id
  }
  # Cloud Map names: where bridges and jicofo find prosody (xmpp.<ns>), and where the
  # telemetry collector finds every bridge (the names of the services that run one).
  cloud_map_name = {
    for k, s in local.services : k => contains(s.containers, "prosody") ? "xmpp" : (contains(s.containers, "jvb") ? "jvb" : null)
  }
  bridge_dns_names = sort([for k, s in local.services : "${local.cloud_map_name[k]}.${var.internal_domain}" if contains(s.containers, "jvb")])

  health = {
    interval    = var.container_health_check.interval
    timeout     = var.container_health_check.timeout
    retries     = var.container_health_check.retries
    startPeriod = var.container_health_check.start_period
  }
}

resource "aws_ecs_cluster" "this" {
  #checkov:skip=CKV_AWS_65: off by default to keep the bill (custom metrics per service and task family); observability.container_insights = true turns it on
  name = var.name

  # Off by default: it bills ~8-13 custom metrics per service and task family; the alarms use
  # free metrics (ALB, AWS/ECS) and ECS events instead. observability.container_insights.
  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

# ---------------------------------------------------------------- secrets
# Written without ever entering Terraform's plan or state: the values arrive in an ephemeral
# variable (jitsi-ecs generates them and passes them in the terraform process's environment,
# never on disk) and reach SSM through the write-only value_wo. They are written when a
# parameter is created and whenever secrets_version changes (`jitsi-ecs rotate-secrets`);
# otherwise the stored values stay. Containers read them through ECS `secrets`.
# (An `ephemeral "aws_secretsmanager_random_password"` would generate them in Terraform, but
# Terraform 1.11's mock providers cannot mock ephemeral resources, and every module test here
# runs on a mock provider.)
resource "aws_ssm_parameter" "secret" {
  #checkov:skip=CKV_AWS_337: encrypted with the AWS-managed aws/ssm key; a customer key costs $1/month and needs kms:Decrypt wiring
  for_each = toset(local.secret_names)

  name             = "/${var.name}/${lower(each.key)}"
  type             = "SecureString"
  value_wo         = var.secret_values[each.key]
  value_wo_version = var.secrets_version
  tags             = var.tags
}

# ---------------------------------------------------------------- IAM
# The task roles' trust policy comes from the one module that writes every role's trust.
module "trust" {
  source = "../trust"
}

# One execution role for every service: the ECS agent reads the Jitsi secrets with it.
module "execution_role" {
  source = "../execution_role"

  name           = "${var.name}-execution"
  secrets        = { for k, p in aws_ssm_parameter.secret : k => p.arn }
  secrets_policy = { name = "read-jitsi-secrets", sid = "ReadJitsiSecrets" }
  tags           = var.tags
}

# The role and its policies were this module's own before modules/execution_role: moved, so a
# deployed stack keeps them.
moved {
  from = aws_iam_role.execution
  to   = module.execution_role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.execution
  to   = module.execution_role.aws_iam_role_policy_attachment.this
}

moved {
  from = aws_iam_role_policy.read_secrets
  to   = module.execution_role.aws_iam_role_policy.this[0]
}

# One task role per service: what one service's containers may call never widens another's.
# A service that runs a bridge also gets its scale-in protection (bridges.tf).
resource "aws_iam_role" "task" {
  for_each = local.services

  name               = "${var.name}-${each.key}-task"
  assume_role_policy = module.trust.ecs_task
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "task_adot" {
  for_each = var.adot_policy_arn == null ? {} : local.services

  role       = aws_iam_role.task[each.key].name
  policy_arn = var.adot_policy_arn
}

# ---------------------------------------------------------------- network
resource "aws_security_group" "web" {
  #checkov:skip=CKV2_AWS_5: attached to the tasks through local.role_security_group, a lookup checkov does not follow
  name        = "${var.name}-web"
  description = "Jitsi web (nginx): HTTP from the ALB only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_security_group" "xmpp" {
  #checkov:skip=CKV2_AWS_5: attached to the tasks through local.role_security_group, a lookup checkov does not follow
  name        = "${var.name}-xmpp"
  description = "prosody + jicofo: XMPP and BOSH from web and jvb only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_security_group" "jvb" {
  #checkov:skip=CKV2_AWS_5: attached to the tasks through local.role_security_group, a lookup checkov does not follow
  name        = "${var.name}-jvb"
  description = "JVB: media UDP 10000 from anywhere; REST ${local.rest_ports.jvb} never exposed"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "web_from_alb" {
  security_group_id            = aws_security_group.web.id
  description                  = "HTTP from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = local.web_port
  to_port                      = local.web_port
  referenced_security_group_id = var.alb_security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "bosh_from_web" {
  security_group_id            = aws_security_group.xmpp.id
  description                  = "BOSH and XMPP websocket from web"
  ip_protocol                  = "tcp"
  from_port                    = 5280
  to_port                      = 5280
  referenced_security_group_id = aws_security_group.web.id
}

resource "aws_vpc_security_group_ingress_rule" "xmpp_from_jvb" {
  security_group_id            = aws_security_group.xmpp.id
  description                  = "XMPP client port for the bridges"
  ip_protocol                  = "tcp"
  from_port                    = 5222
  to_port                      = 5222
  referenced_security_group_id = aws_security_group.jvb.id
}

resource "aws_vpc_security_group_ingress_rule" "media" {
  #checkov:skip=CKV_AWS_24: not SSH; UDP 10000 is the WebRTC media port every participant must reach
  security_group_id = aws_security_group.jvb.id
  description       = "WebRTC media (UDP 10000) from participants"
  ip_protocol       = "udp"
  from_port         = var.jvb.udp_port
  to_port           = var.jvb.udp_port
  cidr_ipv4         = "0.0.0.0/0"
}

# Outbound, per group, only what its containers need. No NAT and no VPC endpoints (both cost
# more than this stack): image pulls, SSM, CloudWatch and ECS leave over HTTPS through the
# internet gateway. DNS, the task metadata endpoint and time sync are not filtered by security
# groups. A compact task holds all three groups, so it gets the union.
locals {
  egress = {
    web_https  = { group = "web", protocol = "tcp", from = 443, to = 443, peer = null, what = "HTTPS: image pulls, AWS APIs" }
    web_xmpp   = { group = "web", protocol = "tcp", from = 5280, to = 5280, peer = "xmpp", what = "BOSH and XMPP websocket to prosody" }
    xmpp_https = { group = "xmpp", protocol = "tcp", from = 443, to = 443, peer = null, what = "HTTPS: image pulls, AWS APIs" }
    jvb_https  = { group = "jvb", protocol = "tcp", from = 443, to = 443, peer = null, what = "HTTPS: image pulls, AWS APIs" }
    jvb_xmpp   = { group = "jvb", protocol = "tcp", from = 5222, to = 5222, peer = "xmpp", what = "XMPP to prosody (the brewery)" }
    # Media to each participant's own port, STUN, and relays between bridges: UDP, any port.
    jvb_media = { group = "jvb", protocol = "udp", from = 0, to = 65535, peer = null, what = "WebRTC media, STUN and relays (UDP)" }
  }
  group_id = { web = aws_security_group.web.id, xmpp = aws_security_group.xmpp.id, jvb = aws_security_group.jvb.id }
}

resource "aws_vpc_security_group_egress_rule" "this" {
  for_each = local.egress

  security_group_id            = local.group_id[each.value.group]
  description                  = each.value.what
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.from
  to_port                      = each.value.to
  cidr_ipv4                    = each.value.peer == null ? "0.0.0.0/0" : null
  referenced_security_group_id = each.value.peer == null ? null : local.group_id[each.value.peer]
}

# ---------------------------------------------------------------- service discovery
resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.internal_domain
  description = "Internal names of the Jitsi services (awsvpc has no container links)"
  vpc         = var.vpc_id
  tags        = var.tags
}

# Private names, one A record per task: bridges (and web in growth) reach prosody at
# xmpp.<namespace>; the telemetry collector finds the bridges at the names in bridge_dns_names.
resource "aws_service_discovery_service" "this" {
  for_each = toset(compact(values(local.cloud_map_name)))

  name = each.key

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    dns_records {
      ttl  = 10
      type = "A"
    }
  }

  health_check_custom_config {
    failure_threshold = 1
  }

  tags = var.tags
}

moved {
  from = aws_service_discovery_service.xmpp
  to   = aws_service_discovery_service.this["xmpp"]
}
