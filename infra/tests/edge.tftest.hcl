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
  routes          = {}
  idle_timeout    = 120
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
    condition     = length(aws_lb_listener_rule.route) == 0
    error_message = "no listener rules without routes"
  }
  assert {
    condition     = length(aws_acm_certificate.this) == 1 && aws_acm_certificate.this[0].validation_method == "DNS"
    error_message = "a DNS-validated certificate is created when only a zone is given"
  }
  assert {
    condition     = aws_lb.this.drop_invalid_header_fields
    error_message = "the ALB must drop invalid headers"
  }
}

run "target_group_health_check_plan_numbers" {
  command = apply

  module {
    source = "./modules/edge"
  }

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

run "planned_routes_join_by_configuration" {
  command = apply

  module {
    source = "./modules/edge"
  }

  variables {
    route53_zone_id = null
    certificate_arn = "arn:aws:acm:us-west-2:123456789012:certificate/abc"
    routes = {
      auth   = { path_patterns = ["/auth/*"], priority = 10, port = 8001, health_path = "/health" }
      stream = { path_patterns = ["/stream/*"], priority = 20, port = 8002, health_path = "/health" }
      ingest = { path_patterns = ["/ingest/*"], priority = 30, port = 8003, health_path = "/health" }
      api    = { path_patterns = ["/api/v1/*"], priority = 40, port = 8004, health_path = "/health" }
    }
  }

  assert {
    condition     = length(aws_lb_listener_rule.route) == 4
    error_message = "one listener rule per route"
  }
  assert {
    condition     = aws_lb_listener_rule.route["api"].priority == 40 && anytrue([for c in aws_lb_listener_rule.route["api"].condition : anytrue([for p in c.path_pattern : contains(p.values, "/api/v1/*") && length(p.values) == 1])])
    error_message = "route api: priority 40 on /api/v1/*"
  }
  assert {
    condition     = [for k in ["auth", "stream", "ingest", "api"] : aws_lb_target_group.route[k].port] == [8001, 8002, 8003, 8004]
    error_message = "route target groups on ports 8001-8004"
  }
  assert {
    condition     = aws_lb_listener_rule.route["auth"].action[0].target_group_arn == aws_lb_target_group.route["auth"].arn
    error_message = "each rule forwards to its own target group"
  }
  assert {
    condition     = length(aws_acm_certificate.this) == 0 && aws_lb_listener.https.certificate_arn == "arn:aws:acm:us-west-2:123456789012:certificate/abc"
    error_message = "an existing certificate is used as given, none created"
  }
}

run "public_route_stays_possible" {
  command = apply

  module {
    source = "./modules/edge"
  }

  variables {
    routes = {
      public = { path_patterns = ["/public/*"], priority = 5, port = 8005, health_path = "/health" }
    }
  }

  assert {
    condition     = aws_lb_listener.https.default_action[0].target_group_arn == aws_lb_target_group.this.arn && length(aws_lb_listener_rule.route) == 1
    error_message = "/public/* can be routed while Jitsi keeps the default route"
  }
}
