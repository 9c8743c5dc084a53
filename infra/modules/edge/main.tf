resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "Jitsi ALB: HTTPS from anywhere, HTTP only to redirect"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS from users"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  #checkov:skip=CKV_AWS_260: port 80 only answers with a 301 to HTTPS (listener below); closing it breaks typed-in URLs
  security_group_id = aws_security_group.this.id
  description       = "HTTP from users, redirected to HTTPS"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "targets" {
  security_group_id = aws_security_group.this.id
  description       = "To targets inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 0
  to_port           = 65535
  cidr_ipv4         = var.vpc_cidr
}

resource "aws_lb" "this" {
  #checkov:skip=CKV_AWS_91: off by default (S3 storage per GB, and the logs hold ?jwt= tokens); alb.access_logs = true turns them on
  #checkov:skip=CKV2_AWS_28: WAF costs $5+/month per ACL; attach one with your own rules if required
  #checkov:skip=CKV_AWS_150: off by default so `jitsi-ecs down` removes everything in one step; alb.deletion_protection = true guards production
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.this.id]
  subnets                    = var.subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  # Above BOSH's ~60 s long-poll; the targets keep idle connections open longer.
  idle_timeout = var.idle_timeout
  tags         = var.tags

  # The bucket's policy must exist before the ALB is told to write there (AWS tests the write).
  dynamic "access_logs" {
    for_each = var.access_logs == null ? [] : [var.access_logs]
    content {
      bucket  = access_logs.value.bucket
      prefix  = access_logs.value.prefix
      enabled = true
    }
  }
}

module "domain" {
  source = "../domain"

  host            = var.domain
  certificate_arn = var.certificate_arn
  route53_zone_id = var.route53_zone_id
  load_balancer   = { dns_name = aws_lb.this.dns_name, zone_id = aws_lb.this.zone_id }
  tags            = var.tags
}

# The certificate and the alias record were this module's own before modules/domain: moved, so
# a deployed stack keeps its certificate instead of replacing it.
moved {
  from = aws_acm_certificate.this
  to   = module.domain.aws_acm_certificate.this
}

moved {
  from = aws_route53_record.validation
  to   = module.domain.aws_route53_record.validation
}

moved {
  from = aws_acm_certificate_validation.this
  to   = module.domain.aws_acm_certificate_validation.this
}

moved {
  from = aws_route53_record.alias
  to   = module.domain.aws_route53_record.alias
}

# Jitsi (web) is the default action: it must live at the root path (see README). Operator
# services add their own target group and listener rule (modules/service).
resource "aws_lb_target_group" "this" {
  #checkov:skip=CKV_AWS_378: TLS ends at the ALB; ALB to task traffic stays inside the VPC, and nginx in the image has no certificate
  name                 = "${var.name}-web"
  port                 = var.default_target.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30
  tags                 = var.tags

  health_check {
    enabled             = true
    path                = var.default_target.health_path
    matcher             = "200"
    interval            = var.health_check.interval
    timeout             = var.health_check.timeout
    healthy_threshold   = var.health_check.healthy_threshold
    unhealthy_threshold = var.health_check.unhealthy_threshold
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = module.domain.certificate_arn
  tags              = var.tags

  # The web image sends HSTS only when it terminates TLS itself; here the ALB does, so the
  # ALB adds it. No `Server: awselb/2.0` either, and no MIME sniffing.
  # max-age=0 is how a site tells browsers to forget HSTS (a null would keep the old header).
  routing_http_response_strict_transport_security_header_value = var.hsts_max_age > 0 ? "max-age=${var.hsts_max_age}; includeSubDomains" : "max-age=0"
  routing_http_response_x_content_type_options_header_value    = "nosniff"
  routing_http_response_server_enabled                         = false

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"
  tags              = var.tags

  # The 301 answers say nothing about the server either (browsers ignore HSTS over HTTP).
  routing_http_response_server_enabled = false

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
