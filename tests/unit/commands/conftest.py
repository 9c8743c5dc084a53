"""The read-side commands through typer's CliRunner, against moto served in this process.

A ThreadedMotoServer (with the project's extensions) stands in for the emulator: the
workspace records it as running, as `jitsi-ecs up` would, under the pid of a `sleep` child
this fixture owns (so nothing the tool does to "its" emulator can reach the test process).
A deployment is a moto stack (tests/unit/deployed.py) plus a local Terraform state that
holds only its outputs, read by the real `terraform output`.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import DEFAULT_CONFIG_FILE
from jitsi_ecs.emulator.extensions import install
from jitsi_ecs.emulator.manager import SERVER_MODULE
from jitsi_ecs.workspace import Workspace
from tests.unit.conftest import moto_context, session_sharing_models
from tests.unit.deployed import CONFIG_TOML, REGION, Deployed


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    install()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@dataclass
class Emulator:
    endpoint: str
    workspace: Workspace

    def aws(self) -> AwsContext:
        return AwsContext(region=REGION, endpoint_url=self.endpoint)

    def deploy(self, build: Any) -> Deployed:
        """Build resources with `build`, record their outputs as Terraform's state, and
        write the config they were built from as ./jitsi-ecs.toml."""
        # Built in-process (moto's backends are the ones the server serves; over HTTP the
        # hundred-odd calls take seconds), then handed the server's endpoint for drift.
        mock = mock_aws()
        mock.start()
        try:
            d = build(Deployed(moto_context()))
        finally:
            mock.stop(remove_data=False)
        d.aws = self.aws()
        self.record_outputs(d.stack_outputs().model_dump())
        Path(DEFAULT_CONFIG_FILE).write_text(CONFIG_TOML)
        return d

    def record_outputs(self, outputs: dict[str, Any]) -> None:
        stack = self.workspace.stack_dir
        (stack / ".terraform").mkdir(parents=True, exist_ok=True)
        state = {
            "version": 4,
            "terraform_version": "1.9.0",
            "serial": 1,
            "lineage": "00000000-0000-0000-0000-000000000000",
            "outputs": {k: {"value": v, "type": cty_type(v)} for k, v in outputs.items()},
            "resources": [],
        }
        (stack / "terraform.tfstate").write_text(json.dumps(state))


def cty_type(value: Any) -> Any:
    """The Terraform type of a JSON value, as `terraform output -json` expects in a state."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return ["object", {k: cty_type(v) for k, v in value.items()}]
    if isinstance(value, list):
        return ["tuple", [cty_type(v) for v in value]]
    return "string"  # strings, and null outputs (telemetry off)


@pytest.fixture
def emulator(moto_server: str, in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    # Speed only: the CLI's sessions reuse the service models this worker parsed already.
    monkeypatch.setattr(boto3, "Session", session_sharing_models)
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    port = moto_server.rsplit(":", 1)[1]
    # A process whose command line is the emulator's on this port (manager.is_our_emulator):
    # the commands take it for the server they started.
    sleeping = [sys.executable, "-c", "import time; time.sleep(600)"]
    stand_in = subprocess.Popen(
        [*sleeping, "-m", SERVER_MODULE, "--host", "127.0.0.1", "--port", port]
    )
    ws = Workspace.for_target("local", in_tmp).open()
    ws.emulator_file.write_text(json.dumps({"pid": stand_in.pid, "port": int(port)}))
    try:
        yield Emulator(moto_server, ws)
    finally:
        stand_in.kill()
        stand_in.wait()
