# Module service: an operator service gets every safety net the Jitsi services have. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name             = "api"
  stack_name       = "jitsi"
  region           = "us-west-2"
  cpu_architecture = "X86_64"
  cluster          = { name = "jitsi", arn = "arn:aws:ecs:us-west-2:123456789012:cluster/jitsi" }
  schedule         = null
  service = {
    image         = "public.ecr.aws/nginx/nginx:1.27.3"
    port          = 8004
    path_patterns = ["/api/v1/*"]
    priority      = 40
    cpu           = 256
    memory        = 512
    desired_count = 2
    health_path   = "/api/v1/health"
    environment   = { LOG_LEVEL = "info" }
    secrets       = ["API_KEY"]
    adot          = false
    spot          = false
  }
  health_check = {
    container    = { interval = 30, timeout = 5, retries = 3, start_period = 60 }
    target_group = { interval = 30, timeout = 5, healthy_threshold = 2, unhealthy_threshold = 3 }
    grace_period = 120
  }
  vpc_id         = "vpc-123"
  subnet_ids     = ["subnet-a", "subnet-b"]
  alb            = { security_group_id = "sg-alb", listener_arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:listener/app/jitsi/1/2", arn_suffix = "app/jitsi/0123456789abcdef" }
  log_group_name = "/ecs/jitsi-app"
  adot           = { policy_arn = "arn:aws:iam::123456789012:policy/jitsi-adot-export", metric_namespace = "Jitsi" }
  alarms         = { topic_arn = "arn:aws:sns:us-west-2:123456789012:deployment-alerts", period = 60, target_5xx = 5, p99_latency_seconds = 2, availability_periods = 5 }
}

run "deployment_safety_nets" {
  command = apply

  module {
    source = "./modules/service"
  }

  assert {
    condition     = aws_ecs_service.this.deployment_circuit_breaker[0].enable && aws_ecs_service.this.deployment_circuit_breaker[0].rollback
    error_message = "the circuit breaker with rollback, as for Jitsi"
  }
  assert {
    condition = (aws_ecs_service.this.alarms[0].enable && aws_ecs_service.this.alarms[0].rollback &&
    toset(aws_ecs_service.this.alarms[0].alarm_names) == toset(["jitsi-api-target-5xx", "jitsi-api-p99-latency", "jitsi-api-unhealthy-hosts"]))
    error_message = "deployments roll back on the service's own 5xx, p99 and unhealthy-host alarms"
  }
  assert {
    condition = (aws_ecs_service.this.health_check_grace_period_seconds == 120 &&
      aws_ecs_service.this.deployment_controller[0].type == "ECS" &&
      aws_ecs_service.this.deployment_minimum_healthy_percent == 100 &&
    aws_ecs_service.this.deployment_maximum_percent == 200)
    error_message = "grace period 120 s, rolling ECS controller, new tasks before old ones stop"
  }
  assert {
    condition     = aws_ecs_service.this.name == "api" && aws_ecs_service.this.desired_count == 2 && aws_ecs_service.this.launch_type == "FARGATE"
    error_message = "service api, 2 tasks on Fargate"
  }
  assert {
    condition = (one(aws_ecs_service.this.load_balancer).container_name == "api" &&
      one(aws_ecs_service.this.load_balancer).container_port == 8004 &&
    one(aws_ecs_service.this.load_balancer).target_group_arn == aws_lb_target_group.this.arn)
    error_message = "the service registers its container port with its own target group"
  }
  assert {
    condition     = aws_ecs_service.this.network_configuration[0].assign_public_ip && aws_ecs_service.this.network_configuration[0].security_groups == toset([aws_security_group.this.id])
    error_message = "a public IP (no NAT: image pulls) and the service's own security group"
  }
  assert {
    condition     = module.schedule.resource_id == null
    error_message = "no schedule, no scaling actions"
  }

  # ---- routing and target group
  assert {
    condition = (aws_lb_target_group.this.port == 8004 && aws_lb_target_group.this.target_type == "ip" &&
      aws_lb_target_group.this.health_check[0].path == "/api/v1/health" &&
      aws_lb_target_group.this.health_check[0].matcher == "200" &&
      aws_lb_target_group.this.health_check[0].interval == 30 &&
    aws_lb_target_group.this.health_check[0].unhealthy_threshold == 3)
    error_message = "target group on 8004, checked on the health path with the shared numbers"
  }
  assert {
    condition = (aws_lb_listener_rule.this.priority == 40 &&
      aws_lb_listener_rule.this.listener_arn == var.alb.listener_arn &&
      aws_lb_listener_rule.this.action[0].type == "forward" &&
      aws_lb_listener_rule.this.action[0].target_group_arn == aws_lb_target_group.this.arn &&
    anytrue([for c in aws_lb_listener_rule.this.condition : anytrue([for p in c.path_pattern : p.values == toset(["/api/v1/*"])])]))
    error_message = "priority 40 on the HTTPS listener: /api/v1/* forwarded to the service's target group"
  }
  assert {
    condition = (aws_vpc_security_group_ingress_rule.from_alb.referenced_security_group_id == "sg-alb" &&
      aws_vpc_security_group_ingress_rule.from_alb.from_port == 8004 &&
      aws_vpc_security_group_ingress_rule.from_alb.to_port == 8004 &&
    aws_vpc_security_group_ingress_rule.from_alb.cidr_ipv4 == null)
    error_message = "the service's port is open to the ALB's security group only"
  }
  assert {
    condition     = aws_lb_target_group.this.name == "jitsi-api" && aws_security_group.this.name == "jitsi-api-service"
    error_message = "resources are named after the stack and the service"
  }

  # ---- container check logs secrets
  assert {
    condition = (jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command ==
      ["CMD-SHELL", "curl -fsS -o /dev/null http://127.0.0.1:8004/api/v1/health || wget -q -O /dev/null http://127.0.0.1:8004/api/v1/health || exit 1"] &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.interval == 30 &&
    jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.startPeriod == 60)
    error_message = "the container checks the target group's path itself (curl, or busybox wget)"
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.logDriver == "awslogs" &&
      jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["awslogs-group"] == "/ecs/jitsi-app" &&
    jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["awslogs-stream-prefix"] == "api")
    error_message = "logs in /ecs/jitsi-app under the stream prefix api"
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment == [{ name = "LOG_LEVEL", value = "info" }] &&
    jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets == [{ name = "API_KEY", valueFrom = aws_ssm_parameter.secret["API_KEY"].arn }])
    error_message = "plain variables in environment, API_KEY only through ECS secrets"
  }
  assert {
    condition = (aws_ssm_parameter.secret["API_KEY"].name == "/jitsi/api/API_KEY" &&
      aws_ssm_parameter.secret["API_KEY"].type == "SecureString" &&
    aws_ssm_parameter.secret["API_KEY"].value_wo_version == 1)
    error_message = "the stack creates /jitsi/api/API_KEY as a SecureString, its value write-only"
  }
  assert {
    condition = (jsondecode(module.execution_role.secrets_policy.document).Statement[0].Action == ["ssm:GetParameters"] &&
      jsondecode(module.execution_role.secrets_policy.document).Statement[0].Resource == [aws_ssm_parameter.secret["API_KEY"].arn] &&
      module.execution_role.secrets_policy.name == "read-api-secrets" &&
    module.execution_role.name == "jitsi-api-execution")
    error_message = "the service's execution role may read exactly its own parameters"
  }
  assert {
    condition = (aws_ecs_task_definition.this.runtime_platform[0].cpu_architecture == "X86_64" &&
      aws_ecs_task_definition.this.cpu == "256" && aws_ecs_task_definition.this.memory == "512" &&
    aws_ecs_task_definition.this.execution_role_arn == module.execution_role.arn && output.execution_role_arn == module.execution_role.arn)
    error_message = "task size, architecture and its own execution role"
  }
  assert {
    condition     = length(aws_iam_role_policy_attachment.task_adot) == 0 && length(aws_cloudwatch_log_stream.otel) == 0 && !anytrue([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : startswith(e.name, "OTEL_")])
    error_message = "no ADOT variables, stream or policy unless adot = true"
  }

  # ---- egress https and what is declared:
  # issue 21: HTTPS out by default; anything more only as the service block declares it.
  assert {
    condition = (aws_vpc_security_group_egress_rule.https.ip_protocol == "tcp" &&
      aws_vpc_security_group_egress_rule.https.from_port == 443 &&
      aws_vpc_security_group_egress_rule.https.to_port == 443 &&
      aws_vpc_security_group_egress_rule.https.cidr_ipv4 == "0.0.0.0/0" &&
    length(aws_vpc_security_group_egress_rule.declared) == 0)
    error_message = "by default only HTTPS goes out (image pulls, AWS APIs), never every protocol"
  }
}

run "task_role_trust_scoped" {
  command = apply

  module {
    source = "./modules/service"
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
    condition     = aws_iam_role.task.assume_role_policy == "{\"Statement\":[{\"Sid\":\"scoped\"}]}"
    error_message = "the operator service's task role trusts ECS tasks of this account only"
  }
  assert {
    condition     = module.execution_role.assume_role_policy == "{\"Statement\":[{\"Sid\":\"plain\"}]}"
    error_message = "the execution role keeps the plain trust"
  }
}

run "adot_arm_spot_schedule" {
  command = apply

  module {
    source = "./modules/service"
  }

  variables {
    cpu_architecture = "ARM64"
    schedule         = { days = "MON-FRI", start_hour = 7, stop_hour = 19 }
    service = {
      image         = "ghcr.io/example/api@sha256:0000000000000000000000000000000000000000000000000000000000000000"
      port          = 8004
      path_patterns = ["/api/v1/*"]
      priority      = 40
      cpu           = 512
      memory        = 1024
      desired_count = 3
      health_path   = "/"
      environment   = {}
      secrets       = []
      adot          = true
      spot          = true
    }
  }

  assert {
    condition = (lookup({ for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value }, "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "") ==
      "x-aws-log-group=/ecs/jitsi-app,x-aws-log-stream=otel/api,x-aws-metric-namespace=Jitsi" &&
    lookup({ for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value }, "OTEL_METRICS_EXPORTER", "") == "awsemf")
    error_message = "adot: collector-less variables writing to otel/api"
  }
  assert {
    condition     = aws_cloudwatch_log_stream.otel[0].name == "otel/api" && aws_iam_role_policy_attachment.task_adot[0].policy_arn == var.adot.policy_arn && aws_iam_role_policy_attachment.task_adot[0].role == aws_iam_role.task.name
    error_message = "adot: its log stream exists and the task role may export"
  }
  assert {
    condition     = length(aws_ssm_parameter.secret) == 0 && module.execution_role.secrets_policy == null
    error_message = "no secrets, no parameters and nothing to read"
  }
  assert {
    condition     = toset([for s in aws_ecs_service.this.capacity_provider_strategy : "${s.capacity_provider}:${s.base}:${s.weight}"]) == toset(["FARGATE:1:0", "FARGATE_SPOT:0:1"])
    error_message = "spot: one task on demand, the rest on Fargate Spot"
  }
  assert {
    condition     = aws_ecs_task_definition.this.runtime_platform[0].cpu_architecture == "ARM64"
    error_message = "the service follows jitsi.cpu_architecture"
  }
  assert {
    condition     = module.schedule.resource_id == "service/jitsi/api"
    error_message = "the schedule scales this service"
  }
}

# A service deployed before modules/execution_role keeps its execution role, the managed-policy
# attachment and the read policy (read_secrets[0]: it had a count): the moved blocks take them
# over. The mock provider never replaces on a changed name, so the names are checked as well.
run "before_execution_role_module" {
  command   = apply
  state_key = "execution_role"

  module {
    source = "./tests/fixtures/before_execution_role/service"
  }

  variables {
    role_name   = "jitsi-api-execution"
    policy_name = "read-api-secrets"
  }

  override_resource {
    target = aws_iam_role.execution
    values = { arn = "arn:aws:iam::123456789012:role/jitsi-api-execution-deployed" }
  }
  override_resource {
    target = aws_iam_role_policy_attachment.execution
    values = { id = "jitsi-api-execution-attachment-deployed" }
  }
  override_resource {
    target = aws_iam_role_policy.read_secrets
    values = { id = "jitsi-api-execution:read-api-secrets" }
  }
}

run "deployed_execution_role_is_moved_not_replaced" {
  command   = apply
  state_key = "execution_role"

  module {
    source = "./modules/service"
  }

  assert {
    condition     = output.execution_role_arn == "arn:aws:iam::123456789012:role/jitsi-api-execution-deployed" && module.execution_role.name == "jitsi-api-execution"
    error_message = "the execution role made before modules/execution_role must be kept, under its name (a replacement would get the mock's new ARN)"
  }
  assert {
    condition     = module.execution_role.managed_policy.attachment_id == "jitsi-api-execution-attachment-deployed"
    error_message = "the managed-policy attachment is kept too"
  }
  assert {
    condition     = module.execution_role.secrets_policy.id == "jitsi-api-execution:read-api-secrets" && module.execution_role.secrets_policy.name == "read-api-secrets"
    error_message = "the read policy is kept too, under its name"
  }
}

run "declared_egress" {
  command = apply

  module {
    source = "./modules/service"
  }

  variables {
    service = {
      image         = "public.ecr.aws/nginx/nginx:1.27.3"
      port          = 8004
      path_patterns = ["/api/v1/*"]
      priority      = 40
      cpu           = 256
      memory        = 512
      desired_count = 1
      health_path   = "/"
      environment   = {}
      secrets       = []
      adot          = false
      spot          = false
      egress        = ["tcp:5432:10.42.0.0/16", "udp:3478-3479:0.0.0.0/0"]
    }
  }

  assert {
    condition = (length(aws_vpc_security_group_egress_rule.declared) == 2 &&
      aws_vpc_security_group_egress_rule.declared["tcp:5432:10.42.0.0/16"].ip_protocol == "tcp" &&
      aws_vpc_security_group_egress_rule.declared["tcp:5432:10.42.0.0/16"].from_port == 5432 &&
      aws_vpc_security_group_egress_rule.declared["tcp:5432:10.42.0.0/16"].to_port == 5432 &&
      aws_vpc_security_group_egress_rule.declared["tcp:5432:10.42.0.0/16"].cidr_ipv4 == "10.42.0.0/16" &&
      aws_vpc_security_group_egress_rule.declared["udp:3478-3479:0.0.0.0/0"].ip_protocol == "udp" &&
      aws_vpc_security_group_egress_rule.declared["udp:3478-3479:0.0.0.0/0"].from_port == 3478 &&
    aws_vpc_security_group_egress_rule.declared["udp:3478-3479:0.0.0.0/0"].to_port == 3479)
    error_message = "each declared protocol:port[-port]:cidr becomes one egress rule"
  }
}

# issue 21: the health path reaches the container check's `sh -c`; the module refuses anything
# but a URL path even when it is called without the root variable's validation.
run "health_path_with_shell_refused" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    service = {
      image         = "public.ecr.aws/nginx/nginx:1.27.3"
      port          = 8004
      path_patterns = ["/api/v1/*"]
      priority      = 40
      cpu           = 256
      memory        = 512
      desired_count = 1
      health_path   = "/up;id"
      environment   = {}
      secrets       = []
      adot          = false
      spot          = false
    }
  }

  expect_failures = [var.service]
}
