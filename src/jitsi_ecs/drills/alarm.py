"""`drill alarm`: prove each alarm reaches its SNS topic, and that budgets can publish.

A temporary SQS queue subscribes to every topic the alarms notify; each alarm is set to
ALARM, the drill waits for its notification on the queue and records the latency, then puts
the alarm back in its previous state. The queue and its subscriptions are removed whatever
happens. A budget cannot be triggered on demand, so its wiring is checked instead: the topic
policy lets AWS Budgets publish, and every notification has the topic as a subscriber.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from jitsi_ecs.aws import AwsContext, calling
from jitsi_ecs.drills import Clock, DrillResult
from jitsi_ecs.errors import JitsiEcsError
from jitsi_ecs.targets import Watch
from jitsi_ecs.verify.alerting import allows

REASON = "jitsi-ecs alarm drill: checking that this alarm reaches its SNS topic"


@dataclass(frozen=True)
class BudgetWiring:
    topic_arn: str
    budget_names: list[str]


def run(
    aws: AwsContext,
    alarm_names: list[str],
    budgets: BudgetWiring,
    watch: Watch,
    result: DrillResult,
    clock: Clock | None = None,
) -> DrillResult:
    clock = clock or Clock()
    found = aws.alarms(alarm_names)
    alarms: list[Any] = list(found.values())
    missing = sorted(set(alarm_names) - set(found))
    for name in missing:
        result.step(f"alarm {name}", False, "alarm not found")
    topics = sorted({arn for a in alarms for arn in a.get("AlarmActions", []) if ":sns:" in arn})
    queue = _TempQueue(aws, topics)
    delivered: dict[str, float | None] = {}
    try:
        queue.create()
        result.step("temporary queue", True, f"{queue.name} subscribed to {len(topics)} topic(s)")
        for alarm in alarms:
            delivered[alarm["AlarmName"]] = _trigger(aws, alarm, queue, watch, result, clock)
    finally:
        queue.delete()
        result.step(
            "clean up",
            queue.deleted,
            f"removed {queue.name} and its subscriptions"
            if queue.deleted
            else f"left behind, remove by hand: {'; '.join(queue.left)}",
        )
    budgets_ok = _budget_wiring(aws, budgets, result)
    result.timings = {f"{name}_s": latency for name, latency in delivered.items()}
    result.passed = (
        not missing
        and queue.deleted
        and budgets_ok
        and all(v is not None for v in delivered.values())
    )
    return result


def _trigger(
    aws: AwsContext,
    alarm: dict[str, Any],
    queue: _TempQueue,
    watch: Watch,
    result: DrillResult,
    clock: Clock,
) -> float | None:
    cloudwatch, name = aws.cloudwatch, alarm["AlarmName"]
    actions = [a for a in alarm.get("AlarmActions", []) if ":sns:" in a]
    if not actions:
        result.step(f"alarm {name}", False, "no SNS action: nobody would be told")
        return None
    previous = alarm.get("StateValue", "OK")
    if previous == "ALARM":  # a notification needs a state change
        with calling(f"set alarm {name} to OK"):
            cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason=REASON)
        queue.drain()
    start = clock.now()
    with calling(f"set alarm {name} to ALARM"):
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason=REASON)
    latency = None
    try:
        while clock.now() - start < watch.timeout_s:
            if any(
                m.get("AlarmName") == name and m.get("NewStateValue") == "ALARM"
                for m in queue.receive()
            ):
                latency = round(clock.now() - start, 2)
                break
            clock.sleep(watch.poll_s)
    finally:
        with calling(f"reset alarm {name} to {previous}"):
            cloudwatch.set_alarm_state(
                AlarmName=name, StateValue=previous, StateReason=f"{REASON} (reset)"
            )
    ok = latency is not None
    detail = (
        f"notification on {actions[0].rsplit(':', 1)[-1]} after {latency:.2f} s"
        if ok
        else (f"no notification within {watch.timeout_s:.0f} s")
    )
    result.step(f"alarm {name}", ok, detail + f"; reset to {previous}")
    return latency


def _budget_wiring(aws: AwsContext, budgets: BudgetWiring, result: DrillResult) -> bool:
    try:
        with calling(f"read topic {budgets.topic_arn}"):
            attributes = aws.sns.get_topic_attributes(TopicArn=budgets.topic_arn)["Attributes"]
    except JitsiEcsError as exc:
        result.step("budget topic", False, exc.message)
        return False
    policy = attributes.get("Policy", "")
    ok = allows(policy, "budgets.amazonaws.com")
    result.step(
        "budget topic policy",
        ok,
        "AWS Budgets may publish" if ok else "budgets.amazonaws.com may not publish",
    )
    for name in budgets.budget_names:
        try:
            notes = aws.budget_notifications(name)
        except JitsiEcsError as exc:
            ok = False
            result.step(f"budget {name}", False, exc.message)
            continue
        wired = [any(s["Address"] == budgets.topic_arn for s in subs) for _, subs in notes]
        good = len(notes) >= 2 and all(wired)
        ok = ok and good
        result.step(
            f"budget {name}", good, f"{sum(wired)}/{len(notes)} notifications publish to the topic"
        )
    return ok


class _TempQueue:
    def __init__(self, aws: AwsContext, topics: list[str]) -> None:
        self.aws, self.topics = aws, topics
        self.name = f"jitsi-ecs-drill-{uuid.uuid4().hex[:12]}"
        self.url: str | None = None
        self.subscriptions: list[str] = []
        self.deleted = False
        self.left: list[str] = []  # what delete() could not remove, and why

    def create(self) -> None:
        sqs, sns = self.aws.sqs, self.aws.sns
        with calling(f"create the temporary queue {self.name}"):
            self.url = sqs.create_queue(QueueName=self.name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": self.topics}},
                }
            ],
        }
        with calling(f"let the alarm topics send to the temporary queue {self.name}"):
            sqs.set_queue_attributes(QueueUrl=self.url, Attributes={"Policy": json.dumps(policy)})
        for topic in self.topics:
            with calling(f"subscribe the temporary queue {self.name} to topic {topic}"):
                sub = sns.subscribe(
                    TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True
                )
            self.subscriptions.append(sub["SubscriptionArn"])

    def receive(self) -> list[dict[str, Any]]:
        sqs = self.aws.sqs
        assert self.url is not None, "create() first"
        found = []
        with calling(f"read the temporary queue {self.name}"):
            messages = sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=1
            )
            for message in messages.get("Messages", []):
                sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
                try:
                    found.append(json.loads(json.loads(message["Body"])["Message"]))
                except (KeyError, ValueError):
                    continue
        return found

    def drain(self) -> None:
        while self.receive():
            pass

    def delete(self) -> None:
        """Remove the subscriptions and the queue, each best effort: what AWS refuses is kept
        in `left` (the clean up step reports it) instead of hiding the drill's own outcome."""
        sns, sqs = self.aws.sns, self.aws.sqs
        self.left = []
        for sub in self.subscriptions:
            try:
                with calling(f"unsubscribe {sub}"):
                    sns.unsubscribe(SubscriptionArn=sub)
            except JitsiEcsError as exc:
                self.left.append(exc.message)
        if self.url:
            try:
                with calling(f"delete the temporary queue {self.name}"):
                    sqs.delete_queue(QueueUrl=self.url)
            except JitsiEcsError as exc:
                self.left.append(exc.message)
        self.deleted = not self.left
