# Module execution_role: the ECS execution role of jitsi, service and turn. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name = "jitsi-api-execution"
  secrets = {
    API_KEY   = "arn:aws:ssm:us-west-2:123456789012:parameter/jitsi/api/API_KEY"
    DB_SECRET = "arn:aws:ssm:us-west-2:123456789012:parameter/jitsi/api/DB_SECRET"
  }
  secrets_policy = { name = "read-api-secrets", sid = "ReadServiceSecrets" }
  tags           = { Project = "jitsi" }
}

run "role_managed_policy_and_read_policy" {
  command = apply

  module {
    source = "./modules/execution_role"
  }

  assert {
    condition     = aws_iam_role.this.name == "jitsi-api-execution" && aws_iam_role.this.tags == tomap({ Project = "jitsi" }) && output.name == "jitsi-api-execution" && output.arn == aws_iam_role.this.arn
    error_message = "the role keeps the name it is given (a new name would replace it)"
  }
  assert {
    condition = (aws_iam_role_policy_attachment.this.role == aws_iam_role.this.name &&
      aws_iam_role_policy_attachment.this.policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" &&
    output.managed_policy.arn == aws_iam_role_policy_attachment.this.policy_arn)
    error_message = "the AWS-managed execution policy (image pulls, logs) is attached, in the provider's partition"
  }
  assert {
    condition     = aws_iam_role_policy.this[0].name == "read-api-secrets" && aws_iam_role_policy.this[0].role == aws_iam_role.this.id && output.secrets_policy.name == "read-api-secrets"
    error_message = "the read policy is inline on this role, under the name the caller gives"
  }
  assert {
    condition = (length(jsondecode(output.secrets_policy.document).Statement) == 1 &&
      jsondecode(output.secrets_policy.document).Statement[0].Sid == "ReadServiceSecrets" &&
      jsondecode(output.secrets_policy.document).Statement[0].Effect == "Allow" &&
      jsondecode(output.secrets_policy.document).Statement[0].Action == ["ssm:GetParameters"] &&
      toset(jsondecode(output.secrets_policy.document).Statement[0].Resource) == toset(values(var.secrets)) &&
    length(jsondecode(output.secrets_policy.document).Statement[0].Resource) == 2)
    error_message = "one statement: ssm:GetParameters on exactly the given parameters"
  }
}

run "plain_trust" {
  command = apply

  module {
    source = "./modules/execution_role"
  }

  # The document itself is tested in trust.tftest.hcl; here, that the role uses it.
  override_data {
    target = module.trust.data.aws_iam_policy_document.ecs_execution
    values = { json = "{\"Statement\":[{\"Sid\":\"plain\"}]}" }
  }

  assert {
    condition     = aws_iam_role.this.assume_role_policy == "{\"Statement\":[{\"Sid\":\"plain\"}]}" && output.assume_role_policy == aws_iam_role.this.assume_role_policy
    error_message = "the role trusts what modules/trust writes for execution roles"
  }
}

run "no_secrets_no_read_policy" {
  command = apply

  module {
    source = "./modules/execution_role"
  }

  variables {
    secrets = {}
  }

  assert {
    condition     = length(aws_iam_role_policy.this) == 0 && output.secrets_policy == null
    error_message = "no secrets, no read policy (an empty statement list is not a valid policy)"
  }
  assert {
    condition     = aws_iam_role_policy_attachment.this.policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    error_message = "the managed policy is attached all the same"
  }
}

run "partition_followed" {
  command = apply

  module {
    source = "./modules/execution_role"
  }

  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-cn" }
  }

  assert {
    condition     = aws_iam_role_policy_attachment.this.policy_arn == "arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    error_message = "the managed policy's ARN is in the provider's partition"
  }
}
