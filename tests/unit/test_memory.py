"""The memory budget: heaps are what the other processes leave, and the smallest task that
holds the budget is the one the config accepts. infra/tests/jitsi.tftest.hcl asserts the same
figures for module jitsi, so Python's copy and Terraform's cannot drift apart."""

from __future__ import annotations

import pytest

from jitsi_ecs import memory
from jitsi_ecs.config import FARGATE_MEMORY, Config, parse_config
from jitsi_ecs.errors import ConfigError

SHARD, XMPP, JVB = memory.TASKS["shard"], memory.TASKS["xmpp"], memory.TASKS["jvb"]


@pytest.mark.parametrize(
    ("containers", "size", "expected"),
    [
        (SHARD, 3072, {"jicofo": 512, "jvb": 1472}),
        (SHARD, 4096, {"jicofo": 512, "jvb": 2496}),
        (JVB, 2048, {"jvb": 1600}),
        (JVB, 4096, {"jvb": 3648}),
        (XMPP, 1024, {"jicofo": 512}),
        (XMPP, 2048, {"jicofo": 1536}),
        (memory.TASKS["web"], 512, {}),
    ],
)
def test_heaps_are_what_the_budget_leaves(
    containers: tuple[str, ...], size: int, expected: dict[str, int]
) -> None:
    assert memory.heaps(containers, size) == expected


def test_every_task_holds_its_budget_and_its_heaps() -> None:
    for containers in memory.TASKS.values():
        least = memory.minimum(containers)
        for size in (least, least + 100, 8192):
            got = memory.heaps(containers, size)
            assert memory.reserved(containers) + sum(got.values()) <= size
            assert got.get("jvb", memory.MIN_JVB_HEAP.mib) >= memory.MIN_JVB_HEAP.mib
            assert got.get("jicofo", memory.JICOFO_HEAP.mib) >= memory.JICOFO_HEAP.mib
        # A MiB less and the bridge (or jicofo) would get less than its floor.
        short = memory.heaps(containers, least - memory.HEAP_STEP)
        assert (
            short.get("jvb", 10**6) < memory.MIN_JVB_HEAP.mib
            or short.get("jicofo", 10**6) < memory.JICOFO_HEAP.mib
            or not short
        )


def test_the_defaults_hold_their_budget() -> None:
    jitsi = Config().jitsi
    assert jitsi.shard.memory >= memory.minimum(SHARD)
    assert jitsi.jvb.memory >= memory.minimum(JVB)
    assert jitsi.xmpp.memory >= memory.minimum(XMPP)


@pytest.mark.parametrize(("key", "task"), [("shard", SHARD), ("jvb", JVB), ("xmpp", XMPP)])
def test_the_largest_fargate_size_below_the_minimum_is_refused(
    key: str, task: tuple[str, ...]
) -> None:
    least = memory.minimum(task)
    cpu, size = max(
        ((c, m) for c, sizes in FARGATE_MEMORY.items() for m in sizes if m < least),
        key=lambda cm: cm[1],
    )
    with pytest.raises(ConfigError) as refused:
        parse_config({"jitsi": {key: {"cpu": cpu, "memory": size}}})
    assert f"jitsi.{key}: memory {size} MiB cannot hold" in refused.value.message
    assert f"at least {least} MiB" in refused.value.message


def test_every_share_names_its_source() -> None:
    for share in (*memory.BESIDE_HEAP, memory.JICOFO_HEAP, memory.MIN_JVB_HEAP):
        assert share.source and share.mib > 0
