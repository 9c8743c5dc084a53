"""The memory budget of the Jitsi tasks: what each process needs beside the JVM heaps, each
figure with its source, and the heaps that leaves.

The images' JVMs default to 3 GB of heap each (jvb.sh and jicofo.sh: -Xmx3072m), and a JVM
uses memory beyond its heap (class metadata, compiled code, thread stacks, the collector's
own structures, NIO buffers), so a heap set as a share of the task can still be OOM-killed.
Here the heaps are what is left once every other process has its share: jicofo gets Jitsi's
figure in the shard, the bridge the rest (rounded down to HEAP_STEP), and a task too small to
give the bridge MIN_JVB_HEAP (or jicofo JICOFO_HEAP) is refused by the config (exit 2, the
key named) and by the root variables' validation.

Module jitsi's tasks.tf holds the same figures (locals `beside_heap`, `jicofo_heap_mib`,
`heap_step`); `verify` compares the heaps deployed with `heaps()`, so the two cannot drift
unnoticed. README "Memory budget" is this table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Each tmpfs mount (tasks.tf: local.tmpfs_mib, mounts in local.tmpfs / extra_tmpfs) is memory
# of the task: what is written there counts like any page. Reserved whole, on either line.
TMPFS_MIB = 16
TMPFS_MOUNTS = {"web": 2, "prosody": 3, "jicofo": 2, "jvb": 2, "guard": 0}
HEAP_STEP = 64


@dataclass(frozen=True)
class Share:
    container: str
    what: str
    mib: int
    source: str


# What each container runs beside a JVM heap.
BESIDE_HEAP: tuple[Share, ...] = (
    Share(
        "web",
        "nginx (the app's files are served from disk)",
        64,
        "estimate: nginx workers take a few MiB each (one per vCPU); first real deploy measures",
    ),
    Share(
        "prosody",
        "prosody (Lua): sessions, MUC rooms, BOSH buffers",
        128,
        "estimate: prosody.im says a small server needs tens of MB; sessions add ~0.1-1 MB each",
    ),
    Share(
        "jicofo",
        "JVM beside the heap: metaspace, code cache, threads, collector",
        256,
        "JVM defaults (jicofo.sh sets only -Xmx): metaspace ~60-100 MiB, code cache up to "
        "240 MiB reserved (~50 used), a thread stack each",
    ),
    Share(
        "jvb",
        "JVM beside the heap: metaspace, code cache, threads, G1, NIO buffers",
        384,
        "JVM defaults (jvb.sh sets only -Xmx and G1): as jicofo, plus G1's remembered sets "
        "(~5% of heap) and NIO's per-thread direct buffers (packet pools are heap arrays)",
    ),
    *(
        Share(c, "s6-overlay, its shells and the health check's curl", 16, "estimate")
        for c in ("web", "prosody", "jicofo", "jvb")
    ),
    Share("guard", "guard.sh: sh, curl, sleep", 16, "estimate"),
)
# jicofo's heap where it shares the task with a bridge (the shard): Jitsi's figure.
JICOFO_HEAP = Share(
    "jicofo", "jicofo heap", 512, "Jitsi handbook and jitsi-helm: jicofo ~512 MB (FACTS.md)"
)
# The smallest bridge heap worth a task: two thirds of Jitsi's 1.5 GB for ~20 participants.
MIN_JVB_HEAP = Share(
    "jvb",
    "bridge heap, at least",
    1024,
    "Jitsi handbook: ~1.5 GB of heap for ~20 participants; 1 GiB carries ~13",
)

# The containers of each kind of task (module jitsi: local.services, and the guard beside
# every bridge).
TASKS: dict[str, tuple[str, ...]] = {
    "shard": ("web", "prosody", "jicofo", "jvb", "guard"),
    "xmpp": ("prosody", "jicofo"),
    "jvb": ("jvb", "guard"),
    "web": ("web",),
}


def reserved(containers: Iterable[str]) -> int:
    """MiB a task's containers need beside the JVM heaps, tmpfs included."""
    names = set(containers)
    return sum(s.mib for s in BESIDE_HEAP if s.container in names) + sum(
        TMPFS_MIB * TMPFS_MOUNTS.get(c, 0) for c in names
    )


def _step(mib: int) -> int:
    return mib // HEAP_STEP * HEAP_STEP


def heaps(containers: Iterable[str], memory: int) -> dict[str, int]:
    """The JVM heaps (MiB) of a task of that memory: {"jvb": ..., "jicofo": ...}, those it runs.

    With a bridge, jicofo (if there) gets JICOFO_HEAP and the bridge what is left; without one
    (growth's signaling task), jicofo gets what is left.
    """
    names = set(containers)
    left = memory - reserved(names)
    if "jvb" in names:
        out = {"jicofo": JICOFO_HEAP.mib} if "jicofo" in names else {}
        return {**out, "jvb": _step(left - out.get("jicofo", 0))}
    return {"jicofo": _step(left)} if "jicofo" in names else {}


def minimum(containers: Iterable[str]) -> int:
    """The smallest task memory (MiB) that holds the budget and the smallest heaps."""
    names = set(containers)
    least = reserved(names)
    if "jicofo" in names:
        least += JICOFO_HEAP.mib
    if "jvb" in names:
        least += MIN_JVB_HEAP.mib
    return least
