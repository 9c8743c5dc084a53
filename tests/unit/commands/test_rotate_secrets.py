"""`jitsi-ecs rotate-secrets`: after the apply, every service that reads a generated secret is
stopped, and only once none of their tasks runs are they all started again on the new values
(coturn gets a new deployment beside them): a bridge never runs beside a prosody of the other
version. A refused call is the tool's error, named."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from botocore.stub import Stubber

from jitsi_ecs.aws import _HINTS
from jitsi_ecs.commands import Globals
from jitsi_ecs.commands import rotate_secrets as cmd
from jitsi_ecs.drills import Clock
from jitsi_ecs.errors import JitsiEcsError, UsageError
from jitsi_ecs.rotation import stop_readers
from jitsi_ecs.targets import Watch
from tests.unit.test_aws import stubbed

GROWTH = SimpleNamespace(
    cluster_name="jitsi",
    service_names={"web": "jitsi-web", "xmpp": "jitsi-xmpp", "jvb": "jitsi-jvb", "api": "api"},
    service_containers={"web": ["web"], "xmpp": ["prosody", "jicofo"], "jvb": ["jvb"], "api": []},
    turn_service_name="jitsi-coturn",
)
COMPACT = SimpleNamespace(
    cluster_name="jitsi",
    service_names={"shard": "shard", "jvb": "jvb"},
    service_containers={"shard": ["web", "prosody", "jicofo", "jvb"], "jvb": ["jvb"]},
    turn_service_name=None,
)
G = Globals(config_path=None, target="local")


def _stack(monkeypatch: pytest.MonkeyPatch, outputs: SimpleNamespace) -> SimpleNamespace:
    fake = SimpleNamespace(
        aws=stubbed(),
        secrets_version=2,
        prepare=lambda **_: None,
        attach=lambda: outputs,
        target=SimpleNamespace(stable_watch=Watch(timeout_s=60, poll_s=0)),
    )
    monkeypatch.setattr(cmd, "open_stack", lambda g, command: fake)
    monkeypatch.setattr(cmd, "guard_signaling", lambda *a, **k: None)
    monkeypatch.setattr(cmd, "apply_plan", lambda *a, **k: None)
    monkeypatch.setattr(cmd, "wait_for_services", lambda s: [])
    monkeypatch.setattr(cmd, "verify_stack", lambda s: [])
    monkeypatch.setattr(cmd, "report", lambda results, as_json, junit: 0)
    return fake


@pytest.fixture
def growth(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    return _stack(monkeypatch, GROWTH)


@pytest.fixture
def compact(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    return _stack(monkeypatch, COMPACT)


def _described(services: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """DescribeServices' answer: name -> (desired, running)."""
    return {
        "services": [
            {
                "serviceName": name,
                "status": "ACTIVE",
                "desiredCount": desired,
                "runningCount": running,
                "pendingCount": 0,
            }
            for name, (desired, running) in services.items()
        ]
    }


def _describe(stub: Stubber, services: dict[str, tuple[int, int]]) -> None:
    stub.add_response(
        "describe_services",
        _described(services),
        {"cluster": "jitsi", "services": list(services)},
    )


def _scale(stub: Stubber, service: str, count: int, new_deployment: bool = False) -> None:
    params: dict[str, Any] = {"cluster": "jitsi", "service": service, "desiredCount": count}
    if new_deployment:
        params["forceNewDeployment"] = True
    stub.add_response("update_service", {}, params)


def test_growth_stops_signaling_and_bridges_before_either_starts_again(
    growth: SimpleNamespace,
) -> None:
    # Stubber answers in order and fails on any other call: the order is the assertion.
    with Stubber(growth.aws.ecs) as stub:
        _describe(stub, {"jitsi-xmpp": (1, 1), "jitsi-jvb": (2, 2)})
        _scale(stub, "jitsi-xmpp", 0)
        _scale(stub, "jitsi-jvb", 0)
        _describe(stub, {"jitsi-xmpp": (0, 0), "jitsi-jvb": (0, 1)})  # a bridge still stops
        _describe(stub, {"jitsi-xmpp": (0, 0), "jitsi-jvb": (0, 0)})
        _scale(stub, "jitsi-xmpp", 1, new_deployment=True)
        _scale(stub, "jitsi-jvb", 2, new_deployment=True)
        stub.add_response(
            "update_service",
            {},
            {"cluster": "jitsi", "service": "jitsi-coturn", "forceNewDeployment": True},
        )
        assert cmd.run(G) == 0
        stub.assert_no_pending_responses()


def test_compact_stops_the_shard_and_the_bridges_alone_then_starts_both(
    compact: SimpleNamespace,
) -> None:
    with Stubber(compact.aws.ecs) as stub:
        _describe(stub, {"shard": (1, 1), "jvb": (1, 1)})
        _scale(stub, "shard", 0)
        _scale(stub, "jvb", 0)
        _describe(stub, {"shard": (0, 1), "jvb": (0, 0)})  # the shard is still stopping
        _describe(stub, {"shard": (0, 0), "jvb": (0, 0)})
        _scale(stub, "shard", 1, new_deployment=True)
        _scale(stub, "jvb", 1, new_deployment=True)
        assert cmd.run(G) == 0
        stub.assert_no_pending_responses()


def test_an_unstable_service_after_the_restart_fails_the_command(
    compact: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        cmd, "wait_for_services", lambda s: [SimpleNamespace(stable=False, name="jvb", detail="x")]
    )
    monkeypatch.setattr(cmd, "print_unstable", lambda unstable: None)
    with Stubber(compact.aws.ecs) as stub:
        _describe(stub, {"shard": (1, 1), "jvb": (0, 0)})
        _scale(stub, "shard", 0)
        _scale(stub, "jvb", 0)
        _describe(stub, {"shard": (0, 0), "jvb": (0, 0)})
        _scale(stub, "shard", 1, new_deployment=True)
        _scale(stub, "jvb", 0, new_deployment=True)
        assert cmd.run(G) == 1


class _Ticking(Clock):
    def __init__(self) -> None:
        self.t = 0.0
        super().__init__(now=lambda: self.t, sleep=self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.t += seconds


def test_tasks_that_never_stop_are_started_again_and_named() -> None:
    aws = stubbed()
    with Stubber(aws.ecs) as stub:
        _describe(stub, {"shard": (1, 1), "jvb": (2, 2)})
        _scale(stub, "shard", 0)
        _scale(stub, "jvb", 0)
        _describe(stub, {"shard": (0, 0), "jvb": (0, 1)})  # protected by its meetings
        _describe(stub, {"shard": (0, 0), "jvb": (0, 1)})
        _scale(stub, "shard", 1, new_deployment=True)
        _scale(stub, "jvb", 2, new_deployment=True)
        with pytest.raises(JitsiEcsError) as caught:
            stop_readers(aws, "jitsi", ["shard", "jvb"], Watch(timeout_s=10, poll_s=10), _Ticking())
        stub.assert_no_pending_responses()
    assert caught.value.message.startswith("task(s) of jvb (1) still ran after 10 s")


def test_a_missing_service_is_named_before_anything_stops() -> None:
    aws = stubbed()
    with Stubber(aws.ecs) as stub:
        stub.add_response(
            "describe_services",
            _described({"shard": (1, 1)}),
            {"cluster": "jitsi", "services": ["shard", "jvb"]},
        )
        with pytest.raises(JitsiEcsError, match="jvb not found"):
            stop_readers(aws, "jitsi", ["shard", "jvb"], Watch(timeout_s=10, poll_s=0))


def test_a_refused_restart_is_a_usage_error_naming_the_service(growth: SimpleNamespace) -> None:
    with Stubber(growth.aws.ecs) as stub:
        _describe(stub, {"jitsi-xmpp": (1, 1), "jitsi-jvb": (1, 1)})
        _scale(stub, "jitsi-xmpp", 0)
        stub.add_client_error(
            "update_service",
            "AccessDeniedException",
            "no ecs:UpdateService",
            expected_params={"cluster": "jitsi", "service": "jitsi-jvb", "desiredCount": 0},
        )
        with pytest.raises(UsageError) as caught:
            cmd.run(G)
    assert caught.value.message == (
        "scale service jitsi-jvb in cluster jitsi to 0: AWS refused "
        "UpdateService (AccessDeniedException): no ecs:UpdateService"
    )
    assert caught.value.hint == _HINTS["AccessDeniedException"]
