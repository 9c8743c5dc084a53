"""Two operator services beside the growth layout, on the aws target against the emulator
playing an account (HTTPS, IAM enforced, a user holding only what `jitsi-ecs iam-policy`
prints for this config): up -> verify -> secret set -> drill rollback --service api and
--service web -> tampering caught -> down to nothing (issue 12's "done when"; the growth
layout's up, verify and drill for issue 11; issue 19's second config; the default layout's
being test_cli_flow's on the local target and test_aws_flow's on the aws target)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.cli import app
from jitsi_ecs.targets.aws import state_bucket_name
from jitsi_ecs.workspace import Workspace
from tests.integration import kept_logs
from tests.integration.account import start_account
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


def _cli(args: list[str], **kwargs: Any) -> Any:
    return runner.invoke(app, [*args, "--target", "aws"], **kwargs)


def _verify() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The checks, and the failed ones but the live group's (nothing answers on the domain
    in the emulator: those fail, each naming what it could not reach)."""
    result = _cli(["verify", "--json"])
    checks = {c["id"]: c for c in _json(result.stdout)["checks"]}
    live = [c for i, c in checks.items() if i.startswith("live")]
    # (live.telemetry is skipped, with its reason: telemetry is off in this config)
    assert live and all(c["status"] in ("fail", "skip") and c["detail"] for c in live), [
        (c["id"], c["status"], c["detail"]) for c in live
    ]
    assert result.exit_code == 1, result.output[-3000:]
    failed = {i: c for i, c in checks.items() if c["status"] == "fail" and not i.startswith("live")}
    return checks, failed


def test_two_services_up_verify_drill_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terraform_bin: str
) -> None:
    account = start_account(tmp_path / "account")
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    ws = Workspace.for_target("aws")
    try:
        for key, value in account.admin_env().items():
            monkeypatch.setenv(key, value)  # the CA bundle for the test's own clients
        aws = AwsContext(
            region="us-west-2",
            endpoint_url=account.endpoint,
            _session=account.session(account.admin_env()),
        )
        # Certificates the operator made in ACM (the default config's Route 53 path is
        # test_aws_flow's).
        certificates = [
            aws.acm.request_certificate(DomainName=host, ValidationMethod="DNS")["CertificateArn"]
            for host in ("meet.example.com", "turn.meet.example.com")
        ]
        (project / "jitsi-ecs.toml").write_text(
            f'certificate_arn = "{certificates[0]}"\n'
            + CONFIG
            + f'\n[jitsi.turn]\nenabled = true\ncertificate_arn = "{certificates[1]}"\n'
        )
        printed = runner.invoke(app, ["iam-policy", "--json", "--account", aws.account_id()])
        assert printed.exit_code == 0, printed.output
        policies = [(p["name"], p["document"]) for p in _json(printed.stdout)["policies"]]
        account.enforce()
        for key, value in account.user("deployer", policies).items():
            monkeypatch.setenv(key, value)

        # Growth, two services and TURN cost more than the highest budget: the aws target
        # refuses to deploy that without --accept-cost ...
        refused = _cli(["up", "--yes"])
        assert refused.exit_code == 1, refused.output[-3000:]
        assert "above the highest budget" in " ".join(refused.output.split())
        listed = aws.s3.list_objects_v2(
            Bucket=state_bucket_name(aws.account_id(), "us-west-2"), Prefix="jitsi/"
        )
        assert listed.get("Contents", []) == []  # nothing applied, no state written
        # ... and deploys it with. verify then fails the live checks alone (_verify).
        up = _cli(["up", "--yes", "--accept-cost"])
        failed_ids = re.findall(r"^│ fail +│ (\S+)", up.output, flags=re.M)
        assert up.exit_code == 1 and failed_ids, up.output[-5000:]
        assert all(i.startswith("live.") for i in failed_ids), failed_ids

        # verify checks every service as it checks web.
        checks, failed = _verify()
        assert not failed, failed
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

        ecs, ssm = aws.client("ecs"), aws.client("ssm")

        # The operator sets the real value (stdin, not argv); Terraform never sees it.
        secret = _cli(["secret", "set", "api", "API_KEY"], input=SECRET + "\n")
        assert secret.exit_code == 0, secret.output
        assert SECRET not in secret.output
        parameter = ssm.get_parameter(Name="/jitsi/api/API_KEY", WithDecryption=True)
        assert parameter["Parameter"]["Value"] == SECRET
        bucket = state_bucket_name(aws.account_id(), "us-west-2")
        state = aws.s3.get_object(Bucket=bucket, Key="jitsi/terraform.tfstate")["Body"].read()
        state = state.decode()
        assert SECRET not in state and "/jitsi/api/API_KEY" in state
        replan = _cli(["plan", "--json"])
        assert replan.exit_code == 0, replan.output[-3000:]
        assert (_json(replan.stdout)["add"], _json(replan.stdout)["change"]) == (0, 0)
        assert SECRET not in "".join(p.read_text() for p in ws.root.rglob("*.log"))
        checks, failed = _verify()
        assert not failed and "placeholder" not in checks["service.api.secrets"]["detail"]

        # The services are priced: Fargate (Spot for stream), schedule, a public IP per task.
        cost = _cli(["cost", "--json"])
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
        drill = _cli(["drill", "rollback", "--service", "api", "--yes", "--json"])
        assert drill.exit_code == 0, drill.output[-3000:]
        assert _json(drill.stdout)["passed"] is True
        api_now = ecs.describe_services(cluster="jitsi", services=["api"])["services"][0]
        assert api_now["taskDefinition"] == api_task
        # ... as growth's web tier does (its 5xx alarms and the circuit breaker).
        web = _cli(["drill", "rollback", "--service", "web", "--yes", "--json"])
        assert web.exit_code == 0, web.output[-3000:]
        assert _json(web.stdout)["passed"] is True

        status = _json(_cli(["status", "--json"]).stdout)
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
        checks, failed = _verify()
        assert set(failed) == {"service.api.network"}

        # down keeps the access logs (issue 21); --delete-logs deletes them.
        bucket = kept_logs.leave_a_log(aws, "jitsi")
        down = _cli(["down", "--yes"])
        assert down.exit_code == 0, down.output[-3000:]
        kept_logs.kept_then_deleted(_cli, aws, bucket, down.output)
        for arn in certificates:  # the test's own
            aws.acm.delete_certificate(CertificateArn=arn)
        left = leftovers(aws)
        # IAM holds the test's own users' policies, nothing of the stack's.
        assert set(left.pop("policies", [])) <= {"administrator", *(n for n, _ in policies)}
        assert left == {}
    finally:
        account.stop()
