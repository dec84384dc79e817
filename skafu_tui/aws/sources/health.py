"""AWS Health: open and upcoming events, and those closed in the last day, with their
description and affected entities. The API needs a Business support plan or above; without one it
answers SubscriptionRequiredException, which becomes the ``not-subscribed`` state. Such accounts
can route ``aws.health`` events to a CloudWatch Logs group with an EventBridge rule: with
``health.log_group`` configured, events are read from there instead."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.sources._common import gather, pages, utc
from skafu_tui.models import HealthEvent

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset(
    {
        ("health", "DescribeEvents"),
        ("health", "DescribeEventDetails"),
        ("health", "DescribeAffectedEntities"),
        ("logs", "FilterLogEvents"),
    }
)
LOG_LOOKBACK = timedelta(days=7)
"""How far back the log group is searched: open events are re-sent on every update."""

RECENT = timedelta(hours=24)
MAX_EVENTS = 50
BATCH = 10
"""DescribeEventDetails and DescribeAffectedEntities take at most 10 event ARNs."""
MAX_ENTITIES = 50


async def _events(client: Any, event_filter: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    async for page in pages(client, "describe_events", max_pages=5, filter=event_filter):
        out.extend(page.get("events") or ())
    return out


async def _details(client: Any, arns: list[str]) -> dict[str, str]:
    answer = await client.describe_event_details(eventArns=arns)
    return {
        (item.get("event") or {}).get("arn", ""): (item.get("eventDescription") or {}).get(
            "latestDescription", ""
        )
        for item in answer.get("successfulSet") or ()
    }


async def _entities(client: Any, arns: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {arn: [] for arn in arns}
    async for page in pages(client, "describe_affected_entities", max_pages=2, filter={"eventArns": arns}):
        for entity in page.get("entities") or ():
            bucket = out.setdefault(entity.get("eventArn", ""), [])
            if len(bucket) < MAX_ENTITIES:
                bucket.append(str(entity.get("entityValue", "")))
    return out


def _from_eventbridge(message: str) -> HealthEvent | None:
    """One EventBridge ``AWS Health Event`` as a CloudWatch Logs message; None if it is not one."""
    try:
        doc = json.loads(message)
    except ValueError:
        return None
    detail = doc.get("detail") if isinstance(doc, dict) else None
    if not isinstance(detail, dict) or not detail.get("eventArn"):
        return None
    descriptions = detail.get("eventDescription") or []
    text = next((str(d.get("latestDescription", "")) for d in descriptions if isinstance(d, dict)), "")
    entities = [str(e.get("entityValue", "")) for e in detail.get("affectedEntities") or () if isinstance(e, dict)]
    return HealthEvent(
        arn=detail["eventArn"],
        service=detail.get("service", ""),
        event_type=detail.get("eventTypeCode", ""),
        category=detail.get("eventTypeCategory", ""),
        region=doc.get("region", ""),
        status=detail.get("statusCode", ""),
        start=_when(detail.get("startTime")),
        end=_when(detail.get("endTime")),
        last_updated=_when(detail.get("lastUpdatedTime")) or _when(doc.get("time")),
        description=text,
        entities=tuple(entities[:MAX_ENTITIES]),
    )


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value) if isinstance(value, str) and "," in value else None
        return utc(parsed or value)
    except (TypeError, ValueError):
        return None


async def _from_log_group(pool: ClientPool, group: str, region: str, now: datetime) -> list[HealthEvent]:
    logs = await pool.client("logs", region)
    start_ms = int((now - LOG_LOOKBACK).timestamp() * 1000)
    latest: dict[str, HealthEvent] = {}
    async for page in pages(logs, "filter_log_events", max_pages=10, logGroupName=group, startTime=start_ms):
        for item in page.get("events") or ():
            event = _from_eventbridge(str(item.get("message", "")))
            if event is None:
                continue
            held = latest.get(event.arn)
            # Every update of an event is re-sent: keep the newest for each ARN.
            if held is None or (event.last_updated or now) >= (held.last_updated or now):
                latest[event.arn] = event
    recent = [e for e in latest.values() if e.status != "closed" or (e.last_updated or now) >= now - RECENT]
    return sorted(recent, key=lambda e: e.last_updated or now, reverse=True)[:MAX_EVENTS]


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[HealthEvent]:
    if cfg.health.log_group:
        return await _from_log_group(pool, cfg.health.log_group, region, now)
    client = await pool.client("health", region)
    open_now, closed = await gather(
        [
            _events(client, {"eventStatusCodes": ["open", "upcoming"]}),
            _events(client, {"eventStatusCodes": ["closed"], "lastUpdatedTimes": [{"from": now - RECENT}]}),
        ]
    )
    raw_events: dict[str, dict[str, Any]] = {}
    for raw in [*open_now, *closed]:
        if raw.get("arn"):
            raw_events.setdefault(raw["arn"], raw)
    chosen = sorted(raw_events.values(), key=lambda e: utc(e.get("lastUpdatedTime")) or now, reverse=True)
    chosen = chosen[:MAX_EVENTS]
    batches = [[e["arn"] for e in chosen[i : i + BATCH]] for i in range(0, len(chosen), BATCH)]
    details: dict[str, str] = {}
    entities: dict[str, list[str]] = {}
    for d in await gather(_details(client, b) for b in batches):
        details.update(d)
    for e in await gather(_entities(client, b) for b in batches):
        entities.update(e)
    return [
        HealthEvent(
            arn=raw["arn"],
            service=raw.get("service", ""),
            event_type=raw.get("eventTypeCode", ""),
            category=raw.get("eventTypeCategory", ""),
            region=raw.get("region", ""),
            status=raw.get("statusCode", ""),
            start=utc(raw.get("startTime")),
            end=utc(raw.get("endTime")),
            last_updated=utc(raw.get("lastUpdatedTime")),
            description=details.get(raw["arn"], ""),
            entities=tuple(entities.get(raw["arn"], ())),
        )
        for raw in chosen
    ]
