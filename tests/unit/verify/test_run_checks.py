"""verify.run_checks over a whole deployment in moto: every group runs, and an API error
fails its own group (`<group>.api`) while the others still run."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from jitsi_ecs.verify import GROUPS, as_json, run_checks, summary
from jitsi_ecs.verify.result import Check
from tests.unit.deployed import REGION, Deployed, by_id, deploy_all, failed

# The first part of each check id, by group.
PREFIXES = {
    "edge": {"edge", "tg"},
    "security": {"security"},
    "ecs": {"service", "task"},
    "jitsi": {"task", "web", "iam", "jitsi"},
    "services": {"service"},
    "alerting": {"alarm", "sns", "budget"},
    "observability": {"logs", "dashboard"},
    "telemetry": {"telemetry"},
    "live": {"live"},
    "auth": {"auth"},
}


@pytest.fixture
def d(deployed: Deployed) -> Deployed:
    return deploy_all(deployed)


def _prefixes(checks: dict[str, Check]) -> set[str]:
    return {i.split(".")[0] for i in checks}


def test_every_group_runs_and_the_deployment_passes(d: Deployed) -> None:
    results = run_checks(d.context())
    checks = by_id(results)
    assert set(GROUPS) == set(PREFIXES)
    assert _prefixes(checks) == set().union(*PREFIXES.values())
    assert failed(checks) == set()
    # live: the emulator runs no containers, so its smoke checks skip, saying so; the login
    # rate limit is off by default (it costs money), so its check skips, saying how to turn it on.
    skipped = {i for i, c in checks.items() if c.status == "skip"}
    live = {i for i in checks if i.startswith("live.")}
    assert skipped == {*live, "auth.login-rate-limit"} and len(live) == 5
    assert summary(results) == {"pass": len(results) - 6, "fail": 0, "skip": 6}
    # One check per requirement: a handful per group at least, never an empty group.
    per_group = Counter(i.split(".")[0] for i in checks)
    # compact: shard 6, jvb 7 (autoscaling), api 6 and the services group's 3; shard's four
    # containers, jvb's one and api's one, each 3 and secrets (21), each bridge's guard its
    # logs and adot (4) and its REST APIs (2); the jitsi group: image, digest and file system
    # of the five Jitsi containers (15), address discovery and guard of both bridges (4), the
    # heaps of the shard and the bridges (2); alarms 5 + 4
    # telemetry + 4 of api + /auth/'s errors; guests, token settings and the nine of the
    # /auth/ page and its login rate limit.
    assert per_group["service"] == 22 and per_group["task"] == 48 and per_group["alarm"] == 14
    assert per_group["auth"] == 11

    # The JSON report of a real run: exactly the documented shape, drift included.
    d.aws.logs.put_retention_policy(
        logGroupName=d.config.observability.log_group_name, retentionInDays=7
    )
    report = json.loads(json.dumps(as_json(run_checks(d.context()))))
    assert set(report) == {"checks", "summary"}
    assert report["summary"] == {"pass": len(results) - 7, "fail": 1, "skip": 6}
    assert all(
        set(c) == {"id", "status", "expected", "observed", "detail"} for c in report["checks"]
    )
    logs = next(c for c in report["checks"] if c["id"] == "logs.group")
    assert logs["status"] == "fail" and logs["observed"]["retention_days"] == 7


def test_an_api_error_fails_its_group_and_the_others_still_run(d: Deployed) -> None:
    # A ClientError: the ALB the outputs name is gone.
    gone = f"arn:aws:elasticloadbalancing:{REGION}:123456789012:loadbalancer/app/gone/0123"
    checks = by_id(run_checks(d.context(alb_arn=gone)))
    api = checks["edge.api"]
    assert (api.status, api.expected, api.observed) == ("fail", "AWS API answers", None)
    assert api.detail.startswith("LoadBalancerNotFoundException: ")
    # The services group reads the ALB's security groups (who may reach an operator service);
    # security finds no ALB to read protection from; jitsi reads the ALB's idle timeout
    # (nginx's keep-alive must outlast it); the /auth/ function trusts identities signed by
    # the ALB it was made for, not the one named now.
    assert failed(checks) == {
        "edge.api",
        "services.api",
        "security.alb-deletion-protection",
        "jitsi.api",
        "auth.function",
    }
    assert checks["services.api"].detail.startswith("LoadBalancerNotFoundException: ")
    assert not [i for i in checks if i.startswith(("edge.", "tg.")) and i != "edge.api"]
    assert _prefixes(checks) >= PREFIXES["ecs"] | PREFIXES["alerting"] | PREFIXES["telemetry"]

    # An AwsError (calling() names the call): the cluster the outputs name does not exist.
    checks = by_id(run_checks(d.context(cluster_name="nope")))
    assert checks["ecs.api"].detail.startswith(
        "describe the ECS services of cluster nope: AWS answered ClusterNotFoundException"
    )
    assert not [i for i in checks if i.startswith(("service.", "task."))]
    # telemetry reads the services' groups last: the checks it made before stand.
    assert {i for i in checks if i.startswith("telemetry.")} == {
        "telemetry.function",
        "telemetry.schedule",
        "telemetry.api",
    }
    # security reads each Jitsi task's groups and role last: its ALB checks before stand;
    # auth reads web's and prosody's task definitions first (guests, token settings).
    assert failed(checks) == {
        "ecs.api",
        "services.api",
        "jitsi.api",
        "telemetry.api",
        "security.api",
        "auth.api",
    }
    assert checks["services.api"].detail.startswith("describe the ECS services of cluster nope")
    assert checks["auth.api"].detail.startswith("describe the ECS services of cluster nope")
    assert checks["security.hsts"].status == "pass"
    assert checks["edge.https-listener"].status == "pass"


def test_an_unexpected_error_is_not_swallowed(
    deployed: Deployed, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: object) -> list[Check]:
        raise KeyError("a bug, not an AWS answer")

    monkeypatch.setitem(GROUPS, "edge", broken)  # edge runs first: nothing else is reached
    with pytest.raises(KeyError):
        run_checks(deployed.context())
