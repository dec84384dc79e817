"""CloudWatch alarms (DescribeAlarms) and their recent state changes (DescribeAlarmHistory)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.sources._common import pages, utc
from skafu_tui.models import Alarm, AlarmState, AlarmTransition

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("cloudwatch", "DescribeAlarms"), ("cloudwatch", "DescribeAlarmHistory")})

HISTORY_SPAN = timedelta(hours=3)
HISTORY_MAX_PAGES = 5


def _state(value: Any) -> AlarmState | None:
    try:
        return AlarmState(str(value))
    except ValueError:
        return None


def _alarm(raw: dict[str, Any], region: str) -> Alarm:
    return Alarm(
        name=raw.get("AlarmName", ""),
        state=_state(raw.get("StateValue")) or AlarmState.INSUFFICIENT_DATA,
        reason=raw.get("StateReason", ""),
        updated_at=utc(raw.get("StateUpdatedTimestamp")),
        namespace=raw.get("Namespace", ""),
        metric_name=raw.get("MetricName", ""),
        dimensions=tuple((d.get("Name", ""), d.get("Value", "")) for d in raw.get("Dimensions") or ()),
        actions_enabled=bool(raw.get("ActionsEnabled", True)),
        region=region,
    )


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[Alarm]:
    """Every metric and composite alarm in the region."""
    client = await pool.client("cloudwatch", region)
    out: list[Alarm] = []
    async for page in pages(client, "describe_alarms", AlarmTypes=["MetricAlarm", "CompositeAlarm"]):
        for raw in (page.get("MetricAlarms") or []) + (page.get("CompositeAlarms") or []):
            out.append(_alarm(raw, region))
    return out


def _transition(raw: dict[str, Any], region: str) -> AlarmTransition | None:
    at = utc(raw.get("Timestamp"))
    if at is None:
        return None
    old = new = None
    try:
        data = json.loads(raw.get("HistoryData") or "{}")
        old = _state((data.get("oldState") or {}).get("stateValue"))
        new = _state((data.get("newState") or {}).get("stateValue"))
    except (ValueError, AttributeError):
        pass  # a summary without structured data is still a transition worth showing
    return AlarmTransition(
        alarm_name=raw.get("AlarmName", ""),
        at=at,
        summary=raw.get("HistorySummary", ""),
        old_state=old,
        new_state=new,
        region=region,
    )


async def fetch_history(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[AlarmTransition]:
    """State changes of the last three hours, newest first."""
    client = await pool.client("cloudwatch", region)
    out: list[AlarmTransition] = []
    async for page in pages(
        client,
        "describe_alarm_history",
        max_pages=HISTORY_MAX_PAGES,
        HistoryItemType="StateUpdate",
        StartDate=now - HISTORY_SPAN,
        EndDate=now,
        ScanBy="TimestampDescending",
    ):
        for raw in page.get("AlarmHistoryItems") or ():
            item = _transition(raw, region)
            if item is not None:
                out.append(item)
    out.sort(key=lambda t: t.at, reverse=True)
    return out
