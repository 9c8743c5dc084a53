output "certificate_arn" {
  description = "The certificate for host: the given one, or the created one once it is validated."
  value       = local.create_certificate ? aws_acm_certificate_validation.this[0].certificate_arn : var.certificate_arn
}
