"""Each pricing rule against figures computed by hand from the FACTS.md prices (us-west-2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jitsi_ecs.config import Usage
from jitsi_ecs.cost.estimate import Estimate, estimate, media_egress_gb
from jitsi_ecs.cost.prices import price_book
from jitsi_ecs.errors import UsageError

BOOK = price_book("us-west-2")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def approx(value: float) -> object:
    """Items are rounded to 1/100 cent."""
    return pytest.approx(value, abs=1e-4)


NO_TRAFFIC = Usage(meetings_per_month=0, log_gb_per_month=0, alb_average_lcu=0)


def res(
    type_: str, values: dict[str, Any], index: Any = None, module: str = "module.jitsi"
) -> dict[str, Any]:
    name = "this"
    address = f"{module}.{type_}.{name}" + (f'["{index}"]' if index is not None else "")
    return {
        "address": address,
        "mode": "managed",
        "type": type_,
        "name": name,
        "index": index,
        "values": values,
    }


def plan(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"planned_values": {"root_module": {"child_modules": [{"resources": list(resources)}]}}}


def service(name: str, desired: int, **extra: Any) -> dict[str, Any]:
    values = {
        "name": name,
        "desired_count": desired,
        "cluster": "arn:aws:ecs:us-west-2:1:cluster/jitsi",
        "network_configuration": [{"assign_public_ip": False}],
        **extra,
    }
    return res("aws_ecs_service", values, index=name)


def task(name: str, cpu: int, memory: int, arch: str = "X86_64") -> dict[str, Any]:
    return res(
        "aws_ecs_task_definition",
        {
            "family": name,
            "cpu": str(cpu),
            "memory": str(memory),
            "runtime_platform": [{"cpu_architecture": arch}],
        },
        index=name,
    )


def total(items: Estimate, component: str) -> float:
    return round(sum(i.monthly for i in items.items if i.component.startswith(component)), 4)


def test_fargate_x86_on_demand() -> None:
    est = estimate(plan(service("web", 3), task("web", 256, 512)), NO_TRAFFIC, BOOK)
    assert total(est, "Fargate vCPU") == approx(3 * 0.25 * 730 * 0.04048)  # 22.1628
    assert total(est, "Fargate memory") == approx(3 * 0.5 * 730 * 0.004445)  # 4.8673


def test_fargate_arm() -> None:
    est = estimate(plan(service("jvb", 1), task("jvb", 1024, 2048, "ARM64")), NO_TRAFFIC, BOOK)
    assert total(est, "Fargate vCPU (ARM64") == approx(730 * 0.03238)  # 23.6374
    assert total(est, "Fargate memory (ARM64") == approx(2 * 730 * 0.00356)  # 5.1976


def test_fargate_spot_keeps_the_base_on_demand() -> None:
    strategy = [
        {"capacity_provider": "FARGATE", "base": 1, "weight": 0},
        {"capacity_provider": "FARGATE_SPOT", "base": 0, "weight": 1},
    ]
    est = estimate(
        plan(service("web", 3, capacity_provider_strategy=strategy), task("web", 1024, 2048)),
        NO_TRAFFIC,
        BOOK,
    )
    assert total(est, "Fargate vCPU (x86_64, on-demand)") == approx(1 * 730 * 0.04048)
    assert total(est, "Fargate vCPU (x86_64, Spot)") == approx(2 * 730 * 0.04048 * 0.3)


def test_schedule_scales_hours() -> None:
    def action(kind: str, cron: str, capacity: int) -> dict[str, Any]:
        return res(
            "aws_appautoscaling_scheduled_action",
            {
                "resource_id": "service/jitsi/web",
                "schedule": cron,
                "scalable_target_action": [{"min_capacity": capacity, "max_capacity": capacity}],
            },
            index=kind,
        )

    est = estimate(
        plan(
            service("web", 1),
            task("web", 1024, 2048),
            action("stop", "cron(0 19 ? * MON-FRI *)", 0),
            action("start", "cron(0 7 ? * MON-FRI *)", 1),
        ),
        NO_TRAFFIC,
        BOOK,
    )
    assert total(est, "Fargate vCPU") == approx(730 * (12 * 5 / 168) * 0.04048)  # 8.4398


def test_public_ipv4_for_tasks_and_alb_nodes() -> None:
    web = service("web", 3, network_configuration=[{"assign_public_ip": True}])
    lb = res(
        "aws_lb",
        {
            "load_balancer_type": "application",
            "internal": False,
            "subnets": ["subnet-a", "subnet-b", "subnet-c"],
        },
        module="module.edge",
    )
    est = estimate(plan(web, task("web", 256, 512), lb), NO_TRAFFIC, BOOK)
    assert total(est, "Public IPv4 (task") == approx(3 * 730 * 0.005)  # 10.95
    assert total(est, "Public IPv4 (load balancer") == approx(3 * 730 * 0.005)  # 10.95
    assert total(est, "ALB hours") == approx(730 * 0.0225)  # 16.425


def test_alb_capacity_units_from_usage() -> None:
    lb = res(
        "aws_lb", {"load_balancer_type": "application", "internal": True, "subnets": ["a", "b"]}
    )
    est = estimate(
        plan(lb), Usage(meetings_per_month=0, log_gb_per_month=0, alb_average_lcu=2), BOOK
    )
    assert total(est, "ALB capacity") == approx(2 * 730 * 0.008)  # 11.68
    assert total(est, "Public IPv4") == 0  # internal: no public nodes


def test_nlb_and_nat_gateway() -> None:
    nlb = res("aws_lb", {"load_balancer_type": "network", "internal": False, "subnets": ["a"]})
    nat = res("aws_nat_gateway", {}, module="module.network")
    est = estimate(
        plan(nlb, nat), Usage(meetings_per_month=0, log_gb_per_month=10, alb_average_lcu=1), BOOK
    )
    assert total(est, "NLB hours") == approx(730 * 0.0225)
    assert total(est, "NLB capacity") == approx(730 * 0.006)
    assert total(est, "NAT gateway hours") == approx(730 * 0.045)  # 32.85
    assert total(est, "NAT gateway data") == approx(10 * 0.045)


def test_logs_ingestion_and_storage() -> None:
    group = res(
        "aws_cloudwatch_log_group", {"retention_in_days": 30}, module="module.observability"
    )
    est = estimate(plan(group), Usage(meetings_per_month=0, log_gb_per_month=4), BOOK)
    assert total(est, "Logs ingestion") == approx(4 * 0.50)
    assert total(est, "Logs storage") == approx(4 * 30 / 30.4 * 0.03)


def test_alarms_and_dashboards_past_the_free_tier() -> None:
    alarms = [res("aws_cloudwatch_metric_alarm", {}, index=i) for i in range(12)]
    dashboards = [res("aws_cloudwatch_dashboard", {}, index=i) for i in range(4)]
    est = estimate(plan(*alarms, *dashboards), NO_TRAFFIC, BOOK)
    assert total(est, "Standard alarms") == approx(2 * 0.10)
    assert total(est, "Dashboards") == approx(1 * 3.00)


def test_container_insights_metrics() -> None:
    cluster = res(
        "aws_ecs_cluster",
        {"name": "jitsi", "setting": [{"name": "containerInsights", "value": "enabled"}]},
    )
    est = estimate(plan(cluster, service("web", 1), task("web", 256, 512)), NO_TRAFFIC, BOOK)
    assert total(est, "Container Insights") == approx((8 + 11 + 8) * 0.30)


def test_xray_and_secrets() -> None:
    secrets = [res("aws_secretsmanager_secret", {}, index=i) for i in range(3)]
    est = estimate(
        plan(*secrets),
        Usage(meetings_per_month=0, log_gb_per_month=0, traces_per_month=300000),
        BOOK,
    )
    assert total(est, "Traces") == approx(200000 * 0.000005)  # 1.00
    assert total(est, "Secrets Manager") == approx(3 * 0.40)


def test_media_egress() -> None:
    usage = Usage(
        meetings_per_month=60,
        participants_per_meeting=4,
        meeting_hours=1,
        video_kbps_per_stream=500,
    )
    # 4 x 3 streams x 500 kbit/s x 60 h = 12 x 62,500 B/s x 216,000 s = 162 GB
    assert media_egress_gb(usage) == approx(162.0)
    est = estimate(plan(), usage, BOOK)
    assert total(est, "Media egress") == approx((162 - 100) * 0.09)  # 5.58


def test_budgets_crossed() -> None:
    budgets = [
        res("aws_budgets_budget", {"limit_amount": f"{x}.00"}, index=str(x)) for x in (5, 10, 20)
    ]
    lb = res(
        "aws_lb", {"load_balancer_type": "application", "internal": True, "subnets": ["a", "b"]}
    )
    est = estimate(plan(lb, *budgets), NO_TRAFFIC, BOOK)  # 16.43
    assert est.as_json()["budgets"] == [
        {"limit": 5.0, "crossed": True},
        {"limit": 10.0, "crossed": True},
        {"limit": 20.0, "crossed": False},
    ]


def test_default_stack_from_the_saved_plan_alone() -> None:
    saved = json.loads((FIXTURES / "plan-default.json").read_text())
    est = estimate(saved, Usage(), BOOK)
    by_hand = (
        (3 * 0.25 + 0.5 + 1) * 730 * 0.04048
        + (3 * 0.5 + 1 + 2) * 730 * 0.004445  # Fargate
        + (5 + 2) * 730 * 0.005  # public IPv4: 5 tasks + 2 ALB nodes
        + 730 * 0.0225
        + 0.5 * 730 * 0.008  # ALB
        + (8 + 3 * 11 + 3 * 8) * 0.30  # Container Insights
        + 1 * 0.50
        + 1 * 30 / 30.4 * 0.03  # logs
        + (162 - 100) * 0.09  # media egress
        + (10 * 1 + 21) * 0.30  # Jitsi telemetry metrics (EMF): one bridge
    )
    assert est.monthly_total == pytest.approx(by_hand, abs=0.01)  # 160.89
    assert est.budgets == [5.0, 10.0, 20.0, 40.0, 60.0]
    shape = est.as_json()
    assert (
        set(shape) >= {"currency", "monthly_total", "items", "budgets"}
        and shape["currency"] == "USD"
    )
    assert set(shape["items"][0]) == {
        "resource",
        "component",
        "quantity",
        "unit",
        "unit_price",
        "monthly",
        "assumption",
    }


def test_unknown_region_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match="no prices for region eu-north-1"):
        price_book("eu-north-1")


def test_snapshot_names_its_date_and_sources() -> None:
    for region in ("us-west-2", "us-east-1"):
        book = price_book(region)
        assert book.date and book.prices["fargate_vcpu_hour"].price == 0.04048
    from jitsi_ecs.cost.prices import load_snapshot

    snap = load_snapshot()
    assert snap["regions"]["us-west-2"]["public_ipv4_hour"]["service_code"] == "AmazonVPC"
    assert (
        snap["regions"]["us-west-2"]["fargate_vcpu_hour"]["usage_type"]
        == "USW2-Fargate-vCPU-Hours:perCPU"
    )


def test_telemetry_collector() -> None:
    fn = res(
        "aws_lambda_function",
        {"memory_size": 128, "environment": [{"variables": {"METRIC_NAMESPACE": "Jitsi"}}]},
        module="module.telemetry[0]",
    )
    rule = res(
        "aws_cloudwatch_event_rule",
        {"schedule_expression": "rate(1 minute)"},
        module="module.telemetry[0]",
    )
    est = estimate(plan(fn, rule, service("jvb", 2), task("jvb", 1024, 2048)), NO_TRAFFIC, BOOK)
    assert total(est, "Jitsi metrics") == approx((10 * 2 + 21) * 0.30)  # 12.30
    requests = next(i for i in est.items if i.component == "Lambda requests")
    assert requests.quantity == 730 * 60 and requests.monthly == 0  # 43,800 runs: free tier
    assert total(est, "Lambda compute") == 0  # 5,475 GB-s: free tier


def _auth_plan(*extra: dict[str, Any]) -> dict[str, Any]:
    fn = res(
        "aws_lambda_function",
        {"memory_size": 512, "handler": "jitsi_ecs.auth.handler.handler"},
        module="module.auth[0]",
    )
    group = res(
        "aws_lb_target_group",
        {"target_type": "lambda", "health_check": [{"enabled": True, "interval": 300}]},
        module="module.auth[0]",
    )
    alb = res("aws_lb", {"subnets": ["a", "b"]}, module="module.edge")
    pool = res("aws_cognito_user_pool", {"name": "jitsi"}, module="module.auth[0]")
    return plan(fn, group, alb, pool, *extra)


def test_auth_page_is_free_at_default_usage_and_shown() -> None:
    est = estimate(_auth_plan(), Usage(), BOOK)
    items = {i.component: i for i in est.items}
    checks = 730 * 3600 / 300 * 2  # every 5 min from 2 ALB nodes
    requests = items["Lambda requests (/auth/)"]
    assert requests.quantity == approx(checks + 60 * 2) and requests.monthly == 0
    compute = items["Lambda compute (/auth/)"]
    assert compute.quantity == approx((checks + 120) * 0.5 * 0.2) and compute.monthly == 0
    users = items["Cognito monthly active users"]
    assert users.quantity == 5 and users.monthly == 0 and "usage.members" in users.assumption
    assert items["Auth metrics (EMF)"].monthly == approx(2 * 0.30)


def test_functions_share_one_lambda_free_tier() -> None:
    telemetry_fn = res(
        "aws_lambda_function",
        {"memory_size": 128, "environment": [{"variables": {"METRIC_NAMESPACE": "Jitsi"}}]},
        module="module.telemetry[0]",
    )
    rule = res(
        "aws_cloudwatch_event_rule",
        {"schedule_expression": "rate(1 minute)"},
        module="module.telemetry[0]",
    )
    busy = Usage(meetings_per_month=500_000)  # a million /auth/ invocations
    est = estimate(_auth_plan(telemetry_fn, rule), busy, BOOK)
    every = 43_800 + 730 * 3600 / 300 * 2 + 1_000_000
    assert total(est, "Lambda requests") == approx((every - 1_000_000) * 0.0000002)
    assert next(i for i in est.items if i.component == "Lambda requests").monthly == 0
