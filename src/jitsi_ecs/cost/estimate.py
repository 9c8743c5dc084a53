"""Monthly cost estimate of a planned stack: one pricing rule per kind of charge.

Everything structural (sizes, counts, architecture, Spot, schedules, public IPs, load
balancers, NAT, retention, alarms, dashboards, secrets) is read from the plan; only traffic
and volume come from the [usage] assumptions, and each item says which assumption it used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from jitsi_ecs.config import Usage
from jitsi_ecs.cost.plan import Planned, PlanView
from jitsi_ecs.cost.prices import PriceBook

# Container Insights (standard) bills its ECS metrics as custom metrics. Counts per dimension
# set, from the ECS/ContainerInsights metric list: an assumption, printed with the item.
CI_METRICS_PER_CLUSTER = 8
CI_METRICS_PER_SERVICE = 11
CI_METRICS_PER_TASK_FAMILY = 8
HOURS_PER_WEEK = 168.0


@dataclass(frozen=True)
class Item:
    resource: str
    component: str
    quantity: float
    unit: str
    unit_price: float
    monthly: float
    assumption: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _item(resource: str, component: str, quantity: float, price: Any, assumption: str = "") -> Item:
    billable = max(0.0, quantity - price.free)
    return Item(
        resource,
        component,
        round(quantity, 4),
        price.unit,
        price.price,
        round(billable * price.price, 4),
        assumption,
    )


# ---------------------------------------------------------------- schedules


_CRON = re.compile(r"cron\((\d+) (\d+) \? \* ([A-Z,\-*]+) \*\)")
_DAYS = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]


def _days(spec: str) -> int:
    if spec == "*":
        return 7
    count = 0
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            count += _DAYS.index(b) - _DAYS.index(a) + 1
        else:
            count += 1
    return count


def active_fraction(view: PlanView, cluster: str, service: str) -> tuple[float, str]:
    """Share of the week a service runs, from its scheduled scale-to-zero actions."""
    resource_id = f"service/{cluster}/{service}"
    actions = [
        a
        for a in view.of_type("aws_appautoscaling_scheduled_action")
        if a.values.get("resource_id") == resource_id
    ]
    start = stop = None
    for action in actions:
        target = (action.values.get("scalable_target_action") or [{}])[0]
        match = _CRON.match(str(action.values.get("schedule", "")))
        if not match:
            continue
        if str(target.get("max_capacity")) in ("0", "0.0"):
            stop = match
        else:
            start = match
    if not (start and stop):
        return 1.0, ""
    hours = (int(stop.group(2)) + int(stop.group(1)) / 60) - (
        int(start.group(2)) + int(start.group(1)) / 60
    )
    days = _days(start.group(3))
    fraction = max(0.0, min(1.0, hours * days / HOURS_PER_WEEK))
    return (
        fraction,
        f"scaled to zero outside {hours:g} h x {days} days a week ({fraction:.0%} of the time)",
    )


# ---------------------------------------------------------------- rules


def _capacity_split(service: Planned) -> tuple[float, float]:
    """(on-demand share, Spot share) of the desired tasks, from the capacity provider strategy."""
    desired = float(service.values.get("desired_count") or 0)
    strategy = service.values.get("capacity_provider_strategy") or []
    if not strategy or desired == 0:
        return 1.0, 0.0
    base = sum(float(s.get("base") or 0) for s in strategy if s["capacity_provider"] == "FARGATE")
    weights = {s["capacity_provider"]: float(s.get("weight") or 0) for s in strategy}
    total = sum(weights.values()) or 1.0
    rest = max(0.0, desired - base)
    spot = rest * weights.get("FARGATE_SPOT", 0.0) / total
    return (desired - spot) / desired, spot / desired


def fargate(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    hours = book.hours_per_month
    for service in view.of_type("aws_ecs_service"):
        task = view.sibling(service, "aws_ecs_task_definition")
        if task is None:
            continue
        name = str(service.values.get("name"))
        cluster = str(service.values.get("cluster") or "").rsplit("/", 1)[-1] or _cluster_name(view)
        desired = float(service.values.get("desired_count") or 0)
        vcpu = float(task.values.get("cpu") or 0) / 1024
        gb = float(task.values.get("memory") or 0) / 1024
        platform = (task.values.get("runtime_platform") or [{}])[0]
        arm = platform.get("cpu_architecture") == "ARM64"
        fraction, schedule = active_fraction(view, cluster, name)
        on_demand, spot = _capacity_split(service)
        arch = "ARM64" if arm else "x86_64"
        for share, kind in ((on_demand, "on-demand"), (spot, "Spot")):
            if share == 0:
                continue
            tasks = desired * share
            cpu_key = (
                "fargate_spot_vcpu_hour"
                if kind == "Spot"
                else ("fargate_arm_vcpu_hour" if arm else "fargate_vcpu_hour")
            )
            gb_key = (
                "fargate_spot_gb_hour"
                if kind == "Spot"
                else ("fargate_arm_gb_hour" if arm else "fargate_gb_hour")
            )
            note = f"{tasks:g} task(s) of {vcpu:g} vCPU / {gb:g} GB, {arch}, {kind}"
            note += f"; {schedule}" if schedule else ", always on"
            yield _item(
                service.address,
                f"Fargate vCPU ({arch}, {kind})",
                tasks * vcpu * hours * fraction,
                book[cpu_key],
                note,
            )
            yield _item(
                service.address,
                f"Fargate memory ({arch}, {kind})",
                tasks * gb * hours * fraction,
                book[gb_key],
                note,
            )
        if (service.values.get("network_configuration") or [{}])[0].get("assign_public_ip"):
            yield _item(
                service.address,
                "Public IPv4 (task addresses)",
                desired * hours * fraction,
                book["public_ipv4_hour"],
                f"{desired:g} task(s) with a public IP each",
            )


def _cluster_name(view: PlanView) -> str:
    clusters = view.of_type("aws_ecs_cluster")
    return str(clusters[0].values.get("name")) if clusters else ""


def load_balancers(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    hours = book.hours_per_month
    subnets_planned = len(view.of_type("aws_subnet"))
    for lb in view.of_type("aws_lb"):
        kind = lb.values.get("load_balancer_type", "application")
        nodes = len(lb.values.get("subnets") or []) or subnets_planned or 2
        if kind == "network":
            yield _item(lb.address, "NLB hours", hours, book["nlb_hour"])
            yield _item(
                lb.address,
                "NLB capacity units",
                usage.alb_average_lcu * hours,
                book["nlb_nlcu_hour"],
                f"{usage.alb_average_lcu:g} NLCU on average (usage.alb_average_lcu)",
            )
        else:
            yield _item(lb.address, "ALB hours", hours, book["alb_hour"])
            yield _item(
                lb.address,
                "ALB capacity units",
                usage.alb_average_lcu * hours,
                book["alb_lcu_hour"],
                f"{usage.alb_average_lcu:g} LCU on average (usage.alb_average_lcu)",
            )
        if not lb.values.get("internal"):
            yield _item(
                lb.address,
                "Public IPv4 (load balancer nodes)",
                nodes * hours,
                book["public_ipv4_hour"],
                f"one address per AZ: {nodes}",
            )


def nat_gateways(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    for nat in view.of_type("aws_nat_gateway"):
        yield _item(nat.address, "NAT gateway hours", book.hours_per_month, book["nat_hour"])
        yield _item(
            nat.address,
            "NAT gateway data",
            usage.log_gb_per_month,
            book["nat_gb"],
            "task traffic to AWS APIs through the NAT ~ the log volume",
        )
        yield _item(
            nat.address, "Public IPv4 (NAT)", book.hours_per_month, book["public_ipv4_hour"]
        )


def logs(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    groups = view.of_type("aws_cloudwatch_log_group")
    for i, group in enumerate(groups):
        volume = usage.log_gb_per_month if i == 0 else 0.0
        retention = float(group.values.get("retention_in_days") or 0)
        months = retention / 30.4 if retention else 12.0
        yield _item(
            group.address,
            "Logs ingestion",
            volume,
            book["logs_ingest_gb"],
            f"{volume:g} GB/month (usage.log_gb_per_month)",
        )
        kept = (
            "never expires: 12 months counted" if not retention else f"{retention:g} days retention"
        )
        yield _item(
            group.address,
            "Logs storage",
            volume * months,
            book["logs_storage_gb_month"],
            f"steady state, {kept}",
        )


def metrics(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    services = view.of_type("aws_ecs_service")
    families = view.of_type("aws_ecs_task_definition")
    for cluster in view.of_type("aws_ecs_cluster"):
        settings = cluster.values.get("setting") or []
        if not any(
            s.get("name") == "containerInsights" and s.get("value") == "enabled" for s in settings
        ):
            continue
        count = (
            CI_METRICS_PER_CLUSTER
            + CI_METRICS_PER_SERVICE * len(services)
            + CI_METRICS_PER_TASK_FAMILY * len(families)
        )
        yield _item(
            cluster.address,
            "Container Insights metrics",
            count,
            book["custom_metric_month"],
            f"{CI_METRICS_PER_CLUSTER} per cluster + {CI_METRICS_PER_SERVICE} per service + "
            f"{CI_METRICS_PER_TASK_FAMILY} per task family, billed as custom metrics",
        )


def alarms_and_dashboards(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    alarms = view.of_type("aws_cloudwatch_metric_alarm")
    if alarms:
        yield _item(
            "aws_cloudwatch_metric_alarm (all)",
            "Standard alarms",
            len(alarms),
            book["alarm_month"],
            f"{len(alarms)} alarms, first {book['alarm_month'].free:g} free",
        )
    dashboards = view.of_type("aws_cloudwatch_dashboard")
    if dashboards:
        yield _item(
            "aws_cloudwatch_dashboard (all)",
            "Dashboards",
            len(dashboards),
            book["dashboard_month"],
            f"first {book['dashboard_month'].free:g} free per account",
        )


def tracing_and_secrets(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    if usage.traces_per_month:
        yield _item(
            "X-Ray",
            "Traces recorded",
            usage.traces_per_month,
            book["xray_trace"],
            f"{usage.traces_per_month:g} traces/month (usage.traces_per_month)",
        )
    secrets = view.of_type("aws_secretsmanager_secret")
    if secrets:
        yield _item(
            "aws_secretsmanager_secret (all)",
            "Secrets Manager secrets",
            len(secrets),
            book["secret_month"],
        )


# EMF metrics the telemetry collector publishes (telemetry/sources.py): per bridge with the
# Bridge dimension, the same again per service, plus jicofo's and the summary's.
TELEMETRY_METRICS_PER_BRIDGE = 10
TELEMETRY_METRICS_FIXED = 10 + 6 + 5
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours)\)")


def _telemetry_functions(view: PlanView) -> list[Planned]:
    return [
        f
        for f in view.of_type("aws_lambda_function")
        if "METRIC_NAMESPACE" in ((f.values.get("environment") or [{}])[0].get("variables") or {})
        and f.values.get("handler") != AUTH_HANDLER
    ]


def _telemetry_runs(view: PlanView, book: PriceBook) -> tuple[float, int]:
    """Runs a month of the scheduled collector, and its interval in minutes."""
    rules = view.of_type("aws_cloudwatch_event_rule")
    match = _RATE.match(str(rules[0].values.get("schedule_expression", ""))) if rules else None
    minutes = (
        (int(match.group(1)) * (60 if match.group(2).startswith("hour") else 1)) if match else 1
    )
    return book.hours_per_month * 60 / minutes, minutes


def telemetry(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    """The Jitsi metrics the collector publishes (its runs are priced with every function)."""
    functions = _telemetry_functions(view)
    if not functions:
        return
    bridges = (
        sum(
            float(s.values.get("desired_count") or 0)
            for s in view.of_type("aws_ecs_service")
            if s.values.get("name") == "jvb"
        )
        or 1.0
    )
    count = TELEMETRY_METRICS_PER_BRIDGE * bridges + TELEMETRY_METRICS_FIXED
    yield _item(
        functions[0].address,
        "Jitsi metrics (EMF)",
        count,
        book["custom_metric_month"],
        f"{TELEMETRY_METRICS_PER_BRIDGE} per bridge x {bridges:g} + {TELEMETRY_METRICS_FIXED} "
        "(per service, jicofo, summary)",
    )


AUTH_HANDLER = "jitsi_ecs.auth.handler.handler"
AUTH_INVOCATIONS_PER_MEETING = 2  # the form (GET) and the room (POST)
AUTH_SECONDS_PER_INVOCATION = 0.2
# TokensIssued and LoginsDenied for one reason: what a quiet month publishes.
AUTH_METRICS = 2


def _free_first(
    resource: str, component: str, quantity: float, price: Any, left: list[float], note: str
) -> Item:
    """An item whose free tier is shared by every function of the account (left[0] remains)."""
    free = min(quantity, left[0])
    left[0] -= free
    billable = quantity - free
    return Item(
        resource,
        component,
        round(quantity, 4),
        price.unit,
        price.price,
        round(billable * price.price, 4),
        note,
    )


def functions(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    """Lambda requests and compute of every function, one account-wide free tier among them."""
    requests_left = [book["lambda_request"].free]
    seconds_left = [book["lambda_gb_second"].free]
    for fn in _telemetry_functions(view):
        runs, minutes = _telemetry_runs(view, book)
        memory_gb = float(fn.values.get("memory_size") or 128) / 1024
        yield _free_first(
            fn.address,
            "Lambda requests",
            runs,
            book["lambda_request"],
            requests_left,
            f"one run every {minutes} min; first {book['lambda_request'].free:,.0f} free per "
            "account",
        )
        yield _free_first(
            fn.address,
            "Lambda compute",
            runs * memory_gb * 1.0,
            book["lambda_gb_second"],
            seconds_left,
            "about 1 s per run; first 400,000 GB-s free per account",
        )
    for fn in view.of_type("aws_lambda_function"):
        if fn.values.get("handler") != AUTH_HANDLER:
            continue
        target_groups = [
            t
            for t in view.of_type("aws_lb_target_group")
            if t.values.get("target_type") == "lambda" and t.module == fn.module
        ]
        check = (target_groups[0].values.get("health_check") or [{}])[0] if target_groups else {}
        interval = float(check.get("interval") or 35) if check.get("enabled", True) else 0.0
        nodes = max(
            (len(lb.values.get("subnets") or []) for lb in view.of_type("aws_lb")), default=0
        )
        nodes = nodes or len(view.of_type("aws_subnet")) or 2
        checks = book.hours_per_month * 3600 / interval * nodes if interval else 0.0
        logins = usage.meetings_per_month * AUTH_INVOCATIONS_PER_MEETING
        invocations = checks + logins
        memory_gb = float(fn.values.get("memory_size") or 128) / 1024
        yield _free_first(
            fn.address,
            "Lambda requests (/auth/)",
            invocations,
            book["lambda_request"],
            requests_left,
            f"health checks every {interval:g} s from {nodes} ALB nodes ({checks:,.0f}) + "
            f"{AUTH_INVOCATIONS_PER_MEETING} per meeting ({logins:,.0f}, "
            "usage.meetings_per_month); the free tier is shared by every function",
        )
        yield _free_first(
            fn.address,
            "Lambda compute (/auth/)",
            invocations * memory_gb * AUTH_SECONDS_PER_INVOCATION,
            book["lambda_gb_second"],
            seconds_left,
            f"about {AUTH_SECONDS_PER_INVOCATION:g} s at {memory_gb * 1024:g} MB per invocation",
        )
        yield _item(
            fn.address,
            "Auth metrics (EMF)",
            AUTH_METRICS,
            book["custom_metric_month"],
            "TokensIssued, and LoginsDenied for one reason (each reason seen is one more); "
            "EMF lines in the function's log group",
        )


def cognito(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    for pool in view.of_type("aws_cognito_user_pool"):
        yield _item(
            pool.address,
            "Cognito monthly active users",
            usage.members,
            book["cognito_mau"],
            f"{usage.members} member(s) log in a month (usage.members); "
            f"first {book['cognito_mau'].free:,.0f} free (Essentials)",
        )


def media_egress_gb(usage: Usage) -> float:
    """Each participant receives every other participant's stream for the meeting's length."""
    streams = usage.participants_per_meeting * max(0, usage.participants_per_meeting - 1)
    seconds = usage.meetings_per_month * usage.meeting_hours * 3600
    return streams * usage.video_kbps_per_stream * 1000 / 8 * seconds / 1e9


def data_transfer(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    gb = media_egress_gb(usage)
    yield _item(
        "data transfer out",
        "Media egress (JVB to participants)",
        gb,
        book["data_out_gb"],
        f"{usage.meetings_per_month:g} meetings x {usage.meeting_hours:g} h x "
        f"{usage.participants_per_meeting} participants, each receiving the others at "
        f"{usage.video_kbps_per_stream:g} kbit/s; "
        f"first {book['data_out_gb'].free:g} GB free",
    )


RULES: tuple[Callable[[PlanView, Usage, PriceBook], Iterator[Item]], ...] = (
    fargate,
    load_balancers,
    nat_gateways,
    logs,
    metrics,
    alarms_and_dashboards,
    tracing_and_secrets,
    telemetry,
    functions,
    cognito,
    data_transfer,
)


@dataclass(frozen=True)
class Estimate:
    items: list[Item]
    budgets: list[float]
    prices_date: str
    region: str

    @property
    def monthly_total(self) -> float:
        return round(sum(i.monthly for i in self.items), 2)

    def crossed(self) -> list[float]:
        return [b for b in self.budgets if self.monthly_total > b]

    def as_json(self) -> dict[str, Any]:
        return {
            "currency": "USD",
            "monthly_total": self.monthly_total,
            "items": [i.as_dict() for i in self.items],
            "budgets": [{"limit": b, "crossed": self.monthly_total > b} for b in self.budgets],
            "region": self.region,
            "prices_date": self.prices_date,
        }


def planned_budgets(view: PlanView) -> list[float]:
    limits = [
        float(b.values["limit_amount"])
        for b in view.of_type("aws_budgets_budget")
        if b.values.get("limit_amount")
    ]
    return sorted(limits)


def estimate(plan: dict[str, Any], usage: Usage, book: PriceBook) -> Estimate:
    view = PlanView(plan)
    items = [item for rule in RULES for item in rule(view, usage, book)]
    return Estimate(items, planned_budgets(view), book.date, book.region)
