"""The deployment's generated secrets, and the check that none of them is on disk: after the
first `up` (test_cli_flow.py) and after `rotate-secrets` (test_aws_flow.py)."""

from __future__ import annotations

from pathlib import Path

from jitsi_ecs.aws import AwsContext


def in_ssm(aws: AwsContext) -> dict[str, str]:
    """Every SSM parameter's name and (decrypted) value."""
    ssm = aws.client("ssm")
    names = [p["Name"] for p in ssm.describe_parameters()["Parameters"]]
    return {n: ssm.get_parameter(Name=n, WithDecryption=True)["Parameter"]["Value"] for n in names}


def assert_nowhere_on_disk(secrets: dict[str, str], project: Path) -> None:
    """No file under the project (config, .jitsi-ecs: state, logs, emulator log) holds a
    secret value; everything the tool wrote is owner-only; no saved plan is left."""
    assert secrets and all(len(v) >= 24 for v in secrets.values()), secrets.keys()
    for path in project.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            leaked = [n for n, v in secrets.items() if v.encode() in data]
            assert not leaked, f"{path} holds {leaked}"
    tool_dir = project / ".jitsi-ecs"
    for path in [tool_dir, *tool_dir.rglob("*")]:
        if path.is_symlink() or ".terraform" in path.parts:
            continue  # provider plugins terraform links from its mirror
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"
    assert not list(tool_dir.rglob("*.tfplan"))
