"""infra/ on its own (no CLI): apply against the emulator, re-plan clean, destroy to nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from jitsi_ecs.auth import package as auth_package
from jitsi_ecs.aws import AwsContext
from jitsi_ecs.emulator import manager
from jitsi_ecs.stack import generated_secrets_env
from jitsi_ecs.targets.local import EMULATOR_PROVIDER
from jitsi_ecs.telemetry import package as telemetry_package
from jitsi_ecs.workspace import Workspace
from tests.conftest import INFRA
from tests.integration.leftovers import leftovers

pytestmark = pytest.mark.integration


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[AwsContext]:
    ws = Workspace(root=tmp_path / "emulator", target="local")
    emu = manager.ensure_running(ws)
    try:
        yield AwsContext(region="us-west-2", endpoint_url=emu.endpoint)
    finally:
        manager.stop(ws)


def test_root_module_applies_replans_clean_and_destroys(
    terraform_bin: str, emulator: AwsContext, tmp_path: Path
) -> None:
    root = tmp_path / "infra"
    shutil.copytree(INFRA, root, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "tests"))
    zone = emulator.client("route53").create_hosted_zone(Name="example.com.", CallerReference="t")
    variables = {
        "domain": "meet.example.com",
        "route53_zone_id": zone["HostedZone"]["Id"].split("/")[-1],
        "aws_provider": EMULATOR_PROVIDER,
        # An operator service with a secret: it too must apply, re-plan clean and destroy.
        "services": {
            "api": {
                "image": "public.ecr.aws/nginx/nginx:1.27.3",
                "port": 8004,
                "path_patterns": ["/api/v1/*"],
                "priority": 40,
                "secrets": ["API_KEY"],
            }
        },
        "alarms": {"emails": ["ops@example.com"]},
        "budgets": {"emails": ["finance@example.com"]},
    }
    # The packages as the CLI passes them (built into the working copy).
    variables["telemetry_package"] = telemetry_package.variable(root)
    variables["auth_package"] = auth_package.variable(root)
    (root / "terraform.tfvars.json").write_text(json.dumps(variables))
    # The secrets arrive as the CLI passes them: in the environment, never in a file.
    env = {
        **os.environ,
        **emulator.terraform_env(),
        **generated_secrets_env(),
        "TF_IN_AUTOMATION": "1",
    }

    def tf(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [terraform_bin, *args, "-no-color", "-input=false"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    assert (init := tf("init")).returncode == 0, init.stdout + init.stderr
    apply = tf("apply", "-auto-approve")
    assert apply.returncode == 0, apply.stdout[-4000:] + apply.stderr
    assert "Apply complete!" in apply.stdout

    replan = tf("plan", "-detailed-exitcode")
    assert replan.returncode == 0, (
        "a plan right after apply must show no changes:\n" + replan.stdout[-6000:]
    )

    destroy = tf("destroy", "-auto-approve")
    assert destroy.returncode == 0, destroy.stdout[-4000:] + destroy.stderr
    assert leftovers(emulator, keep_zones=("example.com.",)) == {}
