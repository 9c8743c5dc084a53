# Read through the policies, so that a task definition naming the role comes after what lets
# its tasks pull their image and read their secrets.
output "arn" {
  description = "Role ARN (a task definition's execution_role_arn)."
  value       = aws_iam_role.this.arn
  depends_on  = [aws_iam_role_policy_attachment.this, aws_iam_role_policy.this]
}

output "name" {
  description = "Role name."
  value       = aws_iam_role.this.name
}

output "assume_role_policy" {
  description = "The role's trust policy (JSON)."
  value       = aws_iam_role.this.assume_role_policy
}

output "managed_policy" {
  description = "The AWS-managed policy attached to the role: its ARN and the attachment's ID."
  value = {
    arn           = aws_iam_role_policy_attachment.this.policy_arn
    attachment_id = aws_iam_role_policy_attachment.this.id
  }
}

output "secrets_policy" {
  description = "The inline policy that lets the role read the secrets: its name, ID and document (JSON). Null when there are none."
  value       = one([for p in aws_iam_role_policy.this : { name = p.name, id = p.id, document = p.policy }])
}
