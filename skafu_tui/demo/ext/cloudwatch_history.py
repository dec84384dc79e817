"""CloudWatch alarm history: recorded from moto's alarm writes, seeded, and queried.

Items are kept on the moto backend object itself (``backend._skafu_alarm_history``), so moto's
reset, which re-initialises every backend, clears them together with the alarms.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .base import SeedError

HISTORY_ITEM_TYPES = (
    "ConfigurationUpdate", "StateUpdate", "Action", "AlarmContributorStateUpdate", "AlarmContributorAction",
)
ALARM_TYPES = ("CompositeAlarm", "MetricAlarm", "LogAlarm")
_SEED_FIELDS = {
    "AlarmName", "AlarmContributorId", "AlarmType", "Timestamp", "HistoryItemType", "HistorySummary",
    "HistoryData", "AlarmContributorAttributes", "account", "region",
}
MAX_RECORDS = 100


@dataclass(frozen=True)
class HistoryItem:
    alarm_name: str
    alarm_type: str
    timestamp: datetime
    """Naive UTC, like moto's own timestamps."""
    history_item_type: str
    history_summary: str
    history_data: str
    contributor_id: str | None = None
    contributor_attributes: dict[str, str] = field(default_factory=dict)

    def to_aws(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "AlarmName": self.alarm_name,
            "AlarmType": self.alarm_type,
            "Timestamp": self.timestamp,
            "HistoryItemType": self.history_item_type,
            "HistorySummary": self.history_summary,
            "HistoryData": self.history_data,
        }
        if self.contributor_id is not None:
            doc["AlarmContributorId"] = self.contributor_id
        if self.contributor_attributes:
            doc["AlarmContributorAttributes"] = dict(self.contributor_attributes)
        return doc


def items_of(backend: Any) -> list[HistoryItem]:
    items: list[HistoryItem] | None = getattr(backend, "_skafu_alarm_history", None)
    if items is None:
        items = []
        backend._skafu_alarm_history = items
    return items


def _alarm_type(alarm: Any) -> str:
    return "CompositeAlarm" if getattr(alarm, "rule", None) else "MetricAlarm"


def _alarm_config(alarm: Any) -> dict[str, Any]:
    doc = {
        "alarmName": alarm.name,
        "alarmArn": alarm.alarm_arn,
        "namespace": alarm.namespace,
        "metricName": alarm.metric_name,
        "dimensions": [{"name": d.name, "value": d.value} for d in alarm.dimensions],
        "statistic": alarm.statistic,
        "extendedStatistic": alarm.extended_statistic,
        "period": alarm.period,
        "evaluationPeriods": alarm.evaluation_periods,
        "threshold": alarm.threshold,
        "comparisonOperator": alarm.comparison_operator,
        "alarmRule": alarm.rule,
    }
    return {k: v for k, v in doc.items() if v is not None}


def record_configuration(backend: Any, alarm: Any, created: bool) -> None:
    verb = "created" if created else "updated"
    key = "createdAlarm" if created else "updatedAlarm"
    data = {"version": "1.0", "type": "Create" if created else "Update", key: _alarm_config(alarm)}
    items_of(backend).append(HistoryItem(
        alarm_name=alarm.name,
        alarm_type=_alarm_type(alarm),
        timestamp=alarm.configuration_updated_timestamp,
        history_item_type="ConfigurationUpdate",
        history_summary=f'Alarm "{alarm.name}" {verb}',
        history_data=json.dumps(data),
    ))


def record_state_change(backend: Any, alarm: Any, old_value: str, old_reason: str) -> None:
    try:
        reason_data = json.loads(alarm.state_reason_data) if alarm.state_reason_data else None
    except ValueError:
        reason_data = None
    new_state: dict[str, Any] = {"stateValue": alarm.state_value, "stateReason": alarm.state_reason}
    if reason_data:
        new_state["stateReasonData"] = reason_data
    data = {
        "version": "1.0",
        "oldState": {"stateValue": old_value, "stateReason": old_reason},
        "newState": new_state,
    }
    items_of(backend).append(HistoryItem(
        alarm_name=alarm.name,
        alarm_type=_alarm_type(alarm),
        timestamp=alarm.state_updated_timestamp,
        history_item_type="StateUpdate",
        history_summary=f"Alarm updated from {old_value} to {alarm.state_value}",
        history_data=json.dumps(data),
    ))


def parse_iso8601(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _opt_str(item: dict[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise SeedError(f"{where}.{key}: expected string")
    return value


def validate_seed(items: Any) -> list[HistoryItem]:
    """Turn a seed body into history items, naming the first bad field (``[2].Timestamp: ...``)."""
    if not isinstance(items, list):
        raise SeedError("body: expected a JSON list of AlarmHistoryItem objects")
    out: list[HistoryItem] = []
    for i, item in enumerate(items):
        where = f"[{i}]"
        if not isinstance(item, dict):
            raise SeedError(f"{where}: expected an object")
        for key in item:
            if key not in _SEED_FIELDS:
                raise SeedError(f"{where}.{key}: unknown field")
        for key in ("AlarmName", "Timestamp", "HistoryItemType", "HistorySummary"):
            if key not in item:
                raise SeedError(f"{where}.{key}: missing")
        name = _opt_str(item, "AlarmName", where)
        if not name:
            raise SeedError(f"{where}.AlarmName: expected non-empty string")
        raw_ts = item["Timestamp"]
        timestamp = parse_iso8601(raw_ts) if isinstance(raw_ts, str) else None
        if timestamp is None:
            raise SeedError(f"{where}.Timestamp: expected ISO 8601 string")
        kind = item["HistoryItemType"]
        if kind not in HISTORY_ITEM_TYPES:
            raise SeedError(f"{where}.HistoryItemType: expected one of {', '.join(HISTORY_ITEM_TYPES)}")
        alarm_type = item.get("AlarmType", "MetricAlarm")
        if alarm_type not in ALARM_TYPES:
            raise SeedError(f"{where}.AlarmType: expected one of {', '.join(ALARM_TYPES)}")
        summary = _opt_str(item, "HistorySummary", where) or ""
        data = _opt_str(item, "HistoryData", where) or ""
        if data:
            try:
                json.loads(data)
            except ValueError:
                raise SeedError(f"{where}.HistoryData: expected a JSON document as a string") from None
        attributes = item.get("AlarmContributorAttributes") or {}
        if not isinstance(attributes, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in attributes.items()
        ):
            raise SeedError(f"{where}.AlarmContributorAttributes: expected an object of strings")
        for key in ("account", "region"):
            _opt_str(item, key, where)
        out.append(HistoryItem(
            alarm_name=name,
            alarm_type=alarm_type,
            timestamp=timestamp,
            history_item_type=kind,
            history_summary=summary,
            history_data=data,
            contributor_id=_opt_str(item, "AlarmContributorId", where),
            contributor_attributes=dict(attributes),
        ))
    return out


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def decode_token(token: str) -> int | None:
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["o"]
    except (ValueError, KeyError, TypeError):
        return None
    return offset if isinstance(offset, int) and offset >= 0 else None


def query(
    items: list[HistoryItem],
    alarm_name: str | None,
    alarm_types: list[str] | None,
    item_type: str | None,
    start: datetime | None,
    end: datetime | None,
    scan_by: str,
    contributor_id: str | None = None,
) -> list[HistoryItem]:
    # Without AlarmTypes, CloudWatch returns metric alarms only.
    types = set(alarm_types) if alarm_types else {"MetricAlarm"}
    selected = [
        it for it in items
        if (alarm_name is None or it.alarm_name == alarm_name)
        and it.alarm_type in types
        and (item_type is None or it.history_item_type == item_type)
        and (contributor_id is None or it.contributor_id == contributor_id)
        and (start is None or it.timestamp >= start)
        and (end is None or it.timestamp <= end)
    ]
    selected.sort(key=lambda it: it.timestamp, reverse=scan_by != "TimestampAscending")
    return selected
