"""Smoke checks only a live stack can answer: the site serves Jitsi, its config names the
domain, BOSH reaches prosody, the telemetry sees an operational bridge and jicofo, and every
running bridge advertised its own public address.

They need running containers, so a target that runs none (the emulator) skips them, saying so.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jitsi_ecs.verify.result import Check, VerifyContext, compare, skip

IDS = (
    "live.site",
    "live.config-js",
    "live.http-bind",
    "live.telemetry",
    "live.public-address",
)
NOT_LIVE = (
    "this target runs no containers (the emulator): nothing answers HTTP or sends telemetry; "
    "verify --target aws runs it"
)
# The Jitsi Meet page loads its application bundle; nginx's own pages and error pages do not.
JITSI_PAGE_MARKER = "app.bundle.min.js"
# ice4j logs this once at start for each STUN server that answered, the address as
# ip:port/transport (StunMappingCandidateHarvester, TransportAddress.toString).
DISCOVERED = re.compile(
    r"Discovered public address \[?([0-9a-fA-F.:]+?)\]?:\d+/\w+ from STUN server"
)
MAX_BODY = 512 * 1024
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Response:
    status: int | None  # None: no HTTP answer at all
    body: str
    error: str = ""


def get(url: str, timeout: float = TIMEOUT_S) -> Response:
    request = urllib.request.Request(url, headers={"User-Agent": "jitsi-ecs-verify"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read(MAX_BODY).decode("utf-8", errors="replace")
            return Response(answer.status, body)
    except urllib.error.HTTPError as exc:
        return Response(exc.code, exc.read(MAX_BODY).decode("utf-8", errors="replace"))
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Response(None, "", f"{type(exc).__name__}: {reason}")


def checks(ctx: VerifyContext) -> Iterator[Check]:
    if not ctx.serves_traffic:
        for check_id in IDS:
            yield skip(check_id, NOT_LIVE)
        return
    yield from http_checks(ctx.outputs.url, ctx.config.domain)
    yield _telemetry(ctx)
    yield _public_addresses(ctx)


# ---------------------------------------------------------------- HTTP
def http_checks(base_url: str, domain: str) -> Iterator[Check]:
    base = base_url.rstrip("/")
    page = get(f"{base}/")
    yield compare(
        "live.site",
        {"status": 200, "jitsi_page": True},
        {"status": page.status, "jitsi_page": JITSI_PAGE_MARKER in page.body},
        page.error or f"GET {base}/ must serve the Jitsi Meet page (it loads {JITSI_PAGE_MARKER})",
    )
    config = get(f"{base}/config.js")
    yield compare(
        "live.config-js",
        {"status": 200, "names_domain": domain},
        {"status": config.status, "names_domain": domain if domain in config.body else None},
        config.error or "the web container's config.js (BOSH and websocket URLs) names the domain",
    )
    bosh = get(f"{base}/http-bind")
    yield compare(
        "live.http-bind",
        {"status": 200},
        {"status": bosh.status},
        bosh.error or "nginx proxies /http-bind to prosody (502 while signaling is down)",
    )


# ---------------------------------------------------------------- telemetry
def _telemetry(ctx: VerifyContext) -> Check:
    if not ctx.config.telemetry.enabled:
        return skip("live.telemetry", "telemetry.enabled = false in the config")
    namespace = ctx.config.observability.metric_namespace
    bridges = ctx.aws.latest(namespace, "OperationalBridges", {"Service": "jicofo"})
    jicofo = ctx.aws.latest(namespace, "SourceUp", {"Service": "jicofo"})
    observed = {
        "operational_bridges": bridges[0] if bridges else None,
        "jicofo_up": jicofo[0] if jicofo else None,
    }
    ok = (bridges is not None and bridges[0] >= 1) and (jicofo is not None and jicofo[0] >= 1)
    return Check(
        "live.telemetry",
        "pass" if ok else "fail",
        {"operational_bridges": ">= 1", "jicofo_up": 1},
        observed,
        "the latest telemetry (last 15 minutes): jicofo answers and sees a bridge it can use",
    )


# ---------------------------------------------------------------- public addresses
def _bridge_services(ctx: VerifyContext) -> list[str]:
    """ECS names of the services that run a bridge: the compact shard and the bridges alone
    (growth: the bridges alone), from what each runs, never from its name."""
    return [
        ctx.outputs.service_names[key]
        for key, containers in ctx.outputs.service_containers.items()
        if "jvb" in containers and key in ctx.outputs.service_names
    ]


def running_bridges(ctx: VerifyContext) -> dict[str, str | None]:
    """Task id -> public IPv4 of each running task that runs a bridge."""
    ecs, cluster = ctx.aws.ecs, ctx.outputs.cluster_name
    arns: list[str] = []
    for service in _bridge_services(ctx):
        arns += ecs.list_tasks(cluster=cluster, serviceName=service, desiredStatus="RUNNING")[
            "taskArns"
        ]
    if not arns:
        return {}
    enis: dict[str, str] = {}
    for task in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]:
        for attachment in task.get("attachments", []):
            for detail in attachment.get("details", []):
                if detail.get("name") == "networkInterfaceId":
                    enis[str(detail.get("value"))] = task["taskArn"].rsplit("/", 1)[-1]
    found: dict[str, str | None] = {task_id: None for task_id in enis.values()}
    if enis:
        interfaces = ctx.aws.ec2.describe_network_interfaces(NetworkInterfaceIds=list(enis))
        for eni in interfaces["NetworkInterfaces"]:
            found[enis[eni["NetworkInterfaceId"]]] = eni.get("Association", {}).get("PublicIp")
    return found


def advertised(ctx: VerifyContext, task_id: str) -> set[str]:
    """Public addresses the bridge of this task found with STUN, from its log stream."""
    # awslogs: <stream prefix>/<container>/<task id>, in the shard as in a bridge alone
    stream = f"{ctx.outputs.log_stream_prefix('jvb')}/jvb/{task_id}"
    events: Any = ctx.aws.logs.get_log_events(
        logGroupName=ctx.outputs.log_group_name,
        logStreamName=stream,
        startFromHead=True,
        limit=10000,
    )["events"]
    return {m.group(1) for e in events for m in DISCOVERED.finditer(str(e.get("message", "")))}


def public_address_check(bridges: dict[str, str | None], found: dict[str, set[str]]) -> Check:
    """Every running bridge has a public IP and advertised exactly that one."""
    observed = {
        task: {"public_ip": ip, "advertised": sorted(found.get(task, set()))}
        for task, ip in sorted(bridges.items())
    }
    ok = bool(bridges) and all(
        ip is not None and ip in found.get(t, set()) for t, ip in bridges.items()
    )
    return Check(
        "live.public-address",
        "pass" if ok else "fail",
        {"each running bridge": "advertises its own public IP (found with STUN)"},
        observed or "no running bridge",
        "a bridge that advertises anything else (or nothing) carries no media for participants",
    )


def _public_addresses(ctx: VerifyContext) -> Check:
    bridges = running_bridges(ctx)
    found: dict[str, set[str]] = {}
    for task_id in bridges:
        try:
            found[task_id] = advertised(ctx, task_id)
        except ctx.aws.logs.exceptions.ResourceNotFoundException:
            found[task_id] = set()
    return public_address_check(bridges, found)
