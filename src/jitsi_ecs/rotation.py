"""The order in which `rotate-secrets` restarts the services that read the generated secrets.

A task reads its secrets when it starts, and prosody registers the bridges' account with the
JVB password it read. A bridge of one version cannot log in to a prosody of the other, and
JVB's health check does not test XMPP: ECS would keep such a bridge, and drop the working
ones, as a rolling restart of the bridges beside a shard that has not been replaced yet (a
protected shard waits for its meetings) did. So the readers are never restarted one by one:

1. every reader (the shard, or signaling, and the bridges alone) is scaled to 0, and the tool
   waits until none of their tasks runs (a task protected by its meetings stops when they
   end, as it would for any deployment);
2. then all of them start again together on the new values (the count each had, and a new
   deployment), as on a first `up`: a bridge that starts before prosody retries until it
   can log in (jicoco's MucClient retries every 1-5 s and joins the brewery).

At every moment the running readers carry one version. Meetings end in both orders (the
signaling task is replaced); this one adds no bridge start to that gap, since the bridges
start beside the new shard. Services that read no secret (web in growth) are not touched;
coturn (it checks the credentials prosody signs) gets a new deployment with the readers.
"""

from __future__ import annotations

from collections.abc import Mapping

from jitsi_ecs.aws import AwsContext, calling
from jitsi_ecs.drills import Clock
from jitsi_ecs.errors import JitsiEcsError
from jitsi_ecs.targets import Watch
from jitsi_ecs.ui import err


def stop_readers(
    aws: AwsContext, cluster: str, names: list[str], watch: Watch, clock: Clock | None = None
) -> dict[str, int]:
    """Scale every named service to 0 and wait until none of their tasks runs. Returns the
    desired count each had (to start them again with). On a timeout the services are
    started again (an outage is worse than a mixed version) and the error names those that
    still ran."""
    clock = clock or Clock()
    desired = {
        str(s["serviceName"]): int(s.get("desiredCount", 0)) for s in aws.services(cluster, names)
    }
    missing = [n for n in names if n not in desired]
    if missing:
        raise JitsiEcsError(
            f"service(s) {', '.join(missing)} not found in cluster {cluster}",
            hint="Run `jitsi-ecs up` first.",
        )
    for name in names:
        with calling(f"scale service {name} in cluster {cluster} to 0"):
            aws.ecs.update_service(cluster=cluster, service=name, desiredCount=0)
        err.print(f"Stopping {name} ({desired[name]} task(s)): no task may keep the old values.")
    started = clock.now()
    while True:
        running = {
            str(s["serviceName"]): int(s.get("runningCount", 0)) + int(s.get("pendingCount", 0))
            for s in aws.services(cluster, names)
        }
        left = {n: c for n, c in running.items() if c}
        if not left:
            return desired
        if clock.now() - started >= watch.timeout_s:
            start_readers(aws, cluster, desired)
            still = ", ".join(f"{n} ({c})" for n, c in left.items())
            raise JitsiEcsError(
                f"task(s) of {still} still ran after {watch.timeout_s:g} s (protected by their "
                "meetings?): started the new ones anyway, beside them",
                hint="Bridges of the old values cannot join the new shard: once their meetings "
                "end, `jitsi-ecs status` shows them gone.",
            )
        clock.sleep(watch.poll_s)


def start_readers(aws: AwsContext, cluster: str, desired: Mapping[str, int]) -> None:
    """Start every service again with its count, in a new deployment (new values)."""
    for name, count in desired.items():
        with calling(f"start service {name} in cluster {cluster} again ({count} task(s))"):
            aws.ecs.update_service(
                cluster=cluster, service=name, desiredCount=count, forceNewDeployment=True
            )
        err.print(f"Starting {name} again ({count} task(s)): its tasks read the new values.")


def restart_readers(
    aws: AwsContext,
    cluster: str,
    readers: list[str],
    others: list[str],
    watch: Watch,
    clock: Clock | None = None,
) -> None:
    """Stop every reader, then start them all again; `others` (coturn) get a new deployment
    beside them."""
    desired = stop_readers(aws, cluster, readers, watch, clock)
    start_readers(aws, cluster, desired)
    for name in others:
        aws.redeploy(cluster, name)
        err.print(f"Restarting {name}: its tasks read the new values when they start.")
