"""The live smoke checks: skipped where nothing runs, and the HTTP ones against a local
server playing the site (a Jitsi page, a broken one, a dead one); the telemetry and the
bridges' advertised addresses against the in-process emulator."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moto import mock_aws

from jitsi_ecs.aws import AwsContext
from jitsi_ecs.config import Config
from jitsi_ecs.outputs import StackOutputs
from jitsi_ecs.verify import live
from jitsi_ecs.verify.result import Check, VerifyContext

DOMAIN = "meet.example.com"
JITSI_PAGE = (
    b"<!DOCTYPE html><html><head><script>config = {}</script>"
    b'<script src="libs/lib-jitsi-meet.min.js?v=11146"></script>'
    b'<script src="libs/app.bundle.min.js?v=11146"></script>'
    b"<title>Jitsi Meet</title></head><body><div id=react></div></body></html>"
)
CONFIG_JS = (
    b"var config = {};\nconfig.hosts = {};\nconfig.hosts.domain = 'meet.jitsi';\n"
    b"config.bosh = 'https://meet.example.com/' + subdir + 'http-bind';\n"
)
BOSH = b"<html><body>It works! Now point your BOSH client to this URL.</body></html>"
JITSI_SITE = {"/": (200, JITSI_PAGE), "/config.js": (200, CONFIG_JS), "/http-bind": (200, BOSH)}


@contextmanager
def site(routes: dict[str, tuple[int, bytes]]) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = routes.get(self.path, (404, b"<html>404 Not Found</html>"))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def outputs(url: str = f"https://{DOMAIN}") -> StackOutputs:
    return StackOutputs(
        url=url,
        alb_arn="arn:alb",
        https_listener_arn="arn:https",
        http_listener_arn="arn:http",
        web_target_group_arn="arn:tg",
        cluster_name="jitsi",
        service_names={"web": "web", "xmpp": "xmpp", "jvb": "jvb"},
        service_containers={"web": ["web"], "xmpp": ["prosody", "jicofo"], "jvb": ["jvb", "guard"]},
        task_counts={k: {"min": 1, "max": 1} for k in ("web", "xmpp", "jvb")},
        layout="growth",
        vpc_id="vpc-1",
        bridge_dns_names=["jvb.jitsi.internal"],
        ecs_events_rule_name="jitsi-ecs-failures",
        secrets_version=1,
        deployment_alerts_topic_arn="arn:topic",
        budget_alerts_topic_arn="arn:budgets",
        alarm_names={},
        deployment_alarm_names={},
        budget_names={},
        log_group_name="/ecs/jitsi-app",
        dashboard_name="jitsi",
        web_port=8000,
    )


def by_id(results: list[Check]) -> dict[str, Check]:
    return {c.id: c for c in results}


def test_a_target_without_containers_skips_every_live_check_and_says_why() -> None:
    ctx = VerifyContext(Config(), AwsContext(region="us-west-2"), outputs(), serves_traffic=False)
    results = list(live.checks(ctx))
    assert [c.id for c in results] == list(live.IDS)
    assert all(c.status == "skip" and "runs no containers" in c.detail for c in results)


def test_the_jitsi_site_passes() -> None:
    with site(JITSI_SITE) as base:
        results = by_id(list(live.http_checks(base, DOMAIN)))
    assert {k: c.status for k, c in results.items()} == {
        "live.site": "pass",
        "live.config-js": "pass",
        "live.http-bind": "pass",
    }


def test_a_site_that_is_not_jitsi_or_has_no_signaling_fails() -> None:
    routes = {
        "/": (200, b"<html><h1>Welcome to nginx!</h1></html>"),
        "/config.js": (200, b"var config = { bosh: 'https://other.example.org/http-bind' };"),
        "/http-bind": (502, b"<html>502 Bad Gateway</html>"),
    }
    with site(routes) as base:
        results = by_id(list(live.http_checks(base, DOMAIN)))
    assert results["live.site"].status == "fail"
    assert results["live.site"].observed == {"status": 200, "jitsi_page": False}
    assert results["live.config-js"].observed == {"status": 200, "names_domain": None}
    assert results["live.http-bind"].status == "fail"
    assert results["live.http-bind"].observed == {"status": 502}


def test_a_site_that_does_not_answer_fails_with_the_reason() -> None:
    with site({}) as base:
        pass  # the server is gone: nothing listens on that port any more
    results = by_id(list(live.http_checks(base, DOMAIN)))
    assert all(c.status == "fail" for c in results.values())
    assert results["live.site"].observed["status"] is None
    assert "URLError" in results["live.site"].detail or "Error" in results["live.site"].detail


def test_public_address_check() -> None:
    ok = live.public_address_check({"t1": "203.0.113.7"}, {"t1": {"203.0.113.7"}})
    assert ok.status == "pass"
    private = live.public_address_check({"t1": "203.0.113.7"}, {"t1": {"10.42.1.5"}})
    assert private.status == "fail"
    silent = live.public_address_check(
        {"t1": "203.0.113.7", "t2": "203.0.113.8"}, {"t1": {"203.0.113.7"}}
    )
    assert silent.status == "fail"
    assert silent.observed["t2"] == {"public_ip": "203.0.113.8", "advertised": []}
    no_ip = live.public_address_check({"t1": None}, {"t1": set()})
    assert no_ip.status == "fail"
    assert live.public_address_check({}, {}).status == "fail"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsContext]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "t")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "t")
    with mock_aws():
        yield AwsContext(region="us-west-2")


def _metric(aws: AwsContext, name: str, service: str, value: float, minutes_ago: int) -> None:
    aws.cloudwatch.put_metric_data(
        Namespace="Jitsi",
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": "Service", "Value": service}],
                "Timestamp": datetime.now(UTC) - timedelta(minutes=minutes_ago),
                "Value": value,
                "Unit": "Count",
            }
        ],
    )


def test_telemetry_needs_an_operational_bridge_and_jicofo(aws: AwsContext) -> None:
    ctx = VerifyContext(Config(), aws, outputs(), serves_traffic=True)
    assert live._telemetry(ctx).status == "fail"  # nothing reported yet
    _metric(aws, "OperationalBridges", "jicofo", 0, minutes_ago=3)
    _metric(aws, "SourceUp", "jicofo", 1, minutes_ago=3)
    assert live._telemetry(ctx).status == "fail", "jicofo sees no bridge it can use"
    _metric(aws, "OperationalBridges", "jicofo", 1, minutes_ago=2)
    check = live._telemetry(ctx)
    assert check.status == "pass", check
    off = Config(telemetry={"enabled": False})
    assert live._telemetry(VerifyContext(off, aws, outputs(), True)).status == "skip"


def test_the_address_a_bridge_advertised_is_read_from_its_log_stream(aws: AwsContext) -> None:
    ctx = VerifyContext(Config(), aws, outputs(), serves_traffic=True)
    logs = aws.logs
    logs.create_log_group(logGroupName="/ecs/jitsi-app")
    logs.create_log_stream(logGroupName="/ecs/jitsi-app", logStreamName="jvb/jvb/abc123")
    now = int(time.time() * 1000)
    lines = [
        "JVB 2026-11-27 13:00:01.000 INFO: [1] MappingCandidateHarvesters.initialize#111: "
        "Using AwsCandidateHarvester.",
        "JVB 2026-11-27 13:00:01.200 INFO: [1] StunMappingCandidateHarvester.discover#103: "
        "Discovered public address 203.0.113.7:41234/udp from STUN server "
        "142.250.1.127:19302/udp using local address 10.42.1.5:0/udp",
    ]
    events: Any = [{"timestamp": now + i, "message": m} for i, m in enumerate(lines)]
    logs.put_log_events(
        logGroupName="/ecs/jitsi-app", logStreamName="jvb/jvb/abc123", logEvents=events
    )
    assert live.advertised(ctx, "abc123") == {"203.0.113.7"}


def test_every_service_that_runs_a_bridge_is_asked_for_its_tasks() -> None:
    """compact: the shard runs a bridge as well as the bridges alone; growth: jvb alone."""
    compact = outputs().model_copy(
        update={
            "service_names": {"shard": "shard", "jvb": "jvb"},
            "service_containers": {
                "shard": ["web", "prosody", "jicofo", "jvb", "guard"],
                "jvb": ["jvb", "guard"],
            },
        }
    )
    aws = AwsContext(region="us-west-2")
    assert live._bridge_services(VerifyContext(Config(), aws, compact)) == ["shard", "jvb"]
    assert live._bridge_services(VerifyContext(Config(), aws, outputs())) == ["jvb"]
