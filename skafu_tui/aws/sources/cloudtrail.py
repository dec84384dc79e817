"""CloudTrail: trail status (logging, log-file validation) and the events operators care about:
write events of the last three hours (the change feed) and console sign-ins of the last day.

LookupEvents allows two requests a second per account and region: every page waits on a shared
rate limiter, and the page count is capped.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.sources._common import gather, utc
from skafu_tui.models import ResourceRef, TrailEvent, TrailStatus

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset(
    {("cloudtrail", "DescribeTrails"), ("cloudtrail", "GetTrailStatus"), ("cloudtrail", "LookupEvents")}
)

LOOKUP_RATE = 2.0
"""Requests per second per account and region (AWS's limit)."""
WRITE_SPAN = timedelta(hours=3)
LOGIN_SPAN = timedelta(hours=24)
MAX_PAGES = 10
"""500 events per lookup: the newest are the ones a change feed shows."""


async def fetch_trails(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[TrailStatus]:
    """Trails whose home is this region, each with its logging status."""
    client = await pool.client("cloudtrail", region)
    answer = await client.describe_trails(includeShadowTrails=False)
    trails = answer.get("trailList") or []

    async def status(trail: dict[str, Any]) -> TrailStatus:
        state = await client.get_trail_status(Name=trail.get("TrailARN") or trail.get("Name"))
        return TrailStatus(
            name=trail.get("Name", ""),
            arn=trail.get("TrailARN", ""),
            is_logging=bool(state.get("IsLogging", False)),
            log_file_validation=bool(trail.get("LogFileValidationEnabled", False)),
            multi_region=bool(trail.get("IsMultiRegionTrail", False)),
            home_region=trail.get("HomeRegion") or region,
            latest_delivery_at=utc(state.get("LatestDeliveryTime")),
            latest_delivery_error=state.get("LatestDeliveryError", ""),
        )

    return await gather(status(t) for t in trails)


def to_event(raw: dict[str, Any], region: str) -> TrailEvent | None:
    """The event, or None when it has no time at all (nothing to place it on a feed)."""
    text = raw.get("CloudTrailEvent") or "{}"
    try:
        detail = json.loads(text)
    except ValueError:
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    at = utc(raw.get("EventTime")) or utc(detail.get("eventTime"))
    if at is None:
        return None
    elements = detail.get("responseElements")
    outcome = elements.get("ConsoleLogin", "") if isinstance(elements, dict) else ""
    return TrailEvent(
        id=raw.get("EventId", ""),
        name=raw.get("EventName", ""),
        source=raw.get("EventSource", ""),
        at=at,
        username=raw.get("Username", ""),
        source_ip=detail.get("sourceIPAddress", ""),
        resources=tuple(
            ResourceRef(resource_type=r.get("ResourceType", ""), resource_id=r.get("ResourceName", ""))
            for r in raw.get("Resources") or ()
        ),
        read_only=str(raw.get("ReadOnly", "false")).lower() == "true",
        error_code=detail.get("errorCode", ""),
        error_message=detail.get("errorMessage", ""),
        outcome=outcome or "",
        region=detail.get("awsRegion") or region,
        raw=text,
    )


async def _lookup(
    pool: ClientPool, client: Any, region: str, attribute: tuple[str, str], start: datetime, end: datetime
) -> list[dict[str, Any]]:
    limiter = pool.limiter("cloudtrail:LookupEvents", region, LOOKUP_RATE, burst=LOOKUP_RATE)
    params: dict[str, Any] = {
        "LookupAttributes": [{"AttributeKey": attribute[0], "AttributeValue": attribute[1]}],
        "StartTime": start,
        "EndTime": end,
        "MaxResults": 50,
    }
    out: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        await limiter.acquire()
        page = await client.lookup_events(**params)
        out.extend(page.get("Events") or ())
        token = page.get("NextToken")
        if not token:
            break
        params["NextToken"] = token
    return out


async def fetch_events(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[TrailEvent]:
    """Write events of the last 3 h and ConsoleLogin events of the last 24 h, newest first."""
    client = await pool.client("cloudtrail", region)
    writes, logins = await gather(
        [
            _lookup(pool, client, region, ("ReadOnly", "false"), now - WRITE_SPAN, now),
            _lookup(pool, client, region, ("EventName", "ConsoleLogin"), now - LOGIN_SPAN, now),
        ]
    )
    seen: dict[str, TrailEvent] = {}
    for raw in [*writes, *logins]:
        event = to_event(raw, region)
        if event is not None:
            seen.setdefault(event.id, event)
    return sorted(seen.values(), key=lambda e: e.at, reverse=True)
