"""`jitsi-ecs env`: shell exports so the AWS CLI or boto3 can inspect the deployment."""

from __future__ import annotations

import shlex

from jitsi_ecs.aws import EMULATOR_CREDENTIALS
from jitsi_ecs.commands import Globals
from jitsi_ecs.config import load_config
from jitsi_ecs.emulator import manager
from jitsi_ecs.errors import EXIT_OK, JitsiEcsError
from jitsi_ecs.workspace import Workspace


def run(g: Globals) -> int:
    config = load_config(g.config_path)
    exports = {"AWS_REGION": config.region, "AWS_DEFAULT_REGION": config.region}
    if g.target == "local":
        emulator = manager.running(Workspace.for_target("local"))
        if emulator is None:
            raise JitsiEcsError(
                "the local emulator is not running", hint="Run `jitsi-ecs up` first."
            )
        exports["AWS_ENDPOINT_URL"] = emulator.endpoint
        exports["AWS_ACCESS_KEY_ID"] = EMULATOR_CREDENTIALS["aws_access_key_id"]
        exports["AWS_SECRET_ACCESS_KEY"] = EMULATOR_CREDENTIALS["aws_secret_access_key"]
    print('# eval "$(jitsi-ecs env)" to point the AWS CLI and boto3 at this deployment')
    for key, value in exports.items():
        print(f"export {key}={shlex.quote(value)}")
    return EXIT_OK
