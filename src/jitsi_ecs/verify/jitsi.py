"""How the Jitsi images run: the image line and its file system, images pinned by digest,
the JVM heaps the memory budget leaves (jitsi_ecs.memory), nginx's keep-alive against the
ALB, where Jitsi sends a host to log in (TOKEN_AUTH_URL), how the bridge finds its public
address, the guard that keeps a bridge with meetings from being stopped (and its narrow task
role), the bridge-to-bridge relay, and TURN over TLS.

Which images and whether the line is rootless or relays are on come from Terraform's outputs;
what each must look like comes from the config and the requirements below.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from jitsi_ecs import iam_policy as policy
from jitsi_ecs import memory
from jitsi_ecs.auth.handler import FORM_PATH, ROOM_QUERY
from jitsi_ecs.ecs_rules import FARGATE_MAX_STOP_TIMEOUT
from jitsi_ecs.verify.ecs import GUARD
from jitsi_ecs.verify.result import WARNING, Check, VerifyContext, compare, missing, skip
from jitsi_ecs.workspace import infra_source

IMAGES = ("web", "prosody", "jicofo", "jvb")
# Everything the rootless images write must be a tmpfs owned by their uid 1000.
IMAGE_UID = "uid=1000"
WRITABLE = {"/run", "/tmp"}
EXTRA_WRITABLE = {"prosody": {"/var/lib/prosody"}}
# How ECS restarts the shard's bridge (bridges.tf: local.shard_bridge_restart).
SHARD_BRIDGE_RESTART = {"enabled": True, "restartAttemptPeriod": 60}
PROTECTION_ACTIONS = ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"]
RELAY_STRATEGY = "IntraRegionBridgeSelectionStrategy"
EPHEMERAL_PORTS = (32768, 65535)  # where a relay's offering side binds (Linux ephemeral)
# JVB's REST APIs the stack switches off, as JVM system properties (modules/jitsi main.tf).
JVB_CLOSED_APIS = "-Dvideobridge.rest.debug.enabled=false -Dvideobridge.rest.drain.enabled=false"


def _script(name: str) -> str:
    return (infra_source() / "modules" / "jitsi" / name).read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def _env(container: Any) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in container.get("environment", [])}


def checks(ctx: VerifyContext) -> Iterator[Check]:
    outputs = ctx.outputs
    tasks: dict[str, dict[str, Any]] = {}
    services: dict[str, Any] = {}
    for key, name in outputs.service_names.items():
        service = ctx.aws.service(outputs.cluster_name, name)
        if service is None:
            continue  # the ecs group reports a missing service
        services[key] = service
        task_def: Any = ctx.aws.task_definition(service["taskDefinition"])
        containers = {c["name"]: c for c in task_def.get("containerDefinitions", [])}
        tasks[key] = {"definition": task_def, "containers": containers}
        for name in outputs.service_containers.get(key, []):
            container = containers.get(name)
            if name in IMAGES and container is not None:
                yield from _image(ctx, f"task.{key}.{name}", name, container)

    # What a service runs decides what it must look like, never its name: in the compact
    # layout the shard runs a bridge (and so its guard and the bridges' role) beside web,
    # prosody and jicofo; in growth the bridges run alone.
    def running(container: str) -> list[str]:
        return [k for k in tasks if container in outputs.service_containers.get(k, [])]

    for key, task in tasks.items():
        names = outputs.service_containers.get(key, [])
        if "jvb" in names or "jicofo" in names:
            yield _heaps(ctx, key, names, task)
    for key in running("web"):
        web = tasks[key]["containers"].get("web")
        if web is not None:
            yield _keepalive(ctx, web)
            yield _token_auth_url(ctx, key, web)
    bridges = running("jvb")
    for key in bridges:
        jvb = tasks[key]["containers"].get("jvb")
        if jvb is None:
            continue  # the ecs group reports a missing container
        yield _address_discovery(ctx, key, jvb)
        yield _rest_apis(key, jvb)
        shard = "jicofo" in outputs.service_containers.get(key, [])
        yield _guard(ctx, key, jvb, tasks[key]["containers"].get(GUARD), shard)
    if bridges:
        yield _task_roles(ctx, bridges, tasks)
        jicofo = next((tasks[k]["containers"].get("jicofo") for k in running("jicofo")), None)
        yield _relay(ctx, {k: tasks[k]["containers"] for k in bridges}, jicofo, services)
    for key in running("prosody"):
        prosody = tasks[key]["containers"].get("prosody")
        if prosody is not None:
            yield _turn(ctx, prosody)


# ---------------------------------------------------------------- image line
def _image(ctx: VerifyContext, prefix: str, name: str, container: Any) -> Iterator[Check]:
    image = container.get("image", "")
    wanted = ctx.outputs.images.get(name)
    if wanted is None:
        yield missing(f"{prefix}.image", name, f"output images[{name}]")
    else:
        yield compare(f"{prefix}.image", wanted, image, "the image line Terraform chose")
    if "@sha256:" in image:
        yield Check(f"{prefix}.image-digest", "pass", "a digest", image, "pinned by digest")
    else:
        yield Check(
            f"{prefix}.image-digest",
            "pass",
            "a digest",
            image,
            f"{WARNING}pinned by tag only: whoever controls the registry can move the tag; "
            f"set jitsi.image.digests.{name} to pull exactly the build you tested",
        )
    yield _filesystem(ctx, prefix, name, container)


def _filesystem(ctx: VerifyContext, prefix: str, name: str, container: Any) -> Check:
    linux = container.get("linuxParameters") or {}
    mounts = {m["containerPath"]: m.get("mountOptions", []) for m in linux.get("tmpfs", [])}
    rootless = ctx.outputs.image_rootless
    writable = WRITABLE | EXTRA_WRITABLE.get(name, set()) if rootless else set()
    return compare(
        f"{prefix}.filesystem",
        {
            "read_only_root": rootless,
            "tmpfs_owned_by_image_user": sorted(writable),
            "run_exec": rootless,
            "init_process": False,
        },
        {
            "read_only_root": bool(container.get("readonlyRootFilesystem")),
            "tmpfs_owned_by_image_user": sorted(p for p, o in mounts.items() if IMAGE_UID in o),
            "run_exec": "exec" in mounts.get("/run", []),
            "init_process": bool(linux.get("initProcessEnabled")),
        },
        "rootless line: read-only root, tmpfs /run (exec) and /tmp for uid 1000, and s6-overlay "
        "as PID 1 (no initProcessEnabled); the root line (11031) writes to its root"
        if rootless
        else "root line (11031): it renders its config into /config, so its root stays writable",
    )


# ---------------------------------------------------------------- memory budget
HEAP_VARIABLES = {"jvb": "VIDEOBRIDGE_MAX_MEMORY", "jicofo": "JICOFO_MAX_MEMORY"}


def _heaps(ctx: VerifyContext, key: str, names: list[str], task: dict[str, Any]) -> Check:
    """The task's memory is the config's, and each JVM's heap what the budget leaves it."""
    section = getattr(ctx.config.jitsi, key, None)
    size = getattr(section, "memory", None)
    raw = task["definition"].get("memory")
    deployed = int(raw) if str(raw).isdigit() else None
    return compare(
        f"task.{key}.heaps",
        {
            "memory": size,
            **{
                HEAP_VARIABLES[c]: f"{mib}m"
                for c, mib in memory.heaps(names, size if size is not None else 0).items()
            },
        },
        {
            "memory": deployed,
            **{
                HEAP_VARIABLES[c]: _env(task["containers"].get(c, {})).get(HEAP_VARIABLES[c])
                for c in HEAP_VARIABLES
                if c in names
            },
        },
        'the JVM heaps are what the memory budget leaves (README "Memory budget"): the images '
        "default to 3 GB each, and a heap that does not fit gets the task OOM-killed",
    )


# ---------------------------------------------------------------- media and web
def _keepalive(ctx: VerifyContext, web: Any) -> Check:
    attributes = ctx.aws.elbv2.describe_load_balancer_attributes(
        LoadBalancerArn=ctx.outputs.alb_arn
    )["Attributes"]
    idle = next((a["Value"] for a in attributes if a["Key"] == "idle_timeout.timeout_seconds"), "")
    alb = int(idle) if idle.isdigit() else None
    raw = _env(web).get("NGINX_KEEPALIVE_TIMEOUT", "")
    nginx = int(raw) if raw.isdigit() else None
    ok = alb is not None and nginx is not None and nginx > alb
    return Check(
        "web.keepalive",
        "pass" if ok else "fail",
        {"nginx_keepalive_timeout": f"> {alb} (the ALB's idle timeout)"},
        {"nginx_keepalive_timeout": nginx, "alb_idle_timeout": alb},
        "nginx must keep an idle connection longer than the ALB, or the ALB reuses one nginx "
        "closed and the user gets a 502 (nginx's default is 65 s)",
    )


def _token_auth_url(ctx: VerifyContext, service: str, web: Any) -> Check:
    on = ctx.config.auth.enabled
    return compare(
        f"web.{service}.token-auth-url",
        ctx.outputs.url + FORM_PATH + ROOM_QUERY if on else None,
        _env(web).get("TOKEN_AUTH_URL"),
        "the host who opens the plain room link logs in at /auth/, which takes the room back "
        "(without it Jitsi shows its own login, which cannot succeed with tokens)"
        if on
        else "no /auth/ page: no TOKEN_AUTH_URL",
    )


def _address_discovery(ctx: VerifyContext, service: str, jvb: Any) -> Check:
    env = _env(jvb)
    return compare(
        f"task.{service}.jvb.address-discovery",
        {
            "stun_servers": list(ctx.config.jitsi.jvb.stun_servers),
            "require_valid_address": "1",
            "advertise_private_candidates": "0",
        },
        {
            "stun_servers": [s for s in env.get("JVB_STUN_SERVERS", "").split(",") if s],
            "require_valid_address": env.get("JVB_REQUIRE_VALID_ADDRESS"),
            "advertise_private_candidates": env.get("JVB_ADVERTISE_PRIVATE_CANDIDATES"),
        },
        "several STUN servers; a bridge that found no public address fails its health check "
        "instead of advertising its private one (no media); VPC addresses never reach users",
    )


def _rest_apis(service: str, jvb: Any) -> Check:
    env = _env(jvb)
    names = ("COLIBRI_REST_ENABLED", "SHUTDOWN_REST_ENABLED", "VIDEOBRIDGE_DEBUG_OPTIONS")
    return compare(
        f"task.{service}.jvb.rest-apis",
        {
            "COLIBRI_REST_ENABLED": "true",
            "SHUTDOWN_REST_ENABLED": "true",
            "VIDEOBRIDGE_DEBUG_OPTIONS": JVB_CLOSED_APIS,
        },
        {k: env.get(k) for k in names},
        "only the APIs the guard (stats, shutdown) and telemetry (stats) use: /debug and "
        "/colibri/drain off; telemetry.stats-access says who reaches the port",
    )


# ---------------------------------------------------------------- bridges leave gracefully
def _guard(ctx: VerifyContext, service: str, jvb: Any, guard: Any, shard: bool) -> Check:
    """The guard beside every bridge; beside the shard's (which shares its task with jicofo)
    it stops at once and heals the bridge, which is not essential and restarted in place."""
    script = _script("guard.sh")
    env = _env(jvb)
    expected = {
        "shard_setting": {"GUARD_SHARD": "1" if shard else "0"},
        "jvb_essential": not shard,
        "jvb_restart": SHARD_BRIDGE_RESTART if shard else None,
        "essential": False,
        "image": jvb.get("image"),
        "runs": ["/bin/sh", "-c", _digest(script)],
        "after": [{"containerName": "jvb", "condition": "START"}],
        "stop_timeout": FARGATE_MAX_STOP_TIMEOUT,
        "jvb_stop_timeout": FARGATE_MAX_STOP_TIMEOUT,
        "jvb_shutdown_api": {"SHUTDOWN_REST_ENABLED": "true", "COLIBRI_REST_ENABLED": "true"},
    }
    if guard is None:
        return missing(f"task.{service}.guard", expected, f"container guard in the {service} task")
    command = guard.get("command") or [""]
    return compare(
        f"task.{service}.guard",
        expected,
        {
            "shard_setting": {"GUARD_SHARD": _env(guard).get("GUARD_SHARD")},
            "jvb_essential": jvb.get("essential", True),
            "jvb_restart": jvb.get("restartPolicy"),
            "essential": guard.get("essential", True),
            "image": guard.get("image"),
            "runs": [*guard.get("entryPoint", []), _digest(command[0])],
            "after": guard.get("dependsOn", []),
            "stop_timeout": guard.get("stopTimeout"),
            "jvb_stop_timeout": jvb.get("stopTimeout"),
            "jvb_shutdown_api": {
                k: env.get(k) for k in ("SHUTDOWN_REST_ENABLED", "COLIBRI_REST_ENABLED")
            },
        },
        "guard.sh keeps scale-in protection on while the bridge has conferences and, when the "
        "task is stopped anyway, moves the participants before jvb gets SIGTERM; in the shard "
        "jicofo stops too, so it exits at once, and a bridge that stays unhealthy is shut down "
        "and restarted in place (not essential: web and signaling stay up)"
        if shard
        else "guard.sh keeps scale-in protection on while the bridge has conferences and, when "
        "the task is stopped anyway, moves the participants before jvb gets SIGTERM",
    )


def _inline_actions(ctx: VerifyContext, role_arn: str) -> list[str]:
    return sorted(
        {
            action
            for document in ctx.aws.role_policies(role_arn)
            for statement in policy.allowing(document)
            for action in policy.listed(statement.get("Action", []))
        }
    )


def _task_roles(ctx: VerifyContext, bridges: list[str], tasks: dict[str, dict[str, Any]]) -> Check:
    observed: dict[str, list[str]] = {}
    for key, task in tasks.items():
        role = task["definition"].get("taskRoleArn")
        actions = _inline_actions(ctx, role) if role else []
        observed[key] = actions if key in bridges else [a for a in actions if "Protection" in a]
    return compare(
        "iam.task-protection",
        {key: PROTECTION_ACTIONS if key in bridges else [] for key in tasks},
        observed,
        "the role of a task that runs a bridge (the compact shard too) may read and set "
        "scale-in protection and nothing else; no other task's role may",
    )


# ---------------------------------------------------------------- relay between bridges
def _relay(
    ctx: VerifyContext,
    bridges: dict[str, dict[str, Any]],
    jicofo: Any,
    services: dict[str, Any],
) -> Check:
    """Per service that runs a bridge: its relay settings, its relay id, and UDP from the other
    bridges into the bridges' group (the shard's tasks have the web and xmpp groups too)."""
    on = ctx.outputs.bridge_relay
    region = ctx.config.region
    port = ctx.config.jitsi.jvb.udp_port
    bridge_expected: dict[str, Any] = {
        "env": {"ENABLE_OCTO": "1", "JVB_OCTO_REGION": region} if on else {},
        "relay_id": _digest(_script("relay-id.sh")) if on else None,
        "udp_between_bridges": sorted([[port, port], list(EPHEMERAL_PORTS)]) if on else [],
    }
    expected: dict[str, Any] = {
        "bridges": {key: bridge_expected for key in bridges},
        "jicofo": {
            "ENABLE_OCTO": "1",
            "JICOFO_OCTO_REGION": region,
            "OCTO_BRIDGE_SELECTION_STRATEGY": RELAY_STRATEGY,
        }
        if on
        else {},
    }
    observed_bridges: dict[str, Any] = {}
    for key, containers in bridges.items():
        jvb = containers.get("jvb", {})
        jvb_env = _env(jvb)
        entry = jvb.get("entryPoint") or []
        awsvpc = services[key].get("networkConfiguration", {}).get("awsvpcConfiguration", {})
        groups = awsvpc.get("securityGroups") or []
        rules = (
            ctx.aws.ec2.describe_security_group_rules(
                Filters=[{"Name": "group-id", "Values": list(groups)}]
            )["SecurityGroupRules"]
            if groups
            else []
        )
        observed_bridges[key] = {
            "env": {k: jvb_env[k] for k in ("ENABLE_OCTO", "JVB_OCTO_REGION") if k in jvb_env},
            "relay_id": _digest(entry[-1]) if len(entry) == 3 else None,
            # A group that lets itself in: the bridges' own (web and xmpp never do).
            "udp_between_bridges": sorted(
                [r.get("FromPort"), r.get("ToPort")]
                for r in rules
                if not r.get("IsEgress")
                and r.get("ReferencedGroupInfo", {}).get("GroupId") == r.get("GroupId")
                and r.get("IpProtocol") in ("udp", "17")
            ),
        }
    jicofo_env = _env(jicofo or {})
    return compare(
        "jitsi.relay",
        expected,
        {
            "bridges": observed_bridges,
            "jicofo": {
                k: jicofo_env[k]
                for k in ("ENABLE_OCTO", "JICOFO_OCTO_REGION", "OCTO_BRIDGE_SELECTION_STRATEGY")
                if k in jicofo_env
            },
        },
        "more than one bridge: a meeting may span bridges (relays on, a strategy that splits, "
        "a relay id per bridge, UDP between the bridges only), the shard's bridge included"
        if on
        else "one bridge: no relay",
    )


# ---------------------------------------------------------------- TURN over TLS
def _turn(ctx: VerifyContext, prosody: Any) -> Check:
    on = ctx.config.jitsi.turn.enabled
    port = ctx.outputs.turn_port
    if on and port is None:  # deployed before the root output existed
        return skip("jitsi.turn", "output turn_port missing: run `jitsi-ecs up` once to record it")
    env = _env(prosody)
    secrets = sorted(s["name"] for s in prosody.get("secrets", []) if s["name"].startswith("TURN"))
    expected: dict[str, Any] = {
        "prosody": {
            "TURNS_HOST": ctx.outputs.turn_host,
            "TURNS_PORT": str(port),
            "TURN_TTL": str(ctx.config.jitsi.turn.credential_ttl_hours * 3600),
        }
        if on
        else {},
        "prosody_secrets": ["TURN_CREDENTIALS"] if on else [],
        "listener": {"port": port, "protocol": "TLS", "certificate": True} if on else None,
        "coturn_running_or_pending": True if on else None,
    }
    observed: dict[str, Any] = {
        "prosody": {k: v for k, v in env.items() if k.startswith("TURN")},
        "prosody_secrets": secrets,
        "listener": None,
        "coturn_running_or_pending": None,
    }
    if on and ctx.outputs.turn_load_balancer_arn:
        listeners = ctx.aws.elbv2.describe_listeners(
            LoadBalancerArn=ctx.outputs.turn_load_balancer_arn
        )["Listeners"]
        tls = next((x for x in listeners if x.get("Port") == port), None)
        if tls is not None:
            observed["listener"] = {
                "port": tls.get("Port"),
                "protocol": tls.get("Protocol"),
                "certificate": bool(tls.get("Certificates")),
            }
    if on and ctx.outputs.turn_service_name:
        service = ctx.aws.service(ctx.outputs.cluster_name, ctx.outputs.turn_service_name)
        observed["coturn_running_or_pending"] = service is not None and (
            service.get("desiredCount", 0) >= 1
        )
    return compare(
        "jitsi.turn",
        expected,
        observed,
        f"TURN over TLS on {port} for networks that block UDP: prosody advertises it with "
        "credentials signed with coturn's secret; a network load balancer ends TLS"
        if on
        else "jitsi.turn is off: prosody advertises no TURN server",
    )
