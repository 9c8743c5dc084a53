"""`drill rollback`: deploy a bad revision and watch ECS undo it.

Three failures (`--failure`), each taking the path a real one takes:

- `crash` (the default): the service's own task definition with every container health check
  replaced by `exit 1`: tasks start, fail their health checks, the circuit breaker (or a
  deployment alarm) fails the deployment, ECS rolls back to the last completed deployment.
- `http-500`: the revision is a copy that runs and passes every health check, and its targets
  answer 500: the service's target-5xx deployment alarm (`HTTPCode_Target_5XX_Count`, answers
  from its targets) goes to ALARM and ECS rolls back. A copy of a working release cannot be
  made to answer 500 without a broken image, so the drill sets that alarm to ALARM itself
  (SetAlarmState) while the release rolls out, as CloudWatch would on its 500s, and back to OK
  once ECS rolls back: it proves that ECS rolls back on the alarm, not that the alarm counts.
- `wrong-password`: a bridge release (a service of bridges alone) whose XMPP password is
  wrong: it passes JVB's health check (which does not test XMPP) but never joins jicofo's
  brewery. On AWS the real telemetry sees it (BridgesUp above OperationalBridges), the
  bridges' deployment alarm fires after its three minutes, and ECS rolls back. Where nothing
  runs (the emulator: the target serves no traffic) the drill publishes what telemetry would
  publish and sets the alarm as CloudWatch would evaluate it, and says so.

A service that runs no task (bridges alone at night, or under no load) is started with one
for the alarm drills (nothing would be judged) and put back afterwards. Whatever happens
(success, failure, timeout, Ctrl-C, an API error), the original revision and count are
restored, an alarm set by hand is put back to OK, and the bad revision deregistered.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from jitsi_ecs.aws import AwsContext, calling
from jitsi_ecs.drills import Clock, DrillResult
from jitsi_ecs.ecs_rules import circuit_breaker_threshold
from jitsi_ecs.errors import Interrupted, JitsiEcsError, UsageError
from jitsi_ecs.targets import Watch

BROKEN_CHECK = ["CMD-SHELL", "exit 1"]
CRASH, HTTP_500, WRONG_PASSWORD = "crash", "http-500", "wrong-password"
FAILURES = (CRASH, HTTP_500, WRONG_PASSWORD)
# What each alarm failure trips: the metric its deployment alarm watches.
ALARM_METRIC = {HTTP_500: "HTTPCode_Target_5XX_Count", WRONG_PASSWORD: "OperationalBridges"}
BRIDGE, PASSWORD = "jvb", "JVB_AUTH_PASSWORD"
DRILL_LABEL = "jitsi-ecs.drill"
_REGISTER_KEYS = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "runtimePlatform",
    "ephemeralStorage",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
)


def broken_revision(task_def: dict[str, Any]) -> dict[str, Any]:
    """Register arguments for a copy of task_def whose health checks can never pass."""
    args = {k: copy.deepcopy(task_def[k]) for k in _REGISTER_KEYS if task_def.get(k)}
    for container in args["containerDefinitions"]:
        check = container.get("healthCheck") or {
            "interval": 30,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 0,
        }
        container["healthCheck"] = {**check, "command": BROKEN_CHECK}
    return args


def copied_revision(task_def: dict[str, Any], failure: str) -> dict[str, Any]:
    """Register arguments for a copy of task_def that passes its health checks: labelled
    with the drill (a new revision), and for `wrong-password` with a bridge password that
    prosody does not know (random, in the environment instead of the SSM secret)."""
    args = {k: copy.deepcopy(task_def[k]) for k in _REGISTER_KEYS if task_def.get(k)}
    for container in args["containerDefinitions"]:
        container["dockerLabels"] = {**(container.get("dockerLabels") or {}), DRILL_LABEL: failure}
        if failure == WRONG_PASSWORD and container.get("name") == BRIDGE:
            container["secrets"] = [
                s for s in container.get("secrets", []) if s["name"] != PASSWORD
            ]
            container["environment"] = [
                *(e for e in container.get("environment", []) if e["name"] != PASSWORD),
                {"name": PASSWORD, "value": f"wrong-{secrets.token_hex(12)}"},
            ]
    return args


@dataclass
class AlarmTrip:
    """The deployment alarm a `http-500` or `wrong-password` release trips, and how the drill
    plays what the target does not run. `by_hand`: the drill sets the alarm's state (and
    puts it back); `telemetry`: (namespace, bridges running) when the drill also publishes
    what the telemetry collector would."""

    alarm: str
    reason: str
    by_hand: bool
    telemetry: tuple[str, int] | None = None
    tripped: bool = False

    def trip(self, aws: AwsContext) -> None:
        if self.telemetry is not None:
            namespace, up = self.telemetry
            _publish(aws, namespace, up, up - 1)
        if self.by_hand:
            with calling(f"set alarm {self.alarm} to ALARM"):
                aws.cloudwatch.set_alarm_state(
                    AlarmName=self.alarm, StateValue="ALARM", StateReason=self.reason[:1023]
                )
            self.tripped = True

    def clear(self, aws: AwsContext) -> None:
        if self.telemetry is not None:
            namespace, up = self.telemetry
            _publish(aws, namespace, up, up)
        if self.tripped:
            with calling(f"set alarm {self.alarm} back to OK"):
                aws.cloudwatch.set_alarm_state(
                    AlarmName=self.alarm,
                    StateValue="OK",
                    StateReason="jitsi-ecs drill rollback: the release was rolled back",
                )
            self.tripped = False


def _publish(aws: AwsContext, namespace: str, up: int, operational: int) -> None:
    """What the telemetry collector publishes about the bridges (telemetry/collector.py)."""
    with calling("publish the bridges' telemetry as the collector would"):
        aws.cloudwatch.put_metric_data(
            Namespace=namespace,
            MetricData=[
                {
                    "MetricName": "BridgesUp",
                    "Dimensions": [{"Name": "Service", "Value": "summary"}],
                    "Value": float(up),
                    "Unit": "Count",
                },
                {
                    "MetricName": "OperationalBridges",
                    "Dimensions": [{"Name": "Service", "Value": "jicofo"}],
                    "Value": float(operational),
                    "Unit": "Count",
                },
            ],
        )


def alarm_trip(
    aws: AwsContext,
    failure: str,
    alarm_names: list[str],
    *,
    stand_in: bool,
    namespace: str,
    bridges_up: int,
) -> AlarmTrip:
    """The deployment alarm (among the service's) that `failure` trips; a UsageError naming
    what is missing when the service has none."""
    metric = ALARM_METRIC[failure]
    alarms = aws.alarms(alarm_names)
    for name, alarm in alarms.items():
        watched = {str(alarm.get("MetricName"))} | {
            str(q.get("MetricStat", {}).get("Metric", {}).get("MetricName"))
            for q in alarm.get("Metrics", [])
        }
        if metric not in watched:
            continue
        if failure == HTTP_500:
            return AlarmTrip(
                name,
                "jitsi-ecs drill rollback set it, as CloudWatch would when the release's "
                "targets answer 500 (HTTPCode_Target_5XX_Count above its threshold): a copy "
                "of a working release cannot answer 500 without a broken image",
                by_hand=True,
            )
        return AlarmTrip(
            name,
            "jitsi-ecs drill rollback (the target runs no telemetry) published what the "
            f"collector would (BridgesUp {bridges_up}, OperationalBridges {bridges_up - 1}) "
            "and set it, as CloudWatch would after three such minutes",
            by_hand=stand_in,
            telemetry=(namespace, bridges_up) if stand_in else None,
        )
    raise UsageError(
        f"--failure {failure}: the service has no deployment alarm on {metric} "
        f"(it has {', '.join(alarm_names) or 'none'})",
        hint="http-500 needs a service behind the ALB (shard, web, an operator service); "
        "wrong-password needs bridges alone with telemetry on (jvb).",
    )


def _service(aws: AwsContext, cluster: str, name: str) -> dict[str, Any]:
    service = aws.service(cluster, name)
    if service is None:
        raise JitsiEcsError(
            f"service {name} not found in cluster {cluster}", hint="Run `jitsi-ecs up` first."
        )
    return dict(service)


def run(
    aws: AwsContext,
    cluster: str,
    name: str,
    watch: Watch,
    result: DrillResult,
    clock: Clock | None = None,
    failure: str = CRASH,
    trip: AlarmTrip | None = None,
) -> DrillResult:
    """Deploy the `failure` release of service `name` and watch ECS roll it back. `trip` (for
    http-500 and wrong-password): the deployment alarm it trips (`alarm_trip`)."""
    clock = clock or Clock()
    ecs = aws.ecs
    if failure != CRASH and trip is None:
        raise UsageError(f"--failure {failure} needs the deployment alarm it trips")
    service = _service(aws, cluster, name)
    original = service["taskDefinition"]
    found_desired = desired = int(service["desiredCount"])
    threshold = circuit_breaker_threshold(desired)
    deploy_config = service.get("deploymentConfiguration", {})
    breaker = deploy_config.get("deploymentCircuitBreaker", {})
    if aws.deploying(cluster, [name]):
        raise JitsiEcsError(
            f"service {name} is in the middle of a deployment",
            hint="Run the drill once it is steady.",
        )
    result.step(
        "baseline",
        True,
        f"{name} runs {original.rsplit('/', 1)[-1]} x{desired}; circuit breaker "
        f"enable={breaker.get('enable')} rollback={breaker.get('rollback')}; documented threshold "
        f"max(3, min(200, ceil({desired}/2))) = {threshold}",
    )

    if failure != CRASH and desired == 0:
        desired = 1
        _scale(aws, cluster, name, desired, watch, clock)
        threshold = circuit_breaker_threshold(desired)
        result.step(
            "scale up",
            True,
            f"{name} ran no task: started one for the drill (put back to 0 afterwards)",
        )

    task_def: Any = aws.task_definition(original)
    revision = broken_revision(task_def) if failure == CRASH else copied_revision(task_def, failure)
    with calling("register the broken revision"):
        broken = ecs.register_task_definition(**revision)["taskDefinition"]["taskDefinitionArn"]
    what = {
        CRASH: "every health check is `exit 1`",
        HTTP_500: "a copy that passes its health checks; its targets answer 500",
        WRONG_PASSWORD: f"a copy whose bridge logs in with a wrong {PASSWORD}",
    }[failure]
    result.step("register broken revision", True, f"{broken.rsplit('/', 1)[-1]}: {what}")
    interrupted = False
    restore_failed: str | None = None
    try:
        with calling(f"deploy the broken revision to service {name}"):
            ecs.update_service(cluster=cluster, service=name, taskDefinition=broken)
        started = clock.now()
        result.step("deploy broken revision", True, "update_service sent")
        _watch(aws, cluster, name, original, broken, threshold, watch, result, clock, started, trip)
    except KeyboardInterrupt:
        interrupted = True
        result.step("interrupted", False, "Ctrl-C during the drill")
    except Exception as exc:  # any failure is recorded, and the service is restored below
        detail = exc.message if isinstance(exc, JitsiEcsError) else f"{type(exc).__name__}: {exc}"
        result.step("error", False, detail)
    finally:
        restore_failed = _restore(
            aws, cluster, name, original, broken, result, trip, found_desired, desired
        )
    if interrupted:
        if restore_failed:
            raise Interrupted(
                f"drill interrupted; restoring {name} failed: {restore_failed}",
                hint=f"Put it back by hand: `aws ecs update-service --cluster {cluster} "
                f"--service {name} --task-definition {original}`.",
            )
        raise Interrupted(f"drill interrupted; {name} restored to {original.rsplit('/', 1)[-1]}")
    return result


def _watch(
    aws: AwsContext,
    cluster: str,
    name: str,
    original: str,
    broken: str,
    threshold: int,
    watch: Watch,
    result: DrillResult,
    clock: Clock,
    started: float,
    trip: AlarmTrip | None = None,
) -> None:
    timings: dict[str, float | None] = {
        "first_failed_task_s": None,
        "rollback_started_s": None,
        "steady_state_s": None,
    }
    if trip is not None:
        timings["alarm_s"] = None
    result.timings = timings
    failures, reason = 0, ""
    while True:
        if trip is not None and timings["rollback_started_s"] is None:
            _trip(aws, trip, result, timings, round(clock.now() - started, 2))
        service = _service(aws, cluster, name)
        now = round(clock.now() - started, 2)
        deployments = service.get("deployments", [])
        bad = next((d for d in deployments if d.get("taskDefinition") == broken), None)
        if bad is not None:
            failures = max(failures, int(bad.get("failedTasks", 0)))
            if bad.get("rolloutState") == "FAILED":
                reason = str(bad.get("rolloutStateReason", ""))
        if failures and timings["first_failed_task_s"] is None:
            timings["first_failed_task_s"] = now
            result.step("first failed task", True, f"after {now:.1f} s")
        back = [
            d
            for d in deployments
            if d.get("taskDefinition") == original and d.get("status") == "PRIMARY"
        ]
        if back and timings["rollback_started_s"] is None:
            timings["rollback_started_s"] = now
            result.step(
                "rollback started",
                True,
                reason or "ECS started a deployment of the original revision",
            )
            if trip is not None:
                trip.clear(aws)  # the rollback must not be judged by the drill's alarm
        steady = (
            len(deployments) == 1
            and back
            and back[0].get("rolloutState") == "COMPLETED"
            and service.get("runningCount") == service.get("desiredCount")
        )
        if steady:
            timings["steady_state_s"] = now
            via_alarm = "alarm" in reason.lower()
            counted_ok = via_alarm or failures >= threshold
            if trip is not None:
                result.step(
                    "rolled back by the alarm",
                    via_alarm,
                    f"{trip.alarm}: {reason or 'ECS gave no reason'}",
                )
                result.passed = via_alarm
                return
            result.step(
                "steady state",
                True,
                f"{name} back on {original.rsplit('/', 1)[-1]} after {now:.1f} s",
            )
            result.step(
                "failures vs threshold",
                counted_ok,
                f"{failures} failed task(s) counted; threshold {threshold}"
                + (" (rolled back by a deployment alarm)" if via_alarm else ""),
            )
            result.passed = counted_ok
            return
        if failures >= 2 * threshold and timings["rollback_started_s"] is None:
            result.step(
                "no rollback",
                False,
                f"{failures} tasks failed, twice the threshold {threshold}, and "
                "ECS did not roll back: is the circuit breaker (with rollback) on?",
            )
            return
        if now >= watch.timeout_s:
            result.step("timeout", False, f"no rollback within {watch.timeout_s:.0f} s")
            return
        clock.sleep(watch.poll_s)


def _trip(
    aws: AwsContext,
    trip: AlarmTrip,
    result: DrillResult,
    timings: dict[str, float | None],
    now: float,
) -> None:
    """Until ECS rolls back: play the failure's signal (where the drill stands in for it),
    and note when the alarm is in ALARM."""
    if trip.by_hand or trip.telemetry is not None:
        trip.trip(aws)
    if timings["alarm_s"] is not None:
        return
    state = aws.alarms([trip.alarm]).get(trip.alarm, {}).get("StateValue")
    if state == "ALARM":
        timings["alarm_s"] = now
        how = trip.reason if trip.by_hand else "CloudWatch evaluated the bridges' telemetry"
        result.step("alarm", True, f"{trip.alarm} in ALARM after {now:.1f} s: {how}")


def _scale(
    aws: AwsContext, cluster: str, name: str, count: int, watch: Watch, clock: Clock
) -> None:
    """Set the service's desired count and wait until that many tasks run."""
    with calling(f"set service {name}'s desired count to {count}"):
        aws.ecs.update_service(cluster=cluster, service=name, desiredCount=count)
    started = clock.now()
    while True:
        service = _service(aws, cluster, name)
        if int(service.get("runningCount", 0)) == count and not aws.deploying(cluster, [name]):
            return
        if clock.now() - started >= watch.timeout_s:
            raise JitsiEcsError(f"service {name} did not reach {count} running task(s)")
        clock.sleep(watch.poll_s)


def _restore(
    aws: AwsContext,
    cluster: str,
    name: str,
    original: str,
    broken: str,
    result: DrillResult,
    trip: AlarmTrip | None = None,
    found_desired: int | None = None,
    desired: int | None = None,
) -> str | None:
    """Put the alarm, the original revision and count back, then deregister the broken one
    whatever happened. Each is best effort: an AWS error is a failed step naming the call and
    the command that finishes the job by hand, never an exception. Returns what failed, or
    None."""
    ecs = aws.ecs
    failed: list[str] = []

    @contextmanager
    def best_effort(step: str, by_hand: str) -> Iterator[None]:
        """An AWS error inside is a failed step, with the command that finishes by hand."""
        try:
            yield
        except JitsiEcsError as exc:
            failed.append(exc.message)
            result.passed = False
            result.step(step, False, f"{exc.message}; {by_hand}")

    if trip is not None and (trip.tripped or trip.telemetry is not None):
        with best_effort(
            "clean up",
            f"set it back by hand: aws cloudwatch set-alarm-state --alarm-name {trip.alarm} "
            "--state-value OK --state-reason drill",
        ):
            trip.clear(aws)
    if found_desired is not None and desired is not None and found_desired != desired:
        with best_effort(
            "scale back",
            f"by hand: aws ecs update-service --cluster {cluster} --service {name} "
            f"--desired-count {found_desired}",
        ):
            with calling(f"put service {name}'s desired count back to {found_desired}"):
                ecs.update_service(cluster=cluster, service=name, desiredCount=found_desired)
            result.step("scale back", True, f"{name} desired count back to {found_desired}")
    try:
        with best_effort(
            "restore",
            f"restore it by hand: aws ecs update-service --cluster {cluster} --service {name} "
            f"--task-definition {original}",
        ):
            current = _service(aws, cluster, name)["taskDefinition"]
            if current != original:
                with calling(f"restore service {name} to {original.rsplit('/', 1)[-1]}"):
                    ecs.update_service(cluster=cluster, service=name, taskDefinition=original)
                result.step(
                    "restore",
                    True,
                    f"redeployed the original revision {original.rsplit('/', 1)[-1]}",
                )
            result.step(
                "final task definition",
                current == original,
                f"{name} ends on {current.rsplit('/', 1)[-1]} "
                f"(started on {original.rsplit('/', 1)[-1]})",
            )
            if current != original:
                result.passed = False
    finally:
        with best_effort(
            "clean up",
            f"deregister it by hand: aws ecs deregister-task-definition --task-definition {broken}",
        ):
            with calling(f"deregister the broken revision {broken.rsplit('/', 1)[-1]}"):
                ecs.deregister_task_definition(taskDefinition=broken)
            result.step("clean up", True, f"deregistered {broken.rsplit('/', 1)[-1]}")
    return "; ".join(failed) or None
