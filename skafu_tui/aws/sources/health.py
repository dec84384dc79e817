"""AWS Health: open and upcoming events, and those closed in the last day, with their
description and affected entities. Needs a Business support plan or above; without one the
API answers SubscriptionRequiredException, which becomes the ``not-subscribed`` state."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.sources._common import gather, pages, utc
from skafu_tui.models import HealthEvent

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset(
    {("health", "DescribeEvents"), ("health", "DescribeEventDetails"), ("health", "DescribeAffectedEntities")}
)

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


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[HealthEvent]:
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
