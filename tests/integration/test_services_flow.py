"""Two operator services beside the growth layout on the embedded emulator: up -> verify ->
secret set -> drill rollback --service api and --service web -> tampering caught -> down to
nothing (issue 12's "done when"; the growth layout's up, verify and drill for issue 11, the
default layout's being test_cli_flow's)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.cli import app
from jitsi_ecs.emulator import manager
from jitsi_ecs.workspace import Workspace
from tests.integration.leftovers import leftovers

pytestmark = pytest.mark.integration
runner = CliRunner()

# The contract's block, a second service on Spot (x86: Fargate Spot has no ARM64), and the
# office-hours schedule they follow, beside Jitsi's growth layout (web, xmpp and the bridges
# as services of their own). Telemetry is off to keep the apply short: it has its own
# integration test. Request and flow logs ride along: the log bucket's one emulator apply.
# TURN too (issue 21: its limits applied, not only planned), with a certificate the test asks
# the emulator for first (the local target issues one for the domain only).
CONFIG = """
[jitsi]
cpu_architecture = "X86_64"
layout           = "growth"

[alb]
access_logs         = true
deletion_protection = false

[network]
flow_logs = true

[jitsi.schedule]
days       = "MON-FRI"
start_hour = 7
stop_hour  = 19

[telemetry]
enabled = false

[services.api]
image         = "public.ecr.aws/nginx/nginx:1.27.3"
port          = 8004
path_patterns = ["/api/v1/*"]
priority      = 40
cpu           = 256
memory        = 512
desired_count = 2
health_path   = "/api/v1/health"
environment   = { LOG_LEVEL = "info" }
secrets       = ["API_KEY"]
adot          = true

[services.stream]
image         = "public.ecr.aws/nginx/nginx:1.27.3"
port          = 8002
path_patterns = ["/stream/*"]
priority      = 20
desired_count = 2
spot          = true                 # one task on demand, one on Spot
"""
SECRET = "s3cret-api-key-7f1c"
PER_SERVICE = (
    "service.{s}.circuit-breaker",
    "service.{s}.deployment-alarms",
    "service.{s}.grace-period",
    "service.{s}.desired-count",
    "service.{s}.deployment-percent",
    "task.{s}.{s}.health-check",
    "task.{s}.{s}.logs",
    "task.{s}.{s}.adot",
    "task.{s}.secrets",
    "edge.service.{s}",
    "tg.service.{s}.health-check",
    "alarm.{s}-target-5xx",
    "alarm.{s}-p99-latency",
    "alarm.{s}-unhealthy-hosts",
    "alarm.{s}-no-healthy-target",
    "service.{s}.scalable-target",  # the schedule scales it
    "service.{s}.network",
    "service.{s}.secrets",
    "service.{s}.execution-role",
)


def _json(stdout: str) -> Any:
    return json.loads(stdout[min(i for i in (stdout.find("{"), stdout.find("[")) if i >= 0) :])


def _verify() -> tuple[int, dict[str, dict[str, Any]]]:
    result = runner.invoke(app, ["verify", "--json"])
    return result.exit_code, {c["id"]: c for c in _json(result.stdout)["checks"]}


def test_two_services_up_verify_drill_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terraform_bin: str
) -> None:
    monkeypatch.chdir(tmp_path)
    ws = Workspace.for_target("local")
    try:
        emulator = manager.ensure_running(ws)  # `up` uses it: TURN's certificate lives there
        aws = AwsContext(region="us-west-2", endpoint_url=emulator.endpoint)
        turn_certificate = aws.acm.request_certificate(
            DomainName="turn.meet.example.com", ValidationMethod="DNS"
        )["CertificateArn"]
        (tmp_path / "jitsi-ecs.toml").write_text(
            CONFIG + f'\n[jitsi.turn]\nenabled = true\ncertificate_arn = "{turn_certificate}"\n'
        )
        up = runner.invoke(app, ["up"])
        assert up.exit_code == 0, up.output[-5000:]

        # verify checks every service as it checks web.
        code, checks = _verify()
        failed = {i: c for i, c in checks.items() if c["status"] == "fail"}
        assert code == 0 and not failed, failed
        for service in ("api", "stream"):
            for template in PER_SERVICE:
                assert template.format(s=service) in checks, template.format(s=service)
        # TURN applied: prosody advertises it, coturn is no open relay (issue 21).
        for turn_check in (
            "jitsi.turn",
            "security.turn-relay",
            "security.turn-egress",
            "security.turn-health-check",
        ):
            assert checks[turn_check]["status"] == "pass", checks.get(turn_check)
        assert checks["security.turn-relay"]["observed"]["no_tcp_relay"] is True
        assert checks["task.api.api.adot"]["expected"]["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] == (
            "x-aws-log-group=/ecs/jitsi-app,x-aws-log-stream=otel/api,x-aws-metric-namespace=Jitsi"
        )
        # The placeholder passes, with advice.
        assert "jitsi-ecs secret set api API_KEY" in checks["service.api.secrets"]["detail"]

        still = manager.running(ws)
        assert still is not None and still.port == emulator.port
        ecs, ssm = aws.client("ecs"), aws.client("ssm")

        # The operator sets the real value (stdin, not argv); Terraform never sees it.
        secret = runner.invoke(app, ["secret", "set", "api", "API_KEY"], input=SECRET + "\n")
        assert secret.exit_code == 0, secret.output
        assert SECRET not in secret.output
        parameter = ssm.get_parameter(Name="/jitsi/api/API_KEY", WithDecryption=True)
        assert parameter["Parameter"]["Value"] == SECRET
        state = (ws.stack_dir / "terraform.tfstate").read_text()
        assert SECRET not in state and "/jitsi/api/API_KEY" in state
        replan = runner.invoke(app, ["plan", "--json"])
        assert replan.exit_code == 0, replan.output[-3000:]
        assert (_json(replan.stdout)["add"], _json(replan.stdout)["change"]) == (0, 0)
        assert SECRET not in "".join(p.read_text() for p in ws.root.rglob("*.log"))
        code, checks = _verify()
        assert code == 0 and "placeholder" not in checks["service.api.secrets"]["detail"]

        # The services are priced: Fargate (Spot for stream), schedule, a public IP per task.
        cost = runner.invoke(app, ["cost", "--json"])
        assert cost.exit_code == 0, cost.output[-3000:]
        items = [i for i in _json(cost.stdout)["items"] if "module.services" in i["resource"]]
        api = [i for i in items if '["api"]' in i["resource"]]
        stream = [i for i in items if '["stream"]' in i["resource"]]
        assert any(i["component"] == "Public IPv4 (task addresses)" for i in api)
        assert any("Spot" in i["component"] and i["monthly"] > 0 for i in stream)
        assert all(" h a week (" in i["assumption"] for i in api if "Fargate" in i["component"])

        # A broken release of api rolls back by itself, and api ends where it started.
        api_task = ecs.describe_services(cluster="jitsi", services=["api"])["services"][0][
            "taskDefinition"
        ]
        drill = runner.invoke(app, ["drill", "rollback", "--service", "api", "--json"])
        assert drill.exit_code == 0, drill.output[-3000:]
        assert _json(drill.stdout)["passed"] is True
        api_now = ecs.describe_services(cluster="jitsi", services=["api"])["services"][0]
        assert api_now["taskDefinition"] == api_task
        # ... as growth's web tier does (its 5xx alarms and the circuit breaker).
        web = runner.invoke(app, ["drill", "rollback", "--service", "web", "--json"])
        assert web.exit_code == 0, web.output[-3000:]
        assert _json(web.stdout)["passed"] is True

        status = _json(runner.invoke(app, ["status", "--json"]).stdout)
        services = {s["name"]: s for s in status["services"]}
        assert {"web", "xmpp", "jvb", "api", "stream"} <= set(services)
        assert services["api"]["desired"] == 2
        assert any("circuit breaker" in e for e in services["api"]["events"])
        assert {"jitsi-api-target-5xx", "jitsi-stream-unhealthy-hosts"} <= {
            a["name"] for a in status["alarms"]
        }

        # Opening api to the world behind the tool's back is caught.
        group = api_now["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"][0]
        aws.client("ec2").authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8004,
                    "ToPort": 8004,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )
        code, checks = _verify()
        assert code == 1
        assert {i for i, c in checks.items() if c["status"] == "fail"} == {"service.api.network"}

        down = runner.invoke(app, ["down", "--keep-emulator"])
        assert down.exit_code == 0, down.output[-3000:]
        aws.acm.delete_certificate(CertificateArn=turn_certificate)  # the test's own
        assert leftovers(aws) == {}
        assert runner.invoke(app, ["down"]).exit_code == 0
        assert manager.running(ws) is None
    finally:
        manager.stop(ws)
