"""`jitsi-ecs env`: shell exports so the AWS CLI or boto3 can inspect the deployment."""

from __future__ import annotations

import shlex

from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import target
from jitsi_ecs.config import load_config
from jitsi_ecs.errors import EXIT_OK


def run(g: Globals) -> int:
    aws = target(g).connect(load_config(g.config_path), start=False)
    print('# eval "$(jitsi-ecs env)" to point the AWS CLI and boto3 at this deployment')
    for key, value in aws.terraform_env().items():
        print(f"export {key}={shlex.quote(value)}")
    return EXIT_OK
