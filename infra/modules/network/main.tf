# Public subnets only: a NAT gateway ($0.045/h + $0.045/GB) would cost more than the
# rest of a small stack, and JVB needs a public address per task anyway (STUN).
locals {
  create_vpc = var.vpc_id == null
  azs        = slice(data.aws_availability_zones.available.names, 0, var.az_count)
}

data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394: only the first az_count zones are used, and subnets are pinned in state once created
  state = "available"
}

resource "aws_vpc" "this" {
  #checkov:skip=CKV2_AWS_11: off by default ($0.25/GB delivered to S3); network.flow_logs = true turns them on (aws_flow_log below, which checkov does not link to the VPC)
  count = local.create_vpc ? 1 : 0

  cidr_block           = var.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # Cloud Map private DNS needs both

  tags = merge(var.tags, { Name = var.name })
}

# Lock down the default security group so nothing lands in it by accident.
resource "aws_default_security_group" "this" {
  count = local.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id
  tags   = merge(var.tags, { Name = "${var.name}-default-closed" })
}

resource "aws_internet_gateway" "this" {
  count = local.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id
  tags   = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  count = local.create_vpc ? var.az_count : 0

  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.cidr, 4, count.index)
  # Tasks ask for their public IP explicitly (assign_public_ip); nothing else should get one.
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name}-public-${local.azs[count.index]}", Tier = "public" })
}

resource "aws_route_table" "public" {
  count = local.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id
  tags   = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "internet" {
  count = local.create_vpc ? 1 : 0

  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  count = local.create_vpc ? var.az_count : 0

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public[0].id
}

# Every accepted and rejected flow of the VPC (the stack's or the one given), to the stack's
# private log bucket; the bucket's lifecycle expires them.
resource "aws_flow_log" "this" {
  count = var.flow_logs_destination == null ? 0 : 1

  vpc_id               = local.create_vpc ? aws_vpc.this[0].id : var.vpc_id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = var.flow_logs_destination
  # Ten-minute aggregation: the cheaper of the two, enough to see who talked to what.
  max_aggregation_interval = 600
  tags                     = merge(var.tags, { Name = var.name })
}
