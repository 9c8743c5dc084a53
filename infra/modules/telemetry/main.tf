# Jitsi telemetry without a collector or sidecar: a scheduled Lambda inside the VPC finds the
# bridges through Cloud Map DNS, reads their private stats ports and jicofo's, and prints EMF
# lines; CloudWatch Logs turns those into metrics. Lambda because the job is a minute-by-minute
# poll: no always-on task to pay for, no agent in the Jitsi tasks, no image to build (a zip of
# a stdlib-only package, built without Docker by `jitsi-ecs` or `python -m
# jitsi_ecs.telemetry.package`).
locals {
  function_name = "${var.name}-telemetry"
}

# Its description renders as it always has (a new one would replace the group).
resource "aws_security_group" "this" {
  name        = local.function_name
  description = "Jitsi telemetry Lambda: reaches JVB ${var.rest_ports.jvb} and jicofo ${var.rest_ports.jicofo} only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_egress_rule" "jvb" {
  security_group_id            = aws_security_group.this.id
  description                  = "JVB private REST (stats)"
  ip_protocol                  = "tcp"
  from_port                    = var.rest_ports.jvb
  to_port                      = var.rest_ports.jvb
  referenced_security_group_id = var.jvb_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "jicofo" {
  security_group_id            = aws_security_group.this.id
  description                  = "jicofo REST (stats)"
  ip_protocol                  = "tcp"
  from_port                    = var.rest_ports.jicofo
  to_port                      = var.rest_ports.jicofo
  referenced_security_group_id = var.xmpp_security_group_id
}

# The stats ports open to this function's group only: never to a CIDR, never to the internet.
resource "aws_vpc_security_group_ingress_rule" "jvb_stats" {
  security_group_id            = var.jvb_security_group_id
  description                  = "JVB stats for the telemetry Lambda"
  ip_protocol                  = "tcp"
  from_port                    = var.rest_ports.jvb
  to_port                      = var.rest_ports.jvb
  referenced_security_group_id = aws_security_group.this.id
}

resource "aws_vpc_security_group_ingress_rule" "jicofo_stats" {
  security_group_id            = var.xmpp_security_group_id
  description                  = "jicofo stats for the telemetry Lambda"
  ip_protocol                  = "tcp"
  from_port                    = var.rest_ports.jicofo
  to_port                      = var.rest_ports.jicofo
  referenced_security_group_id = aws_security_group.this.id
}

# The role's trust policy comes from the one module that writes every role's trust.
module "trust" {
  source = "../trust"
}

resource "aws_iam_role" "this" {
  name               = local.function_name
  assume_role_policy = module.trust.lambda
  tags               = var.tags
}

# ENIs in the VPC plus its own log stream; EMF needs nothing more (stdout is the transport).
# What AWSLambdaVPCAccessExecutionRole grants on every resource, narrowed: its own log group
# (Terraform creates it, so no logs:CreateLogGroup), and network interfaces in this account and
# region (the form the Lambda guide gives for them; the two Describe calls work only on "*").
data "aws_iam_policy_document" "run" {
  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
  statement {
    sid       = "DescribeNetwork"
    actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
    resources = ["*"]
  }
  statement {
    sid = "NetworkInterfacesHere"
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]
    resources = ["arn:${data.aws_partition.current.partition}:ec2:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:*/*"]
  }
}

resource "aws_iam_role_policy" "run" {
  name   = "run-in-vpc"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.run.json
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXrayWriteOnlyAccess"
}

data "aws_partition" "current" {}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158: a customer-managed KMS key costs $1/month; CloudWatch encrypts at rest already
  #checkov:skip=CKV_AWS_338: the metrics are extracted on ingestion; the raw lines need no long retention
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116: a scheduled poll: a failed run is simply the next minute's run; a DLQ would hold nothing useful
  #checkov:skip=CKV_AWS_173: the environment holds host names only, no secrets
  #checkov:skip=CKV_AWS_272: code signing needs a signing profile (AWS Signer); the zip is built from this repository
  function_name                  = local.function_name
  description                    = "Jitsi JVB and jicofo stats to CloudWatch EMF"
  role                           = aws_iam_role.this.arn
  runtime                        = var.package.runtime
  handler                        = var.package.handler
  filename                       = var.package.path
  source_code_hash               = var.package.hash
  memory_size                    = 128
  timeout                        = 30
  reserved_concurrent_executions = 1 # one poll at a time
  tags                           = var.tags

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  environment {
    variables = {
      JVB_DNS_NAMES    = join(",", var.bridge_dns_names)
      JVB_PORT         = tostring(var.rest_ports.jvb)
      JICOFO_URL       = var.jicofo_url
      METRIC_NAMESPACE = var.namespace
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.run]
}

resource "aws_cloudwatch_event_rule" "this" {
  name                = local.function_name
  description         = "Collect Jitsi telemetry"
  schedule_expression = var.schedule_expression
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule = aws_cloudwatch_event_rule.this.name
  arn  = aws_lambda_function.this.arn
}

resource "aws_lambda_permission" "this" {
  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}
