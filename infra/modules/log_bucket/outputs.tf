output "bucket" {
  description = "Bucket name. Read through the policy, so that a log source set up with it comes after the policy that lets it write."
  value       = aws_s3_bucket_policy.this.bucket
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
}

output "alb_prefix" {
  description = "Key prefix of the ALB access logs."
  value       = local.alb_prefix
}

output "flow_logs_destination" {
  description = "Flow log destination: the bucket ARN and the flow logs' prefix."
  value       = "${aws_s3_bucket.this.arn}/${local.vpc_prefix}"
  depends_on  = [aws_s3_bucket_policy.this]
}
