"""`jitsi-ecs rotate-secrets`: after the apply, every service that reads a generated secret
(and coturn) restarts onto the new values; a refused restart is the tool's error, named."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from botocore.stub import Stubber

from jitsi_ecs.aws import _HINTS
from jitsi_ecs.commands import Globals
from jitsi_ecs.commands import rotate_secrets as cmd
from jitsi_ecs.errors import UsageError
from tests.unit.test_aws import stubbed

OUTPUTS = SimpleNamespace(
    cluster_name="jitsi",
    service_names={"web": "jitsi-web", "xmpp": "jitsi-xmpp", "jvb": "jitsi-jvb", "api": "api"},
    service_containers={"web": ["web"], "xmpp": ["prosody", "jicofo"], "jvb": ["jvb"], "api": []},
    turn_service_name="jitsi-coturn",
)
G = Globals(config_path=None, target="local")


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    fake = SimpleNamespace(
        aws=stubbed(), secrets_version=2, prepare=lambda **_: None, attach=lambda: OUTPUTS
    )
    monkeypatch.setattr(cmd, "open_stack", lambda g, command: fake)
    monkeypatch.setattr(cmd, "guard_signaling", lambda *a, **k: None)
    monkeypatch.setattr(cmd, "apply_plan", lambda *a, **k: None)
    monkeypatch.setattr(cmd, "verify_stack", lambda s: [])
    monkeypatch.setattr(cmd, "report", lambda results, as_json, junit: 0)
    return fake


def _restart(service: str) -> dict[str, Any]:
    return {"cluster": "jitsi", "service": service, "forceNewDeployment": True}


def test_readers_and_coturn_restart_onto_the_new_secrets(stack: SimpleNamespace) -> None:
    with Stubber(stack.aws.ecs) as stub:
        for service in ("jitsi-xmpp", "jitsi-jvb", "jitsi-coturn"):
            stub.add_response("update_service", {}, _restart(service))
        assert cmd.run(G) == 0
        stub.assert_no_pending_responses()


def test_a_refused_restart_is_a_usage_error_naming_the_service(stack: SimpleNamespace) -> None:
    with Stubber(stack.aws.ecs) as stub:
        stub.add_response("update_service", {}, _restart("jitsi-xmpp"))
        stub.add_client_error(
            "update_service",
            "AccessDeniedException",
            "no ecs:UpdateService",
            expected_params=_restart("jitsi-jvb"),
        )
        with pytest.raises(UsageError) as caught:
            cmd.run(G)
    assert caught.value.message == (
        "start a new deployment of service jitsi-jvb in cluster jitsi: AWS refused "
        "UpdateService (AccessDeniedException): no ecs:UpdateService"
    )
    assert caught.value.hint == _HINTS["AccessDeniedException"]
