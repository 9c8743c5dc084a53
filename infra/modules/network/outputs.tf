output "vpc_id" {
  description = "Id of the VPC the stack runs in."
  value       = local.create_vpc ? aws_vpc.this[0].id : var.vpc_id
}

output "vpc_cidr" {
  description = "CIDR block of the created VPC (null when an existing VPC is used)."
  value       = local.create_vpc ? aws_vpc.this[0].cidr_block : null
}

output "public_subnet_ids" {
  description = "Public subnet ids for the ALB and the tasks."
  value       = local.create_vpc ? aws_subnet.public[*].id : var.public_subnet_ids
}

output "flow_log_id" {
  description = "Id of the VPC's flow log (null when network.flow_logs is off)."
  value       = one(aws_flow_log.this[*].id)
}
