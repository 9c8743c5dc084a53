"""`jitsi-ecs init`: write a commented jitsi-ecs.toml with every option at its default.

tests/unit/commands/test_init.py proves the template parses to exactly the built-in
defaults, so this text cannot drift from config.py.
"""

from __future__ import annotations

from pathlib import Path

from jitsi_ecs.errors import EXIT_OK, UsageError
from jitsi_ecs.ui import err

TEMPLATE = """\
# jitsi-ecs.toml: one file, one Jitsi Meet deployment. Every key is shown at its default.
# `jitsi-ecs plan` validates it; unknown keys and out-of-range values are refused.

name   = "jitsi"              # cluster, ALB and resource prefix: 2-20 of a-z 0-9 -
region = "us-west-2"
domain = "meet.example.com"   # public host name; PUBLIC_URL is https://<domain>

# HTTPS needs one of these on --target aws (the local target makes a zone itself):
# certificate_arn = "arn:aws:acm:us-west-2:111122223333:certificate/..."
# route53_zone_id = "Z0123456789ABC"   # DNS-validated certificate + alias record
ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"   # TLS 1.2 minimum, 1.3 preferred

[network]                     # public subnets only, no NAT gateway (it costs more than the stack)
cidr     = "10.42.0.0/16"
az_count = 2
# vpc_id            = "vpc-..."                 # use an existing VPC instead
# public_subnet_ids = ["subnet-...", "subnet-..."]
public_subnet_ids = []

[jitsi]
cpu_architecture = "X86_64"   # or ARM64 (the images are multi-arch; ARM is ~20% cheaper)
auth_type        = "jwt"      # jwt (recommended) or none (open instance: anyone can host)
jwt_app_id       = "jitsi"
internal_domain  = "jitsi.internal"   # Cloud Map namespace; prosody is xmpp.<internal_domain>

[jitsi.image]
tag = "stable-11031"          # pinned; stable-11146+ is rootless/ghcr.io (see README)
# registry = "docker.io/jitsi"

[jitsi.web]                   # nginx + app, stateless
desired_count = 3
cpu           = 256
memory        = 512
spot          = false         # true: all but one task on Fargate Spot (up to 70% cheaper)

[jitsi.xmpp]                  # prosody + jicofo: always one task (one shard)
cpu    = 512
memory = 1024

[jitsi.jvb]                   # bridges: public IP each, media on UDP udp_port
desired_count = 1
cpu           = 1024
memory        = 2048
udp_port      = 10000
stun_servers  = ["meet-jit-si-turnrelay.jitsi.net:443"]
spot          = false         # a reclaimed Spot bridge ends the meetings on it

# [jitsi.schedule]            # scale everything to zero outside these hours (UTC)
# days       = "MON-FRI"
# start_hour = 7
# stop_hour  = 19

[health_check]
grace_period = 120            # >= start_period + 2 x interval

[health_check.container]      # ECS limits: interval 5-300, timeout 2-60, retries 1-10, start 0-300
interval     = 30
timeout      = 5
retries      = 3
start_period = 60

[health_check.target_group]   # ELB limits: interval 5-300, timeout 2-120, thresholds 2-10
path                = "/"     # never /health: it is a room page that always answers 200
interval            = 30
timeout             = 5
healthy_threshold   = 2
unhealthy_threshold = 3

[routes]                      # more services behind the same ALB, one listener rule each
# [routes.auth]
# path_patterns = ["/auth/*"]
# priority      = 10
# port          = 8001
# health_path   = "/health"

[observability]
log_group_name     = "/ecs/jitsi-app"
log_retention_days = 30
adot_containers    = []       # web, prosody, jicofo, jvb: only processes with an ADOT SDK use it
metric_namespace   = "Jitsi"
transaction_search = true

[alarms]
topic_name           = "deployment-alerts"
emails               = []     # each address must confirm the SNS subscription
period               = 60
target_5xx_threshold = 5
elb_5xx_threshold    = 5
p99_latency_seconds  = 2

[budgets]                     # monthly USD, ascending; FORECASTED + ACTUAL at 100% each
limits     = [5, 10, 20, 40, 60]
emails     = []               # at most 10
topic_name = "budget-alerts"

[telemetry]                   # JVB + jicofo stats to CloudWatch (scheduled Lambda, EMF)
enabled             = true
schedule_expression = "rate(1 minute)"
stress_threshold    = 0.8     # bridge-stress alarm (FACTS.md: operators watch 0.8)

[usage]                       # assumptions behind the cost estimate
meetings_per_month       = 60
participants_per_meeting = 4
meeting_hours            = 1.0
video_kbps_per_stream    = 500.0   # 360p; 180p ~200, 720p ~2500
log_gb_per_month         = 1.0
alb_average_lcu          = 0.5     # load balancer capacity units in use, on average
traces_per_month         = 0.0     # X-Ray traces (only processes with ADOT send any)

[tags]
"""


def run(path: Path, force: bool) -> int:
    if path.exists() and not force:
        raise UsageError(f"{path} already exists", hint="Pass --force to overwrite it.")
    path.write_text(TEMPLATE, encoding="utf-8")
    err.print(f"Wrote {path}. Edit it, then run `jitsi-ecs plan`.")
    return EXIT_OK
