"""verify's observability group against a real log group and dashboard in moto."""

from __future__ import annotations

from typing import Any

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.verify import observability
from jitsi_ecs.verify.observability import DASHBOARD_METRICS, JITSI_METRICS
from jitsi_ecs.verify.result import Check
from tests.unit.deployed import CONFIG, NAME, Deployed, by_id, dashboard_body, failed
from tests.unit.deployed import observability as build

GROUP = CONFIG.observability.log_group_name


def _config(**observability_: Any) -> Config:
    data = CONFIG.model_dump()
    return Config.model_validate({**data, **observability_})


@pytest.fixture
def d(deployed: Deployed) -> Deployed:
    return build(deployed)


def _checks(d: Deployed, config: Config | None = None) -> dict[str, Check]:
    return by_id(observability.checks(d.context(config)))


def test_the_deployed_logs_and_dashboard_pass(d: Deployed) -> None:
    checks = _checks(d)
    assert set(checks) == {"logs.group", "dashboard"}
    assert failed(checks) == set()
    assert checks["logs.group"].observed == {"name": GROUP, "retention_days": 30}


def test_a_log_group_with_the_wrong_retention_fails(d: Deployed) -> None:
    d.aws.logs.put_retention_policy(logGroupName=GROUP, retentionInDays=7)
    checks = _checks(d)
    assert failed(checks) == {"logs.group"}
    assert checks["logs.group"].observed == {"name": GROUP, "retention_days": 7}


def test_a_log_group_kept_forever_fails(d: Deployed) -> None:
    d.aws.logs.delete_retention_policy(logGroupName=GROUP)
    checks = _checks(d)
    assert failed(checks) == {"logs.group"}
    assert checks["logs.group"].observed["retention_days"] is None


def test_retention_changed_in_the_config_fails(d: Deployed) -> None:
    checks = _checks(d, _config(observability={"log_retention_days": 14}))
    assert failed(checks) == {"logs.group"}
    assert checks["logs.group"].expected["retention_days"] == 14


def test_a_missing_log_group_fails_even_when_a_longer_name_matches(d: Deployed) -> None:
    d.aws.logs.delete_log_group(logGroupName=GROUP)
    d.aws.logs.create_log_group(logGroupName=GROUP + "-old")  # same prefix, another group
    checks = _checks(d)
    assert failed(checks) == {"logs.group"}
    assert checks["logs.group"].detail == f"log group {GROUP} not found"


def test_a_missing_dashboard_fails(d: Deployed) -> None:
    d.aws.cloudwatch.delete_dashboards(DashboardNames=[NAME])
    checks = _checks(d)
    assert failed(checks) == {"dashboard"}
    assert checks["dashboard"].detail == f"dashboard {NAME} not found"


def test_a_dashboard_without_a_metric_fails(d: Deployed) -> None:
    metrics = [m for m in DASHBOARD_METRICS + JITSI_METRICS if m != "Stress"]
    d.aws.cloudwatch.put_dashboard(DashboardName=NAME, DashboardBody=dashboard_body(metrics))
    checks = _checks(d)
    assert failed(checks) == {"dashboard"}
    assert "Stress" not in checks["dashboard"].observed
    assert "Stress" in checks["dashboard"].expected


def test_without_telemetry_the_jitsi_widgets_are_not_needed(d: Deployed) -> None:
    d.aws.cloudwatch.put_dashboard(
        DashboardName=NAME, DashboardBody=dashboard_body(DASHBOARD_METRICS)
    )
    assert failed(_checks(d)) == {"dashboard"}
    assert failed(_checks(d, _config(telemetry={"enabled": False}))) == set()
