"""Each pricing rule against figures computed by hand from the FACTS.md prices (us-west-2)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from bench.cost import hand

from jitsi_ecs.config import Usage, parse_config
from jitsi_ecs.cost.estimate import Estimate, estimate, media_egress_gb
from jitsi_ecs.cost.prices import price_book
from jitsi_ecs.errors import UsageError
from jitsi_ecs.telemetry.collector import published_metric_count
from jitsi_ecs.telemetry.package import HANDLER as TELEMETRY_HANDLER

BOOK = price_book("us-west-2")
BENCH = Path(__file__).resolve().parents[3] / "bench"


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


def plan(*resources: dict[str, Any], **variables: Any) -> dict[str, Any]:
    return {
        "planned_values": {"root_module": {"child_modules": [{"resources": list(resources)}]}},
        "variables": {name: {"value": value} for name, value in variables.items()},
    }


def service(name: str, desired: int, **extra: Any) -> dict[str, Any]:
    values = {
        "name": name,
        "desired_count": desired,
        "cluster": "arn:aws:ecs:us-west-2:1:cluster/jitsi",
        "network_configuration": [{"assign_public_ip": False}],
        **extra,
    }
    return res("aws_ecs_service", values, index=name)


def task(
    name: str, cpu: int, memory: int, arch: str = "X86_64", log_group: str = "/ecs/jitsi-app"
) -> dict[str, Any]:
    containers = [{"name": name, "logConfiguration": {"options": {"awslogs-group": log_group}}}]
    return res(
        "aws_ecs_task_definition",
        {
            "family": name,
            "cpu": str(cpu),
            "memory": str(memory),
            "runtime_platform": [{"cpu_architecture": arch}],
            "container_definitions": json.dumps(containers),
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
            jitsi={"schedule": {"days": "MON-FRI", "start_hour": 7, "stop_hour": 19}},
        ),
        NO_TRAFFIC,
        BOOK,
    )
    assert total(est, "Fargate vCPU") == approx(730 * (12 * 5 / 168) * 0.04048)  # 10.5537


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


def test_turn_over_tls_is_priced() -> None:
    """The turn module's resources as Terraform plans them (module.turn[0], one task)."""
    turn = "module.turn[0]"
    nlb = res(
        "aws_lb",
        {"load_balancer_type": "network", "internal": False, "subnets": ["a", "b"]},
        module=turn,
    )
    coturn = res(
        "aws_ecs_service",
        {
            "name": "turn",
            "desired_count": 1,
            "cluster": "arn:aws:ecs:us-west-2:1:cluster/jitsi",
            "network_configuration": [{"assign_public_ip": True}],
        },
        module=turn,
    )
    definition = res(
        "aws_ecs_task_definition",
        {"cpu": "256", "memory": "512", "runtime_platform": [{"cpu_architecture": "X86_64"}]},
        module=turn,
    )
    est = estimate(plan(nlb, coturn, definition), NO_TRAFFIC, BOOK)
    items = {(i.resource, i.component): i.monthly for i in est.items}
    assert items[(f"{turn}.aws_lb.this", "NLB hours")] == approx(730 * 0.0225)  # 16.425
    assert items[(f"{turn}.aws_lb.this", "Public IPv4 (load balancer nodes)")] == approx(
        2 * 730 * 0.005
    )  # 7.30
    assert items[(f"{turn}.aws_ecs_service.this", "Public IPv4 (task addresses)")] == approx(
        730 * 0.005
    )  # 3.65
    assert total(est, "Fargate vCPU") == approx(0.25 * 730 * 0.04048)  # 7.3876
    assert total(est, "Fargate memory") == approx(0.5 * 730 * 0.004445)  # 1.6224


def test_logs_of_the_containers_past_the_free_tier() -> None:
    group = res(
        "aws_cloudwatch_log_group",
        {"name": "/ecs/jitsi-app", "retention_in_days": 30},
        module="module.observability",
    )
    other = res("aws_cloudwatch_log_group", {"name": "/unrelated", "retention_in_days": 30})
    est = estimate(
        plan(group, other, task("web", 256, 512)),
        Usage(meetings_per_month=0, log_gb_per_month=8),
        BOOK,
    )
    assert total(est, "Logs ingestion") == approx((8 - 5) * 0.50)  # 5 GB free per account
    stored = 8 * 30 / 30.4
    assert total(est, "Logs storage") == approx((stored - 5) * 0.03)
    # only the group the containers write to is priced for usage.log_gb_per_month
    assert [i.resource for i in est.items if i.component == "Logs ingestion"] == [group["address"]]


def test_alarms_are_billed_per_metric_past_the_free_tier() -> None:
    alarms = [res("aws_cloudwatch_metric_alarm", {"period": 60}, index=i) for i in range(9)]
    math = res(
        "aws_cloudwatch_metric_alarm",
        {
            "metric_query": [
                {"id": "a", "metric": [{"period": 60}]},
                {"id": "b", "metric": [{"period": 60}]},
                {"id": "e", "expression": "a - b", "metric": []},
            ]
        },
        index="math",
    )
    fast = res("aws_cloudwatch_metric_alarm", {"period": 10}, index="fast")
    dashboards = [res("aws_cloudwatch_dashboard", {}, index=i) for i in range(4)]
    est = estimate(plan(*alarms, math, fast, *dashboards), NO_TRAFFIC, BOOK)
    # 9 + 2 standard metrics, 10 free; one high-resolution metric, never free
    assert total(est, "Alarm metrics (standard)") == approx(1 * 0.10)
    assert total(est, "Alarm metrics (high resolution)") == approx(1 * 0.30)
    assert total(est, "Dashboards") == approx(1 * 3.00)
    item = next(i for i in est.items if i.component == "Alarm metrics (standard)")
    assert "free" in item.assumption and item.quantity == 11


def test_container_insights_metrics() -> None:
    cluster = res(
        "aws_ecs_cluster",
        {"name": "jitsi", "setting": [{"name": "containerInsights", "value": "enabled"}]},
    )
    est = estimate(plan(cluster, service("web", 1), task("web", 256, 512)), NO_TRAFFIC, BOOK)
    assert total(est, "Container Insights") == approx((10 + 13 + 8 - 10) * 0.30)


def test_a_free_tier_is_taken_once_per_account() -> None:
    cluster = res(
        "aws_ecs_cluster",
        {"name": "jitsi", "setting": [{"name": "containerInsights", "value": "enabled"}]},
    )
    fn = res(
        "aws_lambda_function",
        {"memory_size": 128, "handler": TELEMETRY_HANDLER},
        module="module.telemetry[0]",
    )
    est = estimate(
        plan(cluster, fn, service("web", 1), task("web", 256, 512), telemetry={}),
        NO_TRAFFIC,
        BOOK,
    )
    metrics = 10 + 13 + 8 + published_metric_count()
    both = total(est, "Container Insights") + total(est, "Jitsi metrics")
    assert both == approx((metrics - 10) * 0.30)


def test_cloud_map_zone_and_registered_tasks() -> None:
    namespace = res("aws_service_discovery_private_dns_namespace", {"name": "jitsi.internal"})
    registered = service("shard", 1, service_registries=[{"registry_arn": "arn:x"}])
    est = estimate(plan(namespace, registered, task("shard", 512, 3072)), NO_TRAFFIC, BOOK)
    assert total(est, "Cloud Map namespace") == approx(0.50)
    assert total(est, "Cloud Map registered") == approx(0.10)


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


@pytest.mark.parametrize("name", ["default", "office-hours", "growth"])
def test_saved_plans_against_the_hand_calculation(name: str) -> None:
    """bench/cost.py's plans (re-made with `python bench/cost.py --replan`) and its longhand
    calculation from the config and the FACTS.md prices agree within 1%."""
    config = parse_config(tomllib.loads((BENCH / "configs" / f"{name}.toml").read_text()))
    saved = json.loads((BENCH / "plans" / f"{name}.json").read_text())
    est = estimate(saved, config.usage, BOOK)
    assert est.monthly_total == pytest.approx(hand(config), rel=0.01)
    assert est.budgets == [5.0, 10.0, 20.0, 40.0, 60.0]
    shape = est.as_json()
    assert set(shape) >= {"currency", "monthly_total", "items", "budgets"}
    assert shape["currency"] == "USD"
    assert set(shape["items"][0]) == {
        "resource",
        "component",
        "quantity",
        "unit",
        "unit_price",
        "monthly",
        "assumption",
    }


def test_the_default_stays_under_the_top_budget() -> None:
    saved = json.loads((BENCH / "plans" / "default.json").read_text())
    assert estimate(saved, Usage(), BOOK).monthly_total <= 60.0


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
        {
            "function_name": "jitsi-telemetry",
            "memory_size": 128,
            "handler": TELEMETRY_HANDLER,
        },
        module="module.telemetry[0]",
    )
    group = res(
        "aws_cloudwatch_log_group",
        {"name": "/aws/lambda/jitsi-telemetry", "retention_in_days": 7},
        module="module.telemetry[0]",
    )
    bridges = (service("jvb", 2), task("jvb", 1024, 2048))
    est = estimate(plan(fn, group, *bridges, telemetry={}), NO_TRAFFIC, BOOK)
    # Published per service, not per bridge: the count comes from the collector's allowlist.
    assert published_metric_count() == 11
    assert total(est, "Jitsi metrics") == approx((11 - 10) * 0.30)
    requests = next(i for i in est.items if i.component == "Lambda requests")
    assert requests.quantity == 730 * 60 and requests.monthly == 0  # 43,800 runs: free tier
    assert total(est, "Lambda compute") == 0  # 5,475 GB-s: free tier
    ingest = next(i for i in est.items if i.component == "Logs ingestion")
    assert ingest.quantity == approx(730 * 60 * 3400 / 1e9) and "telemetry" in ingest.assumption


def test_a_schedule_pauses_the_collector_and_its_metrics() -> None:
    fn = res(
        "aws_lambda_function",
        {"memory_size": 128, "handler": TELEMETRY_HANDLER},
        module="module.telemetry[0]",
    )
    hours = {"days": "MON-FRI", "start_hour": 8, "stop_hour": 18}
    est = estimate(plan(fn, telemetry={}, jitsi={"schedule": hours}), NO_TRAFFIC, BOOK)
    requests = next(i for i in est.items if i.component == "Lambda requests")
    assert requests.quantity == pytest.approx(730 * 60 * 50 / 168, abs=0.01)
    metrics = next(i for i in est.items if i.component == "Jitsi metrics (EMF)")
    assert metrics.quantity == approx(11 * 50 / 168) and metrics.monthly == 0


def test_an_operator_service_is_priced_like_jitsi_services() -> None:
    """modules/service (one module instance per service): its own task size, Spot split,
    office-hours schedule and a public IP per task (no NAT: images are pulled through it)."""
    api = 'module.services["api"]'
    strategy = [
        {"capacity_provider": "FARGATE", "base": 1, "weight": 0},
        {"capacity_provider": "FARGATE_SPOT", "base": 0, "weight": 1},
    ]

    def action(cron: str, capacity: int, index: int) -> dict[str, Any]:
        return res(
            "aws_appautoscaling_scheduled_action",
            {
                "resource_id": "service/jitsi/api",
                "schedule": cron,
                "scalable_target_action": [{"min_capacity": capacity, "max_capacity": capacity}],
            },
            index=index,
            module=f"{api}.module.schedule",
        )

    service_values = {
        "name": "api",
        "desired_count": 3,
        "cluster": None,  # unknown until the cluster exists: the planned cluster's name is used
        "capacity_provider_strategy": strategy,
        "network_configuration": [{"assign_public_ip": True}],
    }
    est = estimate(
        plan(
            res("aws_ecs_cluster", {"name": "jitsi", "setting": []}),
            service("web", 3),
            task("web", 1024, 2048),
            res("aws_ecs_service", service_values, module=api),
            res("aws_ecs_task_definition", {"cpu": "256", "memory": "512"}, module=api),
            action("cron(0 19 ? * MON-FRI *)", 0, 0),
            action("cron(0 7 ? * MON-FRI *)", 3, 1),
            # The services follow jitsi.schedule: the plan's variable says the hours.
            jitsi={"schedule": {"days": "MON-FRI", "start_hour": 7, "stop_hour": 19}},
        ),
        NO_TRAFFIC,
        BOOK,
    )
    items = [i for i in est.items if i.resource == f"{api}.aws_ecs_service.this"]
    share = 12 * 5 / 168
    by = {i.component: i for i in items}
    assert by["Fargate vCPU (x86_64, on-demand)"].monthly == approx(
        1 * 0.25 * 730 * share * 0.04048
    )
    assert by["Fargate vCPU (x86_64, Spot)"].monthly == approx(
        2 * 0.25 * 730 * share * 0.04048 * 0.3
    )
    assert "runs 60 h a week" in by["Fargate memory (x86_64, Spot)"].assumption
    assert by["Public IPv4 (task addresses)"].monthly == approx(3 * 730 * share * 0.005)
    # web keeps its own size: the service's task definition is matched within its module.
    web = [i for i in est.items if i.resource == 'module.jitsi.aws_ecs_service.this["web"]']
    assert {i.component: i.monthly for i in web}["Fargate vCPU (x86_64, on-demand)"] == approx(
        3 * 1 * 730 * 0.04048
    )


def test_request_and_flow_logs_pay_for_their_bucket_and_flow_delivery() -> None:
    """Each source writes usage.bucket_log_gb_per_month and S3 keeps it until the lifecycle
    expires it; only flow logs pay for delivery."""
    bucket = "module.log_bucket[0]"
    lifecycle = {"rule": [{"expiration": [{"days": 30}]}]}
    usage = Usage(meetings_per_month=0, log_gb_per_month=0, bucket_log_gb_per_month=2.0)
    est = estimate(
        plan(
            res(
                "aws_lb", {"access_logs": [{"enabled": True, "bucket": "b"}]}, module="module.edge"
            ),
            res("aws_flow_log", {"traffic_type": "ALL"}, module="module.network"),
            res("aws_s3_bucket", {"bucket": "b"}, module=bucket),
            res("aws_s3_bucket_lifecycle_configuration", lifecycle, module=bucket),
        ),
        usage,
        BOOK,
    )
    by = {i.component: i for i in est.items}
    assert by["VPC flow log delivery"].monthly == approx(2.0 * 0.25)
    assert by["S3 log storage"].monthly == approx(2 * 2.0 * 30 / 30.4 * 0.023)


def test_no_log_bucket_no_bucket_items() -> None:
    est = estimate(plan(res("aws_lb", {"access_logs": []}, module="module.edge")), NO_TRAFFIC, BOOK)
    assert not [i for i in est.items if "log storage" in i.component or "flow log" in i.component]


def _auth_plan(*extra: dict[str, Any], **variables: Any) -> dict[str, Any]:
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
    return plan(fn, group, alb, pool, *extra, **variables)


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
    # Two metrics, inside the account's 10 free custom metrics when nothing else publishes.
    assert items["Auth metrics (EMF)"].quantity == 2 and items["Auth metrics (EMF)"].monthly == 0


def test_functions_share_one_lambda_free_tier() -> None:
    telemetry_fn = res(
        "aws_lambda_function",
        {"memory_size": 128, "handler": TELEMETRY_HANDLER},
        module="module.telemetry[0]",
    )
    busy = Usage(meetings_per_month=500_000)  # a million /auth/ invocations
    est = estimate(_auth_plan(telemetry_fn, telemetry={}), busy, BOOK)
    every = 43_800 + 730 * 3600 / 300 * 2 + 1_000_000
    assert total(est, "Lambda requests") == approx((every - 1_000_000) * 0.0000002)
    assert next(i for i in est.items if i.component == "Lambda requests").monthly == 0


def test_no_login_rate_limit_no_waf_item() -> None:
    est = estimate(_auth_plan(), Usage(), BOOK)
    assert not [i for i in est.items if i.component.startswith("WAF")]


def test_login_rate_limit_priced_per_acl_rule_and_request() -> None:
    acl = res(
        "aws_wafv2_web_acl",
        {"name": "jitsi-login-rate-limit", "rule": [{"name": "login-rate-limit"}]},
        module="module.auth[0]",
    )
    est = estimate(_auth_plan(acl), Usage(meetings_per_month=1000), BOOK)
    items = {i.component: i for i in est.items}
    assert items["WAF web ACL (login rate limit)"].monthly == approx(5.0)
    assert items["WAF rules"].quantity == 1 and items["WAF rules"].monthly == approx(1.0)
    requests = items["WAF requests (logins)"]
    # 1,000 logins x 10 requests = 10,000 requests at $0.60 per million.
    assert requests.quantity == 10_000 and requests.monthly == approx(0.006)
    assert "usage.meetings_per_month" in requests.assumption
