locals {
  registry   = var.image.registry
  web_port   = var.web_port
  public_url = "https://${var.domain}"
  xmpp_host  = "xmpp.${var.internal_domain}"

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
  # Which shared names each image reads (docker-jitsi-meet templates at stable-11031; a test
  # checks every variable set against them): set nothing an image ignores.
  reads = {
    web     = ["XMPP_DOMAIN", "XMPP_MUC_DOMAIN", "XMPP_GUEST_DOMAIN", "PUBLIC_URL", "TZ", "ENABLE_AUTH", "ENABLE_GUESTS"]
    prosody = ["XMPP_DOMAIN", "XMPP_AUTH_DOMAIN", "XMPP_MUC_DOMAIN", "XMPP_INTERNAL_MUC_DOMAIN", "XMPP_GUEST_DOMAIN", "PUBLIC_URL", "TZ", "ENABLE_AUTH", "ENABLE_GUESTS", "AUTH_TYPE", "JWT_APP_ID", "JWT_ACCEPTED_ISSUERS", "JWT_ACCEPTED_AUDIENCES"]
    jicofo  = ["XMPP_DOMAIN", "XMPP_AUTH_DOMAIN", "XMPP_MUC_DOMAIN", "XMPP_INTERNAL_MUC_DOMAIN", "TZ", "ENABLE_AUTH", "AUTH_TYPE"]
    jvb     = ["XMPP_AUTH_DOMAIN", "XMPP_INTERNAL_MUC_DOMAIN", "PUBLIC_URL", "TZ"]
  }
  shared_env = { for c, names in local.reads : c => { for n in names : n => local.shared[n] if contains(keys(local.shared), n) } }

  secret_names = concat(["JICOFO_AUTH_PASSWORD", "JVB_AUTH_PASSWORD"], var.auth_type == "jwt" ? ["JWT_APP_SECRET"] : [])
  secrets = {
    for n in local.secret_names : n => { name = n, valueFrom = aws_ssm_parameter.secret[n].arn }
  }

  services = {
    web = {
      desired_count = var.web.desired_count
      min_percent   = 100
      max_percent   = 200
      cpu           = var.web.cpu
      memory        = var.web.memory
      sg            = aws_security_group.web.id
      spot          = var.web.spot
    }
    # One prosody + one jicofo per shard: never two at once, or rooms split (min 0 / max 100).
    xmpp = {
      desired_count = 1
      min_percent   = 0
      max_percent   = 100
      cpu           = var.xmpp.cpu
      memory        = var.xmpp.memory
      sg            = aws_security_group.xmpp.id
      spot          = false # an interruption would end every meeting of the shard
    }
    jvb = {
      desired_count = var.jvb.desired_count
      min_percent   = 100
      max_percent   = 200
      cpu           = var.jvb.cpu
      memory        = var.jvb.memory
      sg            = aws_security_group.jvb.id
      spot          = var.jvb.spot
    }
  }

  health = {
    interval    = var.container_health_check.interval
    timeout     = var.container_health_check.timeout
    retries     = var.container_health_check.retries
    startPeriod = var.container_health_check.start_period
  }
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
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
# Generated once (the data source changes every read; ignore_changes keeps the first value)
# and handed to containers through ECS `secrets`, never plain environment.
data "aws_secretsmanager_random_password" "this" {
  for_each = toset(local.secret_names)

  password_length     = 32
  exclude_punctuation = true
}

resource "aws_ssm_parameter" "secret" {
  #checkov:skip=CKV_AWS_337: encrypted with the AWS-managed aws/ssm key; a customer key costs $1/month and needs kms:Decrypt wiring
  for_each = toset(local.secret_names)

  name  = "/${var.name}/${lower(each.key)}"
  type  = "SecureString"
  value = data.aws_secretsmanager_random_password.this[each.key].random_password
  tags  = var.tags

  lifecycle {
    ignore_changes = [value]
  }
}

# ---------------------------------------------------------------- IAM
data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "read_secrets" {
  statement {
    sid       = "ReadJitsiSecrets"
    actions   = ["ssm:GetParameters"]
    resources = [for p in aws_ssm_parameter.secret : p.arn]
  }
}

resource "aws_iam_role_policy" "read_secrets" {
  name   = "read-jitsi-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.read_secrets.json
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "task_adot" {
  count = var.adot_policy_arn == null ? 0 : 1

  role       = aws_iam_role.task.name
  policy_arn = var.adot_policy_arn
}

# ---------------------------------------------------------------- network
resource "aws_security_group" "web" {
  name        = "${var.name}-web"
  description = "Jitsi web (nginx): HTTP from the ALB only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_security_group" "xmpp" {
  name        = "${var.name}-xmpp"
  description = "prosody + jicofo: XMPP and BOSH from web and jvb only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_security_group" "jvb" {
  name        = "${var.name}-jvb"
  description = "JVB: media UDP 10000 from anywhere; REST 8080 never exposed"
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

# Outbound to anywhere: image pulls, SSM, CloudWatch, STUN and media all leave through the
# internet gateway (no NAT, no VPC endpoints: both cost more than this stack).
resource "aws_vpc_security_group_egress_rule" "all" {
  for_each = { web = aws_security_group.web.id, xmpp = aws_security_group.xmpp.id, jvb = aws_security_group.jvb.id }

  security_group_id = each.value
  description       = "Outbound to the internet (images, AWS APIs, STUN, media)"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# ---------------------------------------------------------------- service discovery
resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.internal_domain
  description = "Internal names of the Jitsi services (awsvpc has no container links)"
  vpc         = var.vpc_id
  tags        = var.tags
}

# Private names, one A record per task: web and the bridges reach prosody at xmpp.<namespace>;
# the telemetry collector finds every bridge at jvb.<namespace>.
resource "aws_service_discovery_service" "this" {
  for_each = toset(["xmpp", "jvb"])

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
