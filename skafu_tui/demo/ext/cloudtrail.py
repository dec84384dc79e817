"""CloudTrail LookupEvents over seeded management events (AWS has no write call for events)."""

from __future__ import annotations

import json
from typing import Any

from skafu_tui.demo.ext.base import (
    DEFAULT_REGION,
    LOCK,
    AwsError,
    Call,
    PerAccount,
    SeedError,
    json_operation,
    seed_kind,
)
from skafu_tui.demo.ext.paging import limit, page, within
from skafu_tui.demo.ext.shapes import check, parse_input, shape

SERVICE = "cloudtrail"
_EVENTS: PerAccount[dict[str, dict[str, dict[str, Any]]]] = PerAccount(dict)
"""account -> region -> event id -> Event (SDK form, EventTime in epoch seconds)."""

_RESOURCE_KEYS = ("ResourceType", "ResourceName")
"""Lookup keys matched against any of the event's resources; the others are Event members."""


def _matches(event: dict[str, Any], key: str, value: str) -> bool:
    if key in _RESOURCE_KEYS:
        return any(r.get(key) == value for r in event.get("Resources", []))
    return bool(event.get(key) == value)


@json_operation(SERVICE, "LookupEvents")
def lookup_events(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "LookupEvents", call)
    attributes = req.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise AwsError(
            "InvalidLookupAttributesException", "You can only specify one lookup attribute per request."
        )
    start, end = req.get("StartTime"), req.get("EndTime")
    if start is not None and end is not None and start > end:
        raise AwsError("InvalidTimeRangeException", "Start time must be earlier than end time.")
    size = limit(
        req.get("MaxResults"),
        default=50,
        low=1,
        high=50,
        code="InvalidMaxResultsException",
        name="MaxResults",
    )
    if req.get("EventCategory") == "insight":
        return {"Events": []}  # no Insights events are recorded here
    with LOCK:
        events = list(_EVENTS.get(call.account).get(call.region, {}).values())
    chosen = [
        e
        for e in events
        if within(e["EventTime"], start, end)
        and all(_matches(e, a["AttributeKey"], a["AttributeValue"]) for a in attributes)
    ]
    chunk, token = page(
        chosen,
        lambda e: (e["EventTime"], e["EventId"]),
        size,
        req.get("NextToken"),
        descending=True,
        bad_token=lambda m: AwsError("InvalidNextTokenException", m),
    )
    return {"Events": chunk, **({"NextToken": token} if token else {})}


@seed_kind("cloudtrail-events")
def seed_events(account: str, items: list[dict[str, Any]]) -> int:
    """CloudTrail ``Event`` objects; ``CloudTrailEvent`` is the record as a JSON string.

    Optional ``region`` (default: the record's ``awsRegion``, else the default region) selects the
    region whose LookupEvents returns the event.
    """
    event_shape = shape(SERVICE, "Event")
    prepared: list[tuple[str, dict[str, Any]]] = []
    for i, item in enumerate(items):
        where = f"[{i}]"
        item = dict(item)
        region = item.pop("region", None)
        event = check(event_shape, item, where)
        for required in ("EventId", "EventName", "EventTime", "EventSource", "CloudTrailEvent"):
            if required not in event:
                raise SeedError(f"{where}.{required}: missing")
        try:
            record = json.loads(event["CloudTrailEvent"])
        except ValueError:
            raise SeedError(f"{where}.CloudTrailEvent: expected a JSON string of the event record") from None
        if not isinstance(record, dict):
            raise SeedError(f"{where}.CloudTrailEvent: expected a JSON object")
        if event.get("ReadOnly") not in (None, "true", "false"):
            raise SeedError(f'{where}.ReadOnly: expected "true" or "false"')
        region = region or record.get("awsRegion") or DEFAULT_REGION
        if not isinstance(region, str):
            raise SeedError(f"{where}.region: expected string")
        prepared.append((region, event))
    with LOCK:
        store = _EVENTS.get(account)
        for region, event in prepared:
            store.setdefault(region, {})[event["EventId"]] = event
    return len(prepared)
