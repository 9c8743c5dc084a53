"""The rotation-order check the CLI flow runs (tests/integration/rotation_order.py): its
sweep over task starts and stops finds a bridge beside a shard of another version, and two
shards, and nothing in the order rotate-secrets keeps."""

from __future__ import annotations

from tests.integration.rotation_order import Task, violations


def _t(service: str, started: float, stopped: float | None, version: int) -> Task:
    return Task(service, f"{service}-{started}", started, stopped, version)


def test_all_stopped_then_all_started_is_clean() -> None:
    tasks = [
        _t("shard", 0, 10, 1),
        _t("jvb", 0, 11, 1),
        _t("jvb", 12, None, 2),  # a new bridge before the new shard: no shard runs then
        _t("shard", 13, None, 2),
    ]
    assert violations(tasks, "shard") == []


def test_a_new_bridge_beside_the_old_shard_is_found() -> None:
    tasks = [_t("shard", 0, 10, 1), _t("jvb", 0, 5, 1), _t("jvb", 5, None, 2)]
    assert violations(tasks, "shard") == [
        "at 5.000: bridges of version(s) [2] ran beside the shard of version 1"
    ]


def test_an_old_bridge_beside_the_new_shard_is_found() -> None:
    tasks = [_t("shard", 0, 10, 1), _t("shard", 10, None, 2), _t("jvb", 0, 12, 1)]
    assert violations(tasks, "shard") == [
        "at 10.000: bridges of version(s) [1] ran beside the shard of version 2"
    ]


def test_two_shards_at_once_are_found() -> None:
    tasks = [_t("shard", 0, 10, 1), _t("shard", 9, None, 2)]
    assert violations(tasks, "shard") == ["at 9.000: 2 shards ran (versions [1, 2])"]
