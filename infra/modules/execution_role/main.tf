# The execution role of an ECS task (what the ECS agent acts as: pull the image, write the
# logs, read the parameters given to the containers as `secrets`). jitsi, service and turn
# each have one; this module writes it once.

# The trust policy, like every role's, comes from the one module that writes them.
module "trust" {
  source = "../trust"
}

data "aws_partition" "current" {}

resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = module.trust.ecs_execution
  tags               = var.tags
}

# Image pulls and log writes: the AWS-managed policy ECS documents for execution roles.
resource "aws_iam_role_policy_attachment" "this" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

# The parameters given, and nothing else. None given, no policy: an empty statement list is
# not a valid policy. The count depends on the map's keys only, so it is known at plan time
# even while the parameters (and so their ARNs) are still to be created.
resource "aws_iam_role_policy" "this" {
  count = length(var.secrets) > 0 ? 1 : 0

  name = var.secrets_policy.name
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = var.secrets_policy.sid
      Effect   = "Allow"
      Action   = ["ssm:GetParameters"]
      Resource = values(var.secrets)
    }]
  })
}
