"""relay-id.sh (the bridge's start when relays are on), run for real: it gives the bridge the
task's own address as relay id and hands over to /init (here replaced by `env`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import INFRA

SCRIPT = INFRA / "modules" / "jitsi" / "relay-id.sh"


def _run(extra_env: dict[str, str], path: str | None = None) -> dict[str, str]:
    text = SCRIPT.read_text()
    assert text.count("exec /init") == 1
    shell = shutil.which("sh")
    assert shell
    result = subprocess.run(
        [shell, "-c", text.replace("exec /init", "exec env")],
        env={"PATH": path or os.environ["PATH"], **extra_env},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)


def test_the_relay_id_is_the_tasks_own_address() -> None:
    if shutil.which("ip") is None:
        pytest.fail("iproute2 (ip) is needed: the jvb images ship it, the test runs it")
    route = subprocess.run(["ip", "route", "get", "1"], capture_output=True, text=True).stdout
    address = re.search(r" src ([0-9.]+)", route)
    assert address, route
    env = _run({"KEEP": "1"})
    assert env["JVB_OCTO_RELAY_ID"] == address.group(1)
    assert env["KEEP"] == "1", "the container's environment reaches /init unchanged"


def test_without_a_route_it_falls_back_to_the_host_name(tmp_path: Path) -> None:
    # A PATH without `ip`: the hostname is unique per task too.
    bin_dir = tmp_path
    for tool in ("sed", "hostname", "env"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    env = _run({}, path=str(bin_dir))
    assert (
        env["JVB_OCTO_RELAY_ID"]
        == subprocess.run(["hostname"], capture_output=True, text=True, check=True).stdout.strip()
    )


def test_an_explicit_relay_id_wins() -> None:
    assert _run({"JVB_OCTO_RELAY_ID": "jvb-7"})["JVB_OCTO_RELAY_ID"] == "jvb-7"
