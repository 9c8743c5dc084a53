# TURN over TLS (the turn module) as prosody advertises it: turns:<host>:<port>, with
# time-limited credentials prosody signs with a shared secret that coturn checks. The secret
# lives here, so the turn module depends on this one and never the other way round.

locals {
  turn_env    = var.turn == null ? {} : { TURNS_HOST = var.turn.host, TURNS_PORT = tostring(var.turn.port) }
  turn_secret = var.turn == null ? [] : [{ name = "TURN_CREDENTIALS", valueFrom = aws_ssm_parameter.turn[0].arn }]
}

data "aws_secretsmanager_random_password" "turn" {
  count = var.turn == null ? 0 : 1

  password_length     = 32
  exclude_punctuation = true
}

resource "aws_ssm_parameter" "turn" {
  #checkov:skip=CKV_AWS_337: encrypted with the AWS-managed aws/ssm key; a customer key costs $1/month and needs kms:Decrypt wiring
  count = var.turn == null ? 0 : 1

  name  = "/${var.name}/turn_credentials"
  type  = "SecureString"
  value = data.aws_secretsmanager_random_password.turn[0].random_password
  tags  = var.tags

  lifecycle {
    ignore_changes = [value]
  }
}

resource "aws_iam_role_policy" "read_turn_secret" {
  count = var.turn == null ? 0 : 1

  name = "read-turn-secret"
  role = aws_iam_role.execution.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "ReadTurnSecret", Effect = "Allow", Action = ["ssm:GetParameters"], Resource = [aws_ssm_parameter.turn[0].arn] }]
  })
}
