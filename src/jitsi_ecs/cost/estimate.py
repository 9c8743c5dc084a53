"""Monthly cost estimate of a planned stack: one pricing rule per kind of charge.

Everything structural (sizes, counts, architecture, Spot, schedules, public IPs, load
balancers, NAT, retention, alarms, dashboards, secrets) is read from the plan; only traffic
and volume come from the [usage] assumptions, and each item says which assumption it used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from jitsi_ecs.auth.package import HANDLER as AUTH_HANDLER
from jitsi_ecs.config import Schedule, Telemetry, Usage
from jitsi_ecs.cost.plan import Planned, PlanView
from jitsi_ecs.cost.prices import PriceBook
from jitsi_ecs.telemetry.collector import published_metric_count
from jitsi_ecs.telemetry.package import HANDLER as TELEMETRY_HANDLER

# Container Insights (standard) bills its ECS metrics as custom metrics. AWS's table of
# ECS/ContainerInsights metrics: ~10 per cluster, ~13 per service, 8 per task family.
CI_METRICS_PER_CLUSTER = 10
CI_METRICS_PER_SERVICE = 13
CI_METRICS_PER_TASK_FAMILY = 8
# What one collector run writes to its own log group: one EMF line per source and a summary
# (~600 bytes each) and Lambda's START/END/REPORT lines (~400 bytes), with two bridges.
TELEMETRY_LOG_BYTES_PER_RUN = 5 * 600 + 400


@dataclass(frozen=True)
class Item:
    resource: str
    component: str
    quantity: float
    unit: str
    unit_price: float
    monthly: float
    assumption: str = ""
    price_key: str = field(default="", compare=False)  # which free tier applies (not in JSON)

    def as_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "component": self.component,
            "quantity": self.quantity,
            "unit": self.unit,
            "unit_price": self.unit_price,
            "monthly": self.monthly,
            "assumption": self.assumption,
        }


def _item(resource: str, component: str, quantity: float, price: Any, assumption: str = "") -> Item:
    """Priced at the full quantity; free tiers are taken off once per account, afterwards."""
    return Item(
        resource,
        component,
        round(quantity, 4),
        price.unit,
        price.price,
        round(quantity * price.price, 4),
        assumption,
        price.key,
    )


def apply_free_tiers(items: list[Item], book: PriceBook) -> list[Item]:
    """A free tier is per account, not per resource: take it off once, from the first items
    that use the price, and say so on each item it covered."""
    left = {key: price.free for key, price in book.prices.items() if price.free}
    out = []
    for item in items:
        free = min(left.get(item.price_key, 0.0), item.quantity)
        if free <= 0:
            out.append(item)
            continue
        left[item.price_key] -= free
        price = book[item.price_key]
        note = f"{free:,.4g} {price.unit} of the free {price.free:,.4g} per account"
        out.append(
            replace(
                item,
                monthly=round((item.quantity - free) * item.unit_price, 4),
                assumption=f"{item.assumption}; {note}" if item.assumption else note,
            )
        )
    return out


# ---------------------------------------------------------------- schedules


def plan_schedule(view: PlanView) -> Schedule | None:
    """The office hours the plan was made with (the config model says what they mean)."""
    value = (view.variable("jitsi") or {}).get("schedule")
    return Schedule.model_validate(value) if value else None


def active_fraction(view: PlanView, cluster: str, service: str) -> tuple[float, str]:
    """Share of the week a service runs: scheduled to zero outside the plan's hours."""
    resource_id = f"service/{cluster}/{service}"
    scheduled = any(
        a.values.get("resource_id") == resource_id
        for a in view.of_type("aws_appautoscaling_scheduled_action")
    )
    schedule = plan_schedule(view)
    if not scheduled or schedule is None:
        return 1.0, ""
    fraction = schedule.awake_fraction()
    return (
        fraction,
        f"runs {schedule.hours_per_week()} h a week ({fraction:.0%} of the time)",
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


def _container_log_groups(view: PlanView) -> set[str]:
    """The log groups the task definitions' containers write to (awslogs)."""
    names = set()
    for task in view.of_type("aws_ecs_task_definition"):
        for container in json.loads(task.values.get("container_definitions") or "[]"):
            options = (container.get("logConfiguration") or {}).get("options") or {}
            if options.get("awslogs-group"):
                names.add(str(options["awslogs-group"]))
    return names


def _telemetry_function(view: PlanView) -> Planned | None:
    for fn in view.of_type("aws_lambda_function"):
        if fn.values.get("handler") == TELEMETRY_HANDLER:
            return fn
    return None


def _telemetry_runs(view: PlanView, book: PriceBook) -> tuple[float, str]:
    """Collector runs a month: its rate, paused outside the office hours."""
    telemetry = Telemetry.model_validate(view.variable("telemetry") or {})
    schedule = plan_schedule(view)
    fraction = schedule.awake_fraction() if schedule else 1.0
    runs = telemetry.runs_per_hour() * book.hours_per_month * fraction
    when = f", {fraction:.0%} of the week" if schedule else ""
    return runs, f"{telemetry.runs_per_hour():g} runs an hour{when}"


def logs(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    containers = _container_log_groups(view)
    collector = _telemetry_function(view)
    for group in view.of_type("aws_cloudwatch_log_group"):
        name = str(group.values.get("name"))
        if name in containers:
            volume, why = usage.log_gb_per_month, "usage.log_gb_per_month"
        elif (
            collector is not None and name == f"/aws/lambda/{collector.values.get('function_name')}"
        ):
            runs, note = _telemetry_runs(view, book)
            volume = runs * TELEMETRY_LOG_BYTES_PER_RUN / 1e9
            why = f"telemetry: {note}, ~{TELEMETRY_LOG_BYTES_PER_RUN} bytes each"
        else:
            continue
        retention = float(group.values.get("retention_in_days") or 0)
        months = retention / 30.4 if retention else 12.0
        yield _item(
            group.address,
            "Logs ingestion",
            volume,
            book["logs_ingest_gb"],
            f"{volume:.3g} GB/month ({why})",
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


def bucket_logs(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    """The log bucket (alb.access_logs, network.flow_logs): each source writes
    usage.bucket_log_gb_per_month, kept until the bucket's lifecycle expires it; flow logs
    also pay for delivery (ALB request logs are delivered free)."""
    volume = usage.bucket_log_gb_per_month
    flows = view.of_type("aws_flow_log")
    for flow in flows:
        yield _item(
            flow.address,
            "VPC flow log delivery",
            volume,
            book["vended_logs_s3_gb"],
            f"{volume:.3g} GB/month (usage.bucket_log_gb_per_month)",
        )
    albs_logging = [b for b in view.of_type("aws_lb") if b.values.get("access_logs")]
    sources = len(flows) + len(albs_logging)
    for bucket in view.of_type("aws_s3_bucket"):
        lifecycle = view.sibling(bucket, "aws_s3_bucket_lifecycle_configuration")
        rules = (lifecycle.values.get("rule") if lifecycle else None) or [{}]
        expiration = (rules[0].get("expiration") or [{}])[0]
        days = float(expiration.get("days") or 0)
        if not sources:
            continue
        months = days / 30.4 if days else 12.0
        yield _item(
            bucket.address,
            "S3 log storage",
            sources * volume * months,
            book["s3_storage_gb_month"],
            f"steady state: {sources} source(s) x {volume:.3g} GB/month, "
            + (f"{days:g} days kept" if days else "never expires: 12 months counted"),
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


def _alarm_metrics(alarm: Planned) -> list[float]:
    """The period of each metric the alarm reads (metric math: each metric it queries)."""
    queries = alarm.values.get("metric_query") or []
    if not queries:
        return [float(alarm.values.get("period") or 60)]
    return [float(m.get("period") or 60) for q in queries for m in (q.get("metric") or [])]


def alarms_and_dashboards(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    periods = [p for a in view.of_type("aws_cloudwatch_metric_alarm") for p in _alarm_metrics(a)]
    standard = [p for p in periods if p >= 60]
    high = [p for p in periods if p < 60]
    if standard:
        yield _item(
            "aws_cloudwatch_metric_alarm (all)",
            "Alarm metrics (standard)",
            len(standard),
            book["alarm_metric_month"],
            f"{len(standard)} metrics read by alarms",
        )
    if high:
        yield _item(
            "aws_cloudwatch_metric_alarm (all)",
            "Alarm metrics (high resolution)",
            len(high),
            book["alarm_highres_metric_month"],
            f"{len(high)} metrics read at 10 s or 30 s",
        )
    dashboards = view.of_type("aws_cloudwatch_dashboard")
    if dashboards:
        yield _item(
            "aws_cloudwatch_dashboard (all)", "Dashboards", len(dashboards), book["dashboard_month"]
        )


def service_discovery(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    for namespace in view.of_type("aws_service_discovery_private_dns_namespace"):
        yield _item(
            namespace.address,
            "Cloud Map namespace (private hosted zone)",
            1,
            book["hosted_zone_month"],
        )
    registered = 0.0
    for service in view.of_type("aws_ecs_service"):
        if service.values.get("service_registries"):
            cluster = str(service.values.get("cluster") or "").rsplit("/", 1)[-1]
            fraction, _ = active_fraction(view, cluster, str(service.values.get("name")))
            registered += float(service.values.get("desired_count") or 0) * fraction
    if registered:
        yield _item(
            "aws_service_discovery_service (all)",
            "Cloud Map registered tasks",
            registered,
            book["cloud_map_instance_month"],
            f"{registered:g} task(s) registered on average",
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


def telemetry(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    fn = _telemetry_function(view)
    if fn is None:
        return
    runs, note = _telemetry_runs(view, book)
    memory_gb = float(fn.values.get("memory_size") or 128) / 1024
    yield _item(fn.address, "Lambda requests", runs, book["lambda_request"], note)
    yield _item(
        fn.address,
        "Lambda compute",
        runs * memory_gb * 1.0,
        book["lambda_gb_second"],
        "about 1 s per run",
    )
    # Custom metrics are billed per metric-hour published: a paused collector publishes none.
    schedule = plan_schedule(view)
    fraction = schedule.awake_fraction() if schedule else 1.0
    count = published_metric_count()
    yield _item(
        fn.address,
        "Jitsi metrics (EMF)",
        count * fraction,
        book["custom_metric_month"],
        f"{count} metrics the alarms and dashboard read, per service (not per bridge)"
        + (f", published {fraction:.0%} of the time" if schedule else ""),
    )


AUTH_INVOCATIONS_PER_MEETING = 2  # the form (GET) and the room (POST)
AUTH_SECONDS_PER_INVOCATION = 0.2
# TokensIssued and LoginsDenied for one reason: what a quiet month publishes.
AUTH_METRICS = 2


def auth_page(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    """The /auth/ function: the ALB's health checks and the members' logins. Its Lambda free
    tier is the account's, shared with the telemetry collector (apply_free_tiers)."""
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
        yield _item(
            fn.address,
            "Lambda requests (/auth/)",
            invocations,
            book["lambda_request"],
            f"health checks every {interval:g} s from {nodes} ALB nodes ({checks:,.0f}) + "
            f"{AUTH_INVOCATIONS_PER_MEETING} per meeting ({logins:,.0f}, "
            "usage.meetings_per_month)",
        )
        yield _item(
            fn.address,
            "Lambda compute (/auth/)",
            invocations * memory_gb * AUTH_SECONDS_PER_INVOCATION,
            book["lambda_gb_second"],
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
            f"{usage.members} member(s) log in a month (usage.members)",
        )


# Requests one login sends the user pool's hosted UI and OAuth endpoints (the WAF inspects each):
# authorize, the login page and its POST, the MFA page and its POST, the ALB's token and
# userInfo calls, with room for a retyped password.
WAF_REQUESTS_PER_LOGIN = 10


def login_rate_limit(view: PlanView, usage: Usage, book: PriceBook) -> Iterator[Item]:
    """auth.login_rate_limit: a WAF web ACL on the user pool, priced per ACL, rule and request."""
    for acl in view.of_type("aws_wafv2_web_acl"):
        rules = len(acl.values.get("rule") or [])
        logins = usage.meetings_per_month  # the host logs in once per meeting, at most
        requests = logins * WAF_REQUESTS_PER_LOGIN
        yield _item(acl.address, "WAF web ACL (login rate limit)", 1, book["waf_web_acl_month"])
        yield _item(acl.address, "WAF rules", rules, book["waf_rule_month"], f"{rules} rule(s)")
        yield _item(
            acl.address,
            "WAF requests (logins)",
            requests,
            book["waf_request"],
            f"one login per meeting ({logins:,.0f}, usage.meetings_per_month) x "
            f"{WAF_REQUESTS_PER_LOGIN} requests to the user pool each",
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
    bucket_logs,
    metrics,
    alarms_and_dashboards,
    service_discovery,
    tracing_and_secrets,
    telemetry,
    auth_page,
    cognito,
    login_rate_limit,
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
    items = apply_free_tiers([item for rule in RULES for item in rule(view, usage, book)], book)
    return Estimate(items, planned_budgets(view), book.date, book.region)
