"""Alarm state changes publish to the alarm's SNS actions, as CloudWatch does.

moto changes the state on SetAlarmState but notifies nobody, so an alarm could never be
shown to reach the people on call. The message follows CloudWatch's SNS notification JSON.
"""

from __future__ import annotations

import json
import time
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend
from moto.sns.models import sns_backends

_ACTIONS = {
    "ALARM": "alarm_actions",
    "OK": "ok_actions",
    "INSUFFICIENT_DATA": "insufficient_data_actions",
}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime())


def notification(alarm: Any, old_state: str, account_id: str, region: str) -> dict[str, Any]:
    return {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": account_id,
        "AlarmConfigurationUpdatedTimestamp": _now(),
        "NewStateValue": alarm.state_value,
        "NewStateReason": alarm.state_reason,
        "StateChangeTime": _now(),
        "Region": region,
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old_state,
        "Trigger": {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "Threshold": alarm.threshold,
            "ComparisonOperator": alarm.comparison_operator,
        },
    }


def install() -> None:
    original = CloudWatchBackend.set_alarm_state

    def set_alarm_state(
        self: CloudWatchBackend, alarm_name: str, reason: str, reason_data: str, state_value: str
    ) -> None:
        alarm = self.alarms.get(alarm_name)
        old_state = alarm.state_value if alarm else "INSUFFICIENT_DATA"
        original(self, alarm_name, reason, reason_data, state_value)
        alarm = self.alarms[alarm_name]
        if old_state == state_value:
            return  # CloudWatch notifies on state changes only
        body = json.dumps(notification(alarm, old_state, self.account_id, self.region_name))
        subject = f'{state_value}: "{alarm_name}" in {self.region_name}'
        for arn in getattr(alarm, _ACTIONS[state_value], []) or []:
            if ":sns:" not in arn:
                continue
            region = arn.split(":")[3]
            sns = sns_backends[self.account_id][region]
            if arn in sns.topics:
                sns.topics[arn].publish(body, subject=subject[:100])

    CloudWatchBackend.set_alarm_state = set_alarm_state  # type: ignore[method-assign]
