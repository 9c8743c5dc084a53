"""The whole CLI flow on the embedded emulator: up -> verify -> links and members -> drills ->
tamper -> verify -> down. One up/down cycle for all of it: each costs minutes.

It starts and ends as an operator who installed the wheel (issue 22): `init` and `up` run the
`jitsi-ecs` that tests/integration/wheel.py installed outside the repository, in an empty
directory; the environment matrix (verify, status, link, members list, plan, cost, up, down)
runs that executable too, so the installed tool is what deploys, answers and destroys."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jwt
import pytest
from typer.testing import CliRunner

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.cli import app
from jitsi_ecs.emulator import manager
from jitsi_ecs.tokens import ProsodyRules
from jitsi_ecs.workspace import Workspace
from tests.integration import (
    docs_commands,
    drill_checks,
    env_matrix,
    rotation_order,
    secret_values,
    wheel,
)
from tests.integration.leftovers import leftovers

pytestmark = pytest.mark.integration
runner = CliRunner()


def _verify(*extra: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["verify", "--json", *extra])
    start = result.stdout.index("{")
    return result.exit_code, json.loads(result.stdout[start:])


def _json(stdout: str) -> dict[str, Any]:
    return dict(json.loads(stdout[stdout.index("{") :]))


def _failed(report: dict[str, Any]) -> set[str]:
    return {c["id"] for c in report["checks"] if c["status"] == "fail"}


def _links_and_members(aws: AwsContext) -> None:
    """People can join: `link` prints a token the deployment's own secret and prosody's rules
    accept; `members` manages the /auth/ user pool."""
    link = runner.invoke(app, ["link", "--room", "standup", "--json"])
    assert link.exit_code == 0, link.output[-3000:]
    data = _json(link.stdout)
    assert set(data) == {"url", "room", "token", "expires_at", "moderator"}
    assert data["url"] == f"https://meet.example.com/standup?jwt={data['token']}"
    secret = aws.client("ssm").get_parameter(Name="/jitsi/jwt_app_secret", WithDecryption=True)[
        "Parameter"
    ]["Value"]
    claims = jwt.decode(data["token"], secret, algorithms=["HS256"], audience="jitsi")
    assert claims["iss"] == "jitsi" and claims["room"] == "standup" and "exp" in claims
    assert ProsodyRules.for_deployment("jitsi", secret).join(data["token"], "standup")
    assert runner.invoke(app, ["link", "--room", "Stand Up"]).exit_code == 2

    assert runner.invoke(app, ["members", "add", "ada@example.com"]).exit_code == 0
    listed = _json(runner.invoke(app, ["members", "list", "--json"]).stdout)["members"]
    assert [m["email"] for m in listed] == ["ada@example.com"]
    assert runner.invoke(app, ["members", "add", "not-an-email"]).exit_code == 2
    assert runner.invoke(app, ["members", "remove", "ada@example.com"]).exit_code == 0
    assert _json(runner.invoke(app, ["members", "list", "--json"]).stdout)["members"] == []


def _tamper(aws: AwsContext) -> str:
    """Break six things behind the tool's back; return the task definition it registered."""
    ecs, cloudwatch, budgets = aws.client("ecs"), aws.client("cloudwatch"), aws.client("budgets")
    shard = ecs.describe_services(cluster="jitsi", services=["shard"])["services"][0]
    deployment = shard["deploymentConfiguration"]
    deployment["deploymentCircuitBreaker"] = {"enable": False, "rollback": False}
    ecs.update_service(cluster="jitsi", service="shard", deploymentConfiguration=deployment)

    cloudwatch.delete_alarms(AlarmNames=["jitsi-p99-latency"])

    account = aws.account_id()
    budget = budgets.describe_budget(AccountId=account, BudgetName="jitsi-monthly-20usd")["Budget"]
    budget["BudgetLimit"] = {"Amount": "25.00", "Unit": "USD"}
    budget.pop("CalculatedSpend", None)
    budgets.update_budget(AccountId=account, NewBudget=budget)

    jvb = ecs.describe_services(cluster="jitsi", services=["jvb"])["services"][0]
    task = ecs.describe_task_definition(taskDefinition=jvb["taskDefinition"])["taskDefinition"]
    task["containerDefinitions"][0]["environment"].append(
        {"name": "JVB_AUTH_PASSWORD", "value": "leaked"}
    )
    keys = (
        "family",
        "taskRoleArn",
        "executionRoleArn",
        "networkMode",
        "containerDefinitions",
        "requiresCompatibilities",
        "cpu",
        "memory",
        "runtimePlatform",
    )
    # JVB's stats port opened to the world.
    jvb_group = ecs.describe_services(cluster="jitsi", services=["jvb"])["services"][0]
    group_id = jvb_group["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"][0]
    aws.client("ec2").authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8080,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )

    # HSTS dropped from the HTTPS listener.
    elbv2 = aws.client("elbv2")
    alb = elbv2.describe_load_balancers(Names=["jitsi"])["LoadBalancers"][0]["LoadBalancerArn"]
    https = next(
        listener["ListenerArn"]
        for listener in elbv2.describe_listeners(LoadBalancerArn=alb)["Listeners"]
        if listener["Port"] == 443
    )
    elbv2.modify_listener_attributes(
        ListenerArn=https,
        Attributes=[
            {"Key": "routing.http.response.strict_transport_security.header_value", "Value": ""}
        ],
    )

    # The token signing secret copied into the /auth/ function's plain environment.
    secret = aws.client("ssm").get_parameter(Name="/jitsi/jwt_app_secret", WithDecryption=True)[
        "Parameter"
    ]["Value"]
    function = aws.client("lambda").get_function_configuration(FunctionName="jitsi-auth")
    variables = {**function["Environment"]["Variables"], "SIGNING_KEY": secret}
    aws.client("lambda").update_function_configuration(
        FunctionName="jitsi-auth", Environment={"Variables": variables}
    )

    arn = ecs.register_task_definition(**{k: task[k] for k in keys if k in task})["taskDefinition"][
        "taskDefinitionArn"
    ]
    ecs.update_service(cluster="jitsi", service="jvb", taskDefinition=arn)
    return str(arn)


def _failures(output: str) -> str:
    """The plan and the failed checks of an `up` that did not pass, not its whole table."""
    lines = output.splitlines()
    failed = [i for i, line in enumerate(lines) if "│ fail" in line]
    shown = [line for i in failed for line in lines[i : i + 8]]
    return "\n".join([*lines[:40], "...", *shown, *lines[-3:]])


def test_up_verify_tamper_down(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    terraform_bin: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    monkeypatch.chdir(tmp_path)
    ws = Workspace.for_target("local")
    installed = wheel.installed_cli(wheel.shared_dir(tmp_path_factory))
    try:
        for command in (["init"], ["up"]):
            done = subprocess.run(
                [str(installed), *command],
                cwd=tmp_path,
                env=wheel.project_env(tmp_path),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                check=False,
            )
            assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
        assert "0 failed" in done.stdout + done.stderr
        assert (tmp_path / "jitsi-ecs.toml").is_file()  # init's commented defaults

        code, report = _verify("--junit", "verify.xml")
        assert code == 0 and report["summary"]["fail"] == 0 and report["summary"]["pass"] >= 50
        assert set(report["checks"][0]) == {"id", "status", "expected", "observed", "detail"}
        assert set(report["summary"]) == {"pass", "fail", "skip"}
        assert "<testsuite" in (tmp_path / "verify.xml").read_text()

        emulator = manager.running(ws)
        assert emulator is not None
        aws = AwsContext(region="us-west-2", endpoint_url=emulator.endpoint)
        ecs = aws.client("ecs")

        # Secrets: generated, in SSM, and nowhere on disk (state included).
        secrets = secret_values.in_ssm(aws)
        assert len(secrets) == 3, secrets.keys()  # the default config's generated secrets
        secret_values.assert_nowhere_on_disk(secrets, tmp_path)
        shown = subprocess.run(
            [terraform_bin, "show", "-json"],
            cwd=ws.stack_dir,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert '"secrets_version"' in shown and not any(v in shown for v in secrets.values())

        # Every command under every hostile environment: an exit code, never a traceback.
        env_matrix.check_commands(tmp_path, installed)

        # Read-only commands need no terraform init (and so no network): with a CLI config
        # that can fetch no provider, status still answers.
        offline = tmp_path / "no-providers.tfrc"
        offline.write_text("")
        monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(offline))
        assert runner.invoke(app, ["status", "--json"]).exit_code == 0
        monkeypatch.undo()
        monkeypatch.chdir(tmp_path)
        shard_task = ecs.describe_services(cluster="jitsi", services=["shard"])["services"][0][
            "taskDefinition"
        ]
        assert {c["id"] for c in report["checks"] if c["status"] == "pass"} >= {
            "auth.guests",
            "auth.token-settings",
            "auth.listener-rule",
            "auth.user-pool",
            "auth.target",
            "auth.function",
            "auth.adot",
            "auth.iam",
            "alarm.auth-errors",
        }
        _links_and_members(aws)
        # Every command the README and the manual show works as written (the installed tool).
        docs_commands.run_documented_commands(tmp_path, installed, wheel.project_env(tmp_path))

        # Each cost lever that applies saves money, and comparing leaves the config untouched.
        compare = runner.invoke(app, ["cost", "--compare", "--json"])
        assert compare.exit_code == 0, compare.output[-3000:]
        rows = {r["lever"]: r for r in json.loads(compare.stdout[compare.stdout.index("[") :])}
        assert rows["current config"]["saving"] == 0
        assert rows["office-hours"]["saving"] > 10
        assert rows["logs-7-days"]["saving"] >= 0
        assert "arm64" not in rows  # already the default
        assert rows["web-spot"]["change"].startswith("not applicable")  # Spot is x86 only
        replan = runner.invoke(app, ["plan", "--json"])
        assert _json(replan.stdout)["add"] == 0 and _json(replan.stdout)["change"] == 0

        # The safety nets hold: a broken web release rolls back by itself ...
        drill = runner.invoke(app, ["drill", "rollback", "--service", "shard", "--json"])
        assert drill.exit_code == 0, drill.output[-3000:]
        rollback = _json(drill.stdout)
        assert rollback["drill"] == "rollback" and rollback["passed"] is True
        assert set(rollback["timings"]) == {
            "first_failed_task_s",
            "rollback_started_s",
            "steady_state_s",
        }
        assert all(rollback["timings"][k] is not None for k in rollback["timings"])
        shard = ecs.describe_services(cluster="jitsi", services=["shard"])["services"][0]
        assert shard["taskDefinition"] == shard_task
        assert ecs.list_task_definitions(familyPrefix="jitsi-shard", status="ACTIVE")[
            "taskDefinitionArns"
        ] == [shard_task]
        events = _json(runner.invoke(app, ["status", "--json"]).stdout)
        web_events = next(s for s in events["services"] if s["name"] == "shard")["events"]
        assert any("circuit breaker" in e for e in web_events)
        # Releases that pass their health checks roll back by their deployment alarms: the
        # shard's answering 500, the bridges' that cannot join the brewery.
        drill_checks.shard_http_500(lambda args: runner.invoke(app, args), aws)
        drill_checks.bridges_wrong_password(lambda args: runner.invoke(app, args), aws)

        # ... and every alarm reaches the on-call topic, leaving nothing behind.
        drill = runner.invoke(app, ["drill", "alarm", "--json"])
        assert drill.exit_code == 0, drill.output[-3000:]
        alarm = _json(drill.stdout)
        # (eleven alarms: the bridges' deployment alarm, bridges-not-joined, included)
        assert alarm["passed"] is True and len(alarm["timings"]) == 11
        assert aws.client("sqs").list_queues().get("QueueUrls", []) == []
        assert [
            s
            for s in aws.client("sns").list_subscriptions()["Subscriptions"]
            if s["Protocol"] == "sqs"
        ] == []

        # Rotation writes new values and restarts the services that read them.
        # ... never a bridge beside a prosody of the other secret version (checked as it runs).
        rotated = rotation_order.rotate_and_check(
            aws, lambda: runner.invoke(app, ["rotate-secrets", "--force"])
        )
        assert rotated.exit_code == 0, rotated.output[-3000:]
        fresh = secret_values.in_ssm(aws)
        assert fresh.keys() == secrets.keys()
        assert all(fresh[n] != secrets[n] for n in secrets)
        secret_values.assert_nowhere_on_disk(fresh, tmp_path)
        # Nothing left to change but, possibly, the media-egress alarm's threshold: the order
        # check rotated with one lone bridge running and put it back to none afterwards, and
        # the threshold follows the bridges the plan prices (their live desired count).
        after = _json(runner.invoke(app, ["plan", "--json"]).stdout)
        assert (after["add"], after["destroy"]) == (0, 0), after
        assert {c["address"] for c in after["changes"]} <= {
            "module.telemetry[0].aws_cloudwatch_metric_alarm.egress[0]"
        }, after

        # Meetings running: a change that replaces the signaling task stops and says so ...
        aws.client("cloudwatch").put_metric_data(
            Namespace="Jitsi",
            MetricData=[
                {
                    "MetricName": "Conferences",
                    "Dimensions": [{"Name": "Service", "Value": "jicofo"}],
                    "Value": 2.0,
                }
            ],
        )
        (tmp_path / "jitsi-ecs.toml").write_text("[jitsi.shard]\ncpu = 512\nmemory = 4096\n")
        xmpp_task = ecs.describe_services(cluster="jitsi", services=["shard"])["services"][0][
            "taskDefinition"
        ]
        refused = runner.invoke(app, ["up"])
        assert refused.exit_code == 2, refused.output[-3000:]
        assert "2 conference(s) are running" in refused.output
        assert (
            ecs.describe_services(cluster="jitsi", services=["shard"])["services"][0][
                "taskDefinition"
            ]
            == xmpp_task
        )
        # ... and --force goes ahead.
        forced = runner.invoke(app, ["up", "--force"])
        assert forced.exit_code == 0, _failures(forced.output)
        # The flow goes on with this config (a bigger shard): going back would be one more
        # plan-and-apply, and nothing below depends on the default size.

        # On a real account nothing is destroyed unless the stack name is typed: the aws code
        # path, pointed at the emulator, with a state bucket that says something is deployed.
        account = aws.account_id()
        aws.client("s3").create_bucket(
            Bucket=f"jitsi-ecs-tfstate-{account}-us-west-2",
            CreateBucketConfiguration={"LocationConstraint": "us-west-2"},
        )
        monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
        refused = runner.invoke(app, ["down", "--target", "aws"], input="yes\n")
        assert refused.exit_code == 2, refused.output[-3000:]
        assert "not destroyed: the stack name was not typed" in refused.output
        still = ecs.describe_services(cluster="jitsi", services=["shard"])["services"][0]
        assert still["status"] == "ACTIVE"
        monkeypatch.delenv("AWS_ENDPOINT_URL")
        s3 = aws.client("s3")
        s3.delete_bucket(Bucket=f"jitsi-ecs-tfstate-{account}-us-west-2")

        # The forced ups above replaced the shard's task definition: the drills compare
        # against the one it runs now.
        shard_task = ecs.describe_services(cluster="jitsi", services=["shard"])["services"][0][
            "taskDefinition"
        ]
        tampered_task = _tamper(aws)

        code, report = _verify()
        assert code == 1
        assert _failed(report) == {
            "service.shard.circuit-breaker",
            "alarm.p99-latency",
            "budget.20",
            "task.jvb.secrets",
            "telemetry.stats-access",
            "security.hsts",
            "auth.function",
        }

        # With the shard's circuit breaker switched off, the rollback drill must fail.
        drill = runner.invoke(app, ["drill", "rollback", "--service", "shard", "--json"])
        assert drill.exit_code == 1, drill.output[-3000:]
        broken = _json(drill.stdout)
        assert broken["passed"] is False
        assert any(s["step"] == "no rollback" and s["status"] == "fail" for s in broken["steps"])
        assert (
            ecs.describe_services(cluster="jitsi", services=["shard"])["services"][0][
                "taskDefinition"
            ]
            == shard_task
        )

        # What the collector's EMF lines become in CloudWatch shows in status.
        aws.client("cloudwatch").put_metric_data(
            Namespace="Jitsi",
            MetricData=[
                {
                    "MetricName": name,
                    "Dimensions": [{"Name": "Service", "Value": "jicofo"}],
                    "Value": value,
                    "Unit": "Count",
                }
                for name, value in (
                    ("Conferences", 2.0),
                    ("Participants", 7.0),
                    ("OperationalBridges", 1.0),
                )
            ],
        )
        status = runner.invoke(app, ["status", "--json"])
        assert status.exit_code == 0
        jitsi = json.loads(status.stdout[status.stdout.index("{") :])["jitsi"]
        assert (jitsi["conferences"], jitsi["participants"], jitsi["operational_bridges"]) == (
            2.0,
            7.0,
            1.0,
        )
        services = {
            s["name"]: s for s in json.loads(status.stdout[status.stdout.index("{") :])["services"]
        }
        assert (
            services["shard"]["desired"] == 1
            and services["shard"]["deployments"][0]["rollout_state"]
        )

        env = runner.invoke(app, ["env"])
        assert f"export AWS_ENDPOINT_URL={emulator.endpoint}" in env.stdout

        down = runner.invoke(app, ["down", "--keep-emulator"])
        assert down.exit_code == 0, down.output[-3000:]
        # The tool destroys what it manages; the test removes the revision it registered itself.
        aws.client("ecs").deregister_task_definition(taskDefinition=tampered_task)
        assert leftovers(aws) == {}

        env_matrix.check_down(tmp_path, installed)  # the installed tool, every quirk at once
        assert manager.running(ws) is None
    finally:
        manager.stop(ws)
