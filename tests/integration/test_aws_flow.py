"""The path every real operator takes, `--target aws`, end to end on the emulator playing an
account: over HTTPS (a CA the test makes, passed only through AWS_CA_BUNDLE/SSL_CERT_FILE),
with IAM enforced, as an IAM user holding only what `jitsi-ecs iam-policy` prints, reached
only through the standard AWS_ENDPOINT_URL. No test-only switch in the product.

The default config, with a Route 53 zone (DNS-validated certificate): a user missing one
policy is refused (exit 2, the action named); a second run while one holds the state lock is
refused (who, since when); a run stopped mid-apply is resumed by running it again; a stale
lock's hint is the exact command that releases it; then verify (all but the live checks
pass), status, link, members, rotate-secrets, both drills, and down to an empty state.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.cli import app
from jitsi_ecs.targets.aws import state_bucket_name
from jitsi_ecs.ui import err, out
from tests.integration.account import start_account
from tests.integration.leftovers import leftovers

pytestmark = pytest.mark.integration
runner = CliRunner()
REGION = "us-west-2"


def _json(stdout: str) -> Any:
    return json.loads(stdout[min(i for i in (stdout.find("{"), stdout.find("[")) if i >= 0) :])


def _aws(*args: str, **kwargs: Any) -> Any:
    return runner.invoke(app, [*args, "--target", "aws"], **kwargs)


def _flat(text: str) -> str:
    """Output as one line (rich wraps at 80 columns when not on a terminal)."""
    return " ".join(text.split())


def _no_traceback(result: Any) -> None:
    assert "Traceback" not in result.output, result.output[-3000:]


def _policies(account: str) -> list[tuple[str, dict[str, Any]]]:
    printed = runner.invoke(app, ["iam-policy", "--json", "--account", account])
    assert printed.exit_code == 0, printed.output
    return [(p["name"], p["document"]) for p in _json(printed.stdout)["policies"]]


def _wait_for(what: str, check: Any, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _lock_key(name: str = "jitsi") -> str:
    return f"{name}/terraform.tfstate.tflock"


def test_aws_target_end_to_end_as_a_least_privilege_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terraform_bin: str
) -> None:
    # One line per message, so a hint's command reads as the user's terminal shows it.
    monkeypatch.setattr(err, "_width", 1000)
    monkeypatch.setattr(out, "_width", 1000)
    account = start_account(tmp_path / "account")
    try:
        for key, value in account.admin_env().items():
            monkeypatch.setenv(key, value)  # the CA bundle for the test's own clients
        admin = AwsContext(
            region=REGION,
            endpoint_url=account.endpoint,
            _session=account.session(account.admin_env()),
        )
        account_id = admin.account_id()
        bucket = state_bucket_name(account_id, REGION)
        zone = admin.route53.create_hosted_zone(Name="example.com.", CallerReference="flow")
        zone_id = zone["HostedZone"]["Id"].split("/")[-1]

        project = tmp_path / "project"
        project.mkdir()
        monkeypatch.chdir(project)
        (project / "jitsi-ecs.toml").write_text(
            f'route53_zone_id = "{zone_id}"\naccount_id = "{account_id}"\n'
        )
        policies = _policies(account_id)
        account.enforce()

        # ---- one policy left out: refused with the action named, never a traceback
        short = account.user(
            "short", [(f"short-{n}", d) for n, d in policies if not n.endswith("observability")]
        )
        for key, value in short.items():
            monkeypatch.setenv(key, value)
        refused = _aws("up", "--yes")
        _no_traceback(refused)
        assert refused.exit_code == 2, refused.output[-3000:]
        assert re.search(r"AWS refused [a-z-]+:[A-Za-z]+", _flat(refused.output)), refused.output
        assert "jitsi-ecs iam-policy" in _flat(refused.output)

        # ---- the deploying user holds exactly what iam-policy printed
        user = account.user("deployer", policies)
        for key, value in user.items():
            monkeypatch.setenv(key, value)
        env = {**os.environ, **user}

        # Stopped mid-apply (a cancelled CI job): terraform saves its state and frees the lock.
        logs = project / ".jitsi-ecs" / "aws" / "logs"
        before = set(logs.glob("up-*.log"))
        log = project / "up-1.log"
        with log.open("w") as written:
            first = subprocess.Popen(
                [sys.executable, "-m", "jitsi_ecs", "up", "--target", "aws", "--yes"],
                cwd=project,
                env=env,
                stdout=written,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:

            def applying() -> bool:
                if first.poll() is not None:
                    return True
                own = set(logs.glob("up-*.log")) - before
                return any('"type":"apply_progress"' in p.read_text() for p in own)

            _wait_for("the first up to start applying", applying)
            assert first.poll() is None, log.read_text()[-3000:]
            # It holds the state lock while it applies.
            assert "Contents" in admin.s3.list_objects_v2(Bucket=bucket, Prefix=_lock_key())
            first.send_signal(signal.SIGTERM)
            assert first.wait(timeout=300) == 130, log.read_text()[-3000:]
        finally:
            if first.poll() is None:
                first.kill()
        s3 = admin.s3
        assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix=_lock_key())

        # ... and running it again resumes. On the emulator nothing answers on the domain, so
        # up's verify fails exactly the live checks, each naming what it could not reach.
        up = _aws("up", "--yes")
        _no_traceback(up)
        failed = [line for line in up.output.splitlines() if "│ fail" in line]
        assert up.exit_code == 1 and failed, up.output[-5000:]

        verify = _aws("verify", "--json")
        report = _json(verify.stdout)
        not_live = [c for c in report["checks"] if c["status"] == "fail" and "live" not in c["id"]]
        assert verify.exit_code == 1 and not_live == [], not_live
        live = [c for c in report["checks"] if c["id"].startswith("live")]
        assert live and all(c["status"] == "fail" and c["detail"] for c in live), live
        assert report["summary"]["pass"] >= 90

        # The state is in S3 (versioned, encrypted, TLS only), locked with a lock file.
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        assert s3.get_object(Bucket=bucket, Key="jitsi/terraform.tfstate")["ContentLength"] > 0
        assert not [
            p for p in (project / ".jitsi-ecs").rglob("*.tfstate") if ".terraform" not in p.parts
        ]

        # Another machine's run holding the lock: a second up is refused, saying who and since
        # when, and changes nothing. (Terraform takes and keeps the lock; this is its message.)
        held = {
            "ID": str(uuid.uuid4()),
            "Operation": "OperationTypeApply",
            "Info": "",
            "Who": "ops@laptop-2",
            "Version": "1.11.4",
            "Created": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
            "Path": f"{bucket}/jitsi/terraform.tfstate",
        }
        s3.put_object(Bucket=bucket, Key=_lock_key(), Body=json.dumps(held).encode())
        second = _aws("up", "--yes")
        _no_traceback(second)
        assert second.exit_code == 2, second.output[-3000:]
        said = _flat(second.output)
        assert "the Terraform state is locked: ops@laptop-2 has held it since " in said
        assert re.search(r"has held it since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", said)
        s3.delete_object(Bucket=bucket, Key=_lock_key())  # that run ends

        # A stale lock (a run whose machine vanished): refused; the hint's command frees it.
        stale = {
            "ID": str(uuid.uuid4()),
            "Operation": "OperationTypeApply",
            "Info": "",
            "Who": "ci@vanished-runner",
            "Version": "1.11.4",
            "Created": "2026-12-01T08:00:00.000000Z",
            "Path": f"{bucket}/jitsi/terraform.tfstate",
        }
        s3.put_object(Bucket=bucket, Key=_lock_key(), Body=json.dumps(stale).encode())
        locked = _aws("plan")
        assert locked.exit_code == 2, locked.output[-3000:]
        said = _flat(locked.output)
        assert "ci@vanished-runner has held it since 2026-12-01 08:00:00 UTC" in said
        command = said.split("release the lock and repeat: ", 1)[1].split()
        command = command[: command.index(stale["ID"]) + 1]
        assert command[0] == "terraform" and command[-3:] == ["force-unlock", "-force", stale["ID"]]
        unlocked = subprocess.run(command, env=env, capture_output=True, text=True)
        assert unlocked.returncode == 0, unlocked.stderr + " " + shlex.join(command)
        planned = _aws("plan", "--json")
        assert planned.exit_code == 0, planned.output[-3000:]
        assert (_json(planned.stdout)["add"], _json(planned.stdout)["change"]) == (0, 0)

        # ---- the operator's day: status, links, members, rotation, drills
        status = _aws("status", "--json")
        assert status.exit_code == 0, status.output[-3000:]
        assert {s["name"] for s in _json(status.stdout)["services"]} >= {"shard", "jvb"}

        link = _aws("link", "--room", "standup", "--json")
        assert link.exit_code == 0, link.output[-3000:]
        assert _json(link.stdout)["url"].startswith("https://meet.example.com/standup?jwt=")

        added = _aws("members", "add", "ada@example.com")
        assert added.exit_code == 0, added.output[-3000:]

        # (The order of the restarts, the fresh values and a clean replan after are the CLI
        # flow's checks: its emulator answers the recorder's polls over plain HTTP.) Here its
        # verify fails the live checks alone, as up's does.
        rotated = _aws("rotate-secrets", "--yes", "--force")
        _no_traceback(rotated)
        failed = re.findall(r"^│ fail +│ (\S+)", rotated.output, flags=re.M)
        assert rotated.exit_code == 1 and failed, rotated.output[-5000:]
        assert all(i.startswith("live.") for i in failed), failed

        drill = _aws("drill", "rollback", "--service", "shard", "--yes", "--json")
        assert drill.exit_code == 0, drill.output[-3000:]
        assert _json(drill.stdout)["passed"] is True
        alarm = _aws("drill", "alarm", "--json")
        assert alarm.exit_code == 0, alarm.output[-3000:]
        assert _json(alarm.stdout)["passed"] is True

        # ---- down: everything goes, the state is left empty, the bucket keeps its history
        down = _aws("down", "--yes")
        assert down.exit_code == 0, down.output[-3000:]
        state = json.loads(
            s3.get_object(Bucket=bucket, Key="jitsi/terraform.tfstate")["Body"].read()
        )
        assert state["resources"] == []
        left = leftovers(admin, keep_zones=("example.com.",))
        # The test's own users' policies are all IAM holds.
        users = {"administrator", *(p for n, _ in policies for p in (n, f"short-{n}"))}
        assert set(left.pop("policies", [])) <= users
        assert left == {}
    finally:
        account.stop()
