# One operator service behind the ALB with the safety nets the Jitsi services have: circuit
# breaker with rollback, deployment alarms on its own target group, a container health check on
# the same path as the target group, logs under its own stream prefix, a security group the ALB
# alone may enter, secrets through ECS `secrets`, the office-hours schedule and Spot.
locals {
  full_name = "${var.stack_name}-${var.name}"
  port      = var.service.port
  health    = "http://127.0.0.1:${var.service.port}${var.service.health_path}"

  # services.<name>.egress: protocol:port[-port]:cidr, checked by the root variable.
  egress = {
    for rule in var.service.egress : rule => {
      protocol  = split(":", rule)[0]
      from_port = tonumber(split("-", split(":", rule)[1])[0])
      to_port   = tonumber(reverse(split("-", split(":", rule)[1]))[0])
      cidr      = split(":", rule)[2]
    }
  }

  # Collector-less ADOT export (modules/adot_env), as the Jitsi containers get it.
  adot_env = var.service.adot ? module.adot_env[0].environment : {}

  container = {
    name         = var.name
    image        = var.service.image
    essential    = true
    portMappings = [{ containerPort = local.port, protocol = "tcp" }]
    environment  = [for k, v in merge(var.service.environment, local.adot_env) : { name = k, value = v }]
    secrets      = [for n in var.service.secrets : { name = n, valueFrom = aws_ssm_parameter.secret[n].arn }]
    # The same path the target group checks, from inside the task: curl (Debian-based images
    # such as nginx) or wget (busybox in Alpine-based ones). The image needs /bin/sh and one
    # of them; README "Services".
    healthCheck = {
      command     = ["CMD-SHELL", "curl -fsS -o /dev/null ${local.health} || wget -q -O /dev/null ${local.health} || exit 1"]
      interval    = var.health_check.container.interval
      timeout     = var.health_check.container.timeout
      retries     = var.health_check.container.retries
      startPeriod = var.health_check.container.start_period
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = var.log_group_name
        "awslogs-region"        = var.region
        "awslogs-stream-prefix" = var.name
      }
    }
  }
}

# ---------------------------------------------------------------- secrets
# Created with a placeholder written once through the write-only value_wo (version 1): the
# value is never in state and never compared, so `jitsi-ecs secret set` can put the real one
# without Terraform ever seeing a diff or writing it back.
resource "aws_ssm_parameter" "secret" {
  #checkov:skip=CKV_AWS_337: encrypted with the AWS-managed aws/ssm key; a customer key costs $1/month and needs kms:Decrypt wiring
  for_each = toset(var.service.secrets)

  name             = "/${var.stack_name}/${var.name}/${each.key}"
  description      = "${each.key} of service ${var.name}; set it with: jitsi-ecs secret set ${var.name} ${each.key}"
  type             = "SecureString"
  value_wo         = "unset: jitsi-ecs secret set ${var.name} ${each.key}"
  value_wo_version = 1
  tags             = var.tags
}

# ---------------------------------------------------------------- IAM
# The task role's trust policy comes from the one module that writes every role's trust.
module "trust" {
  source = "../trust"
}

# Its own execution role: it may read this service's parameters and nothing else.
module "execution_role" {
  source = "../execution_role"

  name           = "${local.full_name}-execution"
  secrets        = { for k, p in aws_ssm_parameter.secret : k => p.arn }
  secrets_policy = { name = "read-${var.name}-secrets", sid = "ReadServiceSecrets" }
  tags           = var.tags
}

# The role and its policies were this module's own before modules/execution_role: moved, so a
# deployed service keeps them.
moved {
  from = aws_iam_role.execution
  to   = module.execution_role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.execution
  to   = module.execution_role.aws_iam_role_policy_attachment.this
}

moved {
  from = aws_iam_role_policy.read_secrets[0]
  to   = module.execution_role.aws_iam_role_policy.this[0]
}

# The app's own role: empty but for ADOT export; attach what the app needs to task_role_arn.
resource "aws_iam_role" "task" {
  name               = "${local.full_name}-task"
  assume_role_policy = module.trust.ecs_task
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "task_adot" {
  count = var.service.adot ? 1 : 0

  role       = aws_iam_role.task.name
  policy_arn = var.adot.policy_arn
}

# The OTLP logs endpoint writes into an existing stream only.
resource "aws_cloudwatch_log_stream" "otel" {
  count = var.service.adot ? 1 : 0

  name           = "otel/${var.name}"
  log_group_name = var.log_group_name
}

# ---------------------------------------------------------------- network
resource "aws_security_group" "this" {
  name        = "${local.full_name}-service"
  description = "Service ${var.name}: its port from the ALB only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  security_group_id            = aws_security_group.this.id
  description                  = "HTTP from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = var.alb.security_group_id
}

# No NAT gateway: the task pulls its image and reaches AWS APIs through its public IP, over
# HTTPS. Anything else goes out only as the service block declares it (egress); DNS to the
# VPC's resolver needs no rule.
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS out (image pulls, AWS APIs)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "declared" {
  for_each = local.egress

  security_group_id = aws_security_group.this.id
  description       = "Declared in services.${var.name}.egress: ${each.key}"
  ip_protocol       = each.value.protocol
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  cidr_ipv4         = each.value.cidr
}

# ---------------------------------------------------------------- routing
resource "aws_lb_target_group" "this" {
  #checkov:skip=CKV_AWS_378: TLS ends at the ALB; ALB to task traffic stays inside the VPC
  name                 = local.full_name
  port                 = local.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30
  tags                 = merge(var.tags, { Service = var.name })

  health_check {
    enabled             = true
    path                = var.service.health_path
    matcher             = "200"
    interval            = var.health_check.target_group.interval
    timeout             = var.health_check.target_group.timeout
    healthy_threshold   = var.health_check.target_group.healthy_threshold
    unhealthy_threshold = var.health_check.target_group.unhealthy_threshold
  }
}

resource "aws_lb_listener_rule" "this" {
  listener_arn = var.alb.listener_arn
  priority     = var.service.priority
  tags         = merge(var.tags, { Service = var.name })

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  condition {
    path_pattern {
      values = var.service.path_patterns
    }
  }
}

# 5xx, p99 and unhealthy hosts of this target group alone: its deployment alarms; and no
# healthy target at all: the service is down.
module "alarms" {
  source = "../target-group-alarms"

  name                    = local.full_name
  alb_arn_suffix          = var.alb.arn_suffix
  target_group_arn_suffix = aws_lb_target_group.this.arn_suffix
  topic_arn               = var.alarms.topic_arn
  period                  = var.alarms.period
  availability_periods    = var.alarms.availability_periods
  thresholds = {
    target_5xx          = var.alarms.target_5xx
    p99_latency_seconds = var.alarms.p99_latency_seconds
  }
  tags = var.tags
}

# ---------------------------------------------------------------- task and service
resource "aws_ecs_task_definition" "this" {
  #checkov:skip=CKV_AWS_336: any operator image may run here, and most (nginx among them) write to their root filesystem at start
  family                   = local.full_name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.service.cpu
  memory                   = var.service.memory
  execution_role_arn       = module.execution_role.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.container])
  tags                     = var.tags

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }
}

# Launch type and Spot strategy, from the one module that says where tasks run.
module "capacity" {
  source = "../capacity"

  spot = var.service.spot
}

resource "aws_ecs_service" "this" {
  #checkov:skip=CKV_AWS_333: no NAT gateway by design; the task pulls its image and reaches AWS APIs through its public IP, and its security group lets in the ALB only
  name                               = var.name
  cluster                            = var.cluster.arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.service.desired_count
  launch_type                        = module.capacity.launch_type
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = var.health_check.grace_period
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  wait_for_steady_state              = false
  tags                               = merge(var.tags, { Service = var.name })

  deployment_controller {
    type = "ECS"
  }

  dynamic "capacity_provider_strategy" {
    for_each = module.capacity.strategy
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

  alarms {
    enable      = true
    rollback    = true
    alarm_names = module.alarms.deployment_alarm_names
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = true
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = var.name
    container_port   = local.port
  }

  # AWS refuses a target group that no listener uses yet.
  depends_on = [aws_lb_listener_rule.this]
}

module "schedule" {
  source = "../schedule"

  name          = local.full_name
  cluster_name  = var.cluster.name
  service_name  = aws_ecs_service.this.name
  desired_count = var.service.desired_count
  schedule      = var.schedule
  tags          = var.tags
}

module "adot_env" {
  source = "../adot_env"
  count  = var.service.adot ? 1 : 0

  service_name     = local.full_name
  region           = var.region
  log_group_name   = var.log_group_name
  log_stream       = "otel/${var.name}"
  metric_namespace = var.adot.metric_namespace
}
