# Module network: planned values for the plan's part and the FACTS.md corrections. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name              = "jitsi"
  cidr              = "10.42.0.0/16"
  az_count          = 2
  vpc_id            = null
  public_subnet_ids = []
}

run "network_public_subnets_no_nat" {
  command = apply

  module {
    source = "./modules/network"
  }

  assert {
    condition     = length(output.public_subnet_ids) == 2
    error_message = "two public subnets (2 AZs) expected"
  }
  assert {
    condition     = alltrue([for s in aws_subnet.public : s.map_public_ip_on_launch == false])
    error_message = "subnets must not hand out public IPs; tasks ask for theirs explicitly"
  }
  assert {
    condition     = aws_route.internet[0].destination_cidr_block == "0.0.0.0/0" && aws_route.internet[0].gateway_id == aws_internet_gateway.this[0].id
    error_message = "the public route table must send 0.0.0.0/0 to the internet gateway (no NAT)"
  }

  # ---- no flow logs by default
  assert {
    condition     = length(aws_flow_log.this) == 0 && output.flow_log_id == null
    error_message = "flow logs cost per GB: none unless network.flow_logs"
  }
}

run "existing_vpc" {
  command = apply

  module {
    source = "./modules/network"
  }

  variables {
    vpc_id            = "vpc-123"
    public_subnet_ids = ["subnet-a", "subnet-b"]
  }

  assert {
    condition     = length(aws_vpc.this) == 0 && length(aws_subnet.public) == 0 && output.public_subnet_ids == tolist(["subnet-a", "subnet-b"])
    error_message = "an existing VPC is used as given, nothing created"
  }
}

run "flow_logs_to_the_log_bucket" {
  command = apply

  module {
    source = "./modules/network"
  }

  variables {
    flow_logs_destination = "arn:aws:s3:::jitsi-logs-123456789012-us-west-2/vpc"
  }

  assert {
    condition = (length(aws_flow_log.this) == 1 &&
      aws_flow_log.this[0].log_destination_type == "s3" &&
      aws_flow_log.this[0].log_destination == "arn:aws:s3:::jitsi-logs-123456789012-us-west-2/vpc" &&
    aws_flow_log.this[0].traffic_type == "ALL")
    error_message = "network.flow_logs: every flow of the VPC to the log bucket's vpc/ prefix"
  }
  assert {
    condition     = aws_flow_log.this[0].vpc_id == aws_vpc.this[0].id
    error_message = "the flow log watches the stack's VPC"
  }
}
