# Module domain: a host name's certificate and alias record (edge and turn use it). Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  host            = "meet.example.com"
  route53_zone_id = "Z0123456789"
  load_balancer   = { dns_name = "jitsi-123.us-west-2.elb.amazonaws.com", zone_id = "Z1H1FL5HABSF5" }
}

run "zone_only_creates_and_validates_a_certificate" {
  command = apply

  module {
    source = "./modules/domain"
  }

  assert {
    condition     = length(aws_acm_certificate.this) == 1 && aws_acm_certificate.this[0].domain_name == "meet.example.com" && aws_acm_certificate.this[0].validation_method == "DNS"
    error_message = "a DNS-validated certificate for the host is created when only a zone is given"
  }
  assert {
    condition = (aws_route53_record.validation["meet.example.com"].zone_id == "Z0123456789" &&
      aws_route53_record.validation["meet.example.com"].name == "_x.meet.example.com." &&
    aws_route53_record.validation["meet.example.com"].records == toset(["_y.acm-validations.aws."]))
    error_message = "ACM's validation record goes into the zone"
  }
  assert {
    condition     = output.certificate_arn == aws_acm_certificate_validation.this[0].certificate_arn && output.certificate_arn == "arn:aws:acm:us-west-2:123456789012:certificate/mock"
    error_message = "the certificate is handed out through its validation, so listeners wait until it is issued"
  }
  assert {
    condition     = aws_route53_record.alias[0].name == "meet.example.com" && one(aws_route53_record.alias[0].alias).name == "jitsi-123.us-west-2.elb.amazonaws.com"
    error_message = "the host is an alias of the load balancer"
  }
}

run "given_certificate_without_zone_creates_nothing" {
  command = apply

  module {
    source = "./modules/domain"
  }

  variables {
    certificate_arn = "arn:aws:acm:us-west-2:123456789012:certificate/abc"
    route53_zone_id = null
  }

  assert {
    condition     = length(aws_acm_certificate.this) == 0 && length(aws_route53_record.validation) == 0 && length(aws_route53_record.alias) == 0
    error_message = "a given certificate is used as is; no zone, no record"
  }
  assert {
    condition     = output.certificate_arn == "arn:aws:acm:us-west-2:123456789012:certificate/abc"
    error_message = "the given certificate is handed out"
  }
}
