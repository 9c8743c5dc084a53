# Module edge: planned values for the plan's part and the FACTS.md corrections. Offline (mocked AWS).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name            = "jitsi"
  vpc_id          = "vpc-123"
  vpc_cidr        = "10.42.0.0/16"
  subnet_ids      = ["subnet-a", "subnet-b"]
  domain          = "meet.example.com"
  route53_zone_id = "Z0123456789"
  default_target  = { port = 80, health_path = "/" }
  ssl_policy      = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  health_check    = { interval = 30, timeout = 5, healthy_threshold = 2, unhealthy_threshold = 3 }
  hsts_max_age    = 31536000
  idle_timeout    = 120
  # deletion_protection has no default: the config says it, every time.
  deletion_protection = false
}

run "edge_https_redirect_and_default_route" {
  command = apply

  module {
    source = "./modules/edge"
  }

  assert {
    condition     = aws_lb_listener.https.port == 443 && aws_lb_listener.https.protocol == "HTTPS"
    error_message = "HTTPS listener on 443 expected"
  }
  assert {
    condition     = aws_lb.this.idle_timeout == 120 && output.idle_timeout == 120
    error_message = "the ALB takes its idle timeout from the one the root module sets (and says it)"
  }
  assert {
    condition     = aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    error_message = "TLS 1.3/1.2 policy expected by default"
  }
  assert {
    condition = (aws_lb_listener.http.port == 80 &&
      aws_lb_listener.http.default_action[0].type == "redirect" &&
      aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS" &&
    aws_lb_listener.http.default_action[0].redirect[0].status_code == "HTTP_301")
    error_message = "HTTP must redirect (301) to HTTPS"
  }
  assert {
    condition     = aws_lb_listener.https.default_action[0].target_group_arn == aws_lb_target_group.this.arn
    error_message = "Jitsi web must be the default action (it lives at the root, not /public/*)"
  }
  assert {
    condition     = aws_lb_listener.https.certificate_arn == "arn:aws:acm:us-west-2:123456789012:certificate/mock"
    error_message = "HTTPS serves the certificate created for the domain when only a zone is given (modules/domain)"
  }
  assert {
    condition     = aws_lb.this.drop_invalid_header_fields
    error_message = "the ALB must drop invalid headers"
  }
  assert {
    condition     = aws_lb_listener.https.routing_http_response_strict_transport_security_header_value == "max-age=31536000; includeSubDomains"
    error_message = "HTTPS answers carry HSTS (the web image adds it only when it terminates TLS itself)"
  }
  assert {
    condition     = !aws_lb_listener.https.routing_http_response_server_enabled && !aws_lb_listener.http.routing_http_response_server_enabled
    error_message = "neither listener names the server"
  }
  assert {
    condition     = aws_lb_listener.https.routing_http_response_x_content_type_options_header_value == "nosniff"
    error_message = "HTTPS answers forbid MIME sniffing"
  }
  assert {
    condition     = length(aws_lb.this.access_logs) == 0 && !aws_lb.this.enable_deletion_protection
    error_message = "no request logs and no deletion protection unless the config asks"
  }

  # ---- target group health check plan numbers
  assert {
    condition = (aws_lb_target_group.this.health_check[0].interval == 30 &&
      aws_lb_target_group.this.health_check[0].timeout == 5 &&
      aws_lb_target_group.this.health_check[0].healthy_threshold == 2 &&
    aws_lb_target_group.this.health_check[0].unhealthy_threshold == 3)
    error_message = "target group check must be 30 s / 5 s / healthy 2 / unhealthy 3"
  }
  assert {
    condition     = aws_lb_target_group.this.health_check[0].path == "/"
    error_message = "web has no health path: /health is a room page, so the check is GET /"
  }
  assert {
    condition     = aws_lb_target_group.this.port == 80 && aws_lb_target_group.this.target_type == "ip"
    error_message = "stable-11031 web listens on 80; awsvpc tasks register by IP"
  }
}

run "hsts_off_protection_and_request_logs_on" {
  command = apply

  module {
    source = "./modules/edge"
  }

  variables {
    hsts_max_age        = 0
    deletion_protection = true
    access_logs         = { bucket = "jitsi-logs-123456789012-us-west-2", prefix = "alb" }
  }

  assert {
    condition     = aws_lb_listener.https.routing_http_response_strict_transport_security_header_value == "max-age=0"
    error_message = "hsts_max_age = 0 tells browsers to forget HSTS (null would leave the old header on the listener)"
  }
  assert {
    condition     = aws_lb.this.enable_deletion_protection
    error_message = "alb.deletion_protection reaches the ALB"
  }
  assert {
    condition = (aws_lb.this.access_logs[0].enabled &&
      aws_lb.this.access_logs[0].bucket == "jitsi-logs-123456789012-us-west-2" &&
    aws_lb.this.access_logs[0].prefix == "alb")
    error_message = "request logs go to the given bucket and prefix"
  }
}

run "existing_certificate_is_used_as_given" {
  command = apply

  module {
    source = "./modules/edge"
  }

  variables {
    route53_zone_id = null
    certificate_arn = "arn:aws:acm:us-west-2:123456789012:certificate/abc"
  }

  assert {
    condition     = aws_lb_listener.https.certificate_arn == "arn:aws:acm:us-west-2:123456789012:certificate/abc"
    error_message = "an existing certificate is used as given, none created"
  }
}

# A stack deployed before modules/domain keeps its certificate: the moved blocks take it over.
run "before_domain_module" {
  command   = apply
  state_key = "moved"

  module {
    source = "./tests/fixtures/before_domain"
  }

  variables {
    host = "meet.example.com"
  }

  override_resource {
    target = aws_acm_certificate.this
    values = {
      arn = "arn:aws:acm:us-west-2:123456789012:certificate/deployed"
      domain_validation_options = [{
        domain_name           = "meet.example.com"
        resource_record_name  = "_x.meet.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_y.acm-validations.aws."
      }]
    }
  }
}

run "deployed_certificate_is_moved_not_replaced" {
  command   = apply
  state_key = "moved"

  module {
    source = "./modules/edge"
  }

  assert {
    condition     = aws_lb_listener.https.certificate_arn == "arn:aws:acm:us-west-2:123456789012:certificate/deployed"
    error_message = "the certificate made before modules/domain must be kept (a replacement would get the mock's new ARN)"
  }
}
