"""AWS Health: a backend of its own (moto has none) with DescribeEvents, details and entities.

Seed ``health-events``: a Health ``Event`` plus ``description`` (the event's latest
description, a string or the ``EventDescription`` object) and optionally ``entities``
(``AffectedEntity`` objects; ``eventArn`` is filled in).
"""

from __future__ import annotations

from typing import Any

from skafu_tui.demo.ext.base import LOCK, AwsError, Call, PerAccount, SeedError, json_operation, seed_kind
from skafu_tui.demo.ext.paging import limit, page, within
from skafu_tui.demo.ext.shapes import check, parse_input, shape

SERVICE = "health"
_EVENTS: PerAccount[dict[str, dict[str, Any]]] = PerAccount(dict)
"""account -> event arn -> {"event": Event, "description": str, "entities": [AffectedEntity]}."""

_LISTED = {
    "eventArns": "arn",
    "eventTypeCodes": "eventTypeCode",
    "services": "service",
    "regions": "region",
    "availabilityZones": "availabilityZone",
    "eventTypeCategories": "eventTypeCategory",
    "eventStatusCodes": "statusCode",
    "actionabilities": "actionability",
}
_RANGES = {"startTimes": "startTime", "endTimes": "endTime", "lastUpdatedTimes": "lastUpdatedTime"}


def _bad_token(message: str) -> AwsError:
    return AwsError("InvalidPaginationToken", message)


def _size(req: dict[str, Any]) -> int:
    return limit(
        req.get("maxResults"), default=100, low=10, high=100, code="ValidationException", name="maxResults"
    )


def _in_ranges(value: float | None, ranges: list[dict[str, Any]]) -> bool:
    return any(within(value, r.get("from"), r.get("to")) for r in ranges)


def _tagged(entities: list[dict[str, Any]], tags: list[dict[str, str]]) -> bool:
    return any(all(e.get("tags", {}).get(k) == v for k, v in t.items()) for t in tags for e in entities)


def _wanted(record: dict[str, Any], flt: dict[str, Any]) -> bool:
    event, entities = record["event"], record["entities"]
    if any(key in flt and event.get(field) not in flt[key] for key, field in _LISTED.items()):
        return False
    if "personas" in flt and not set(event.get("personas", [])) & set(flt["personas"]):
        return False
    if any(key in flt and not _in_ranges(event.get(field), flt[key]) for key, field in _RANGES.items()):
        return False
    if "entityArns" in flt and not any(e.get("entityArn") in flt["entityArns"] for e in entities):
        return False
    if "entityValues" in flt and not any(e.get("entityValue") in flt["entityValues"] for e in entities):
        return False
    return "tags" not in flt or _tagged(entities, flt["tags"])


def _records(call: Call) -> dict[str, dict[str, Any]]:
    with LOCK:
        return dict(_EVENTS.get(call.account))


@json_operation(SERVICE, "DescribeEvents")
def describe_events(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "DescribeEvents", call)
    flt = req.get("filter") or {}
    chosen = [r["event"] for r in _records(call).values() if _wanted(r, flt)]
    chunk, token = page(
        chosen,
        lambda e: (e.get("lastUpdatedTime", e.get("startTime", 0.0)), e["arn"]),
        _size(req),
        req.get("nextToken"),
        descending=True,
        bad_token=_bad_token,
    )
    return {"events": chunk, **({"nextToken": token} if token else {})}


@json_operation(SERVICE, "DescribeEventDetails")
def describe_event_details(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "DescribeEventDetails", call)
    arns = req["eventArns"]
    if not 1 <= len(arns) <= 10:
        raise AwsError("ValidationException", "eventArns must contain 1 to 10 ARNs")
    records = _records(call)
    successful, failed = [], []
    for arn in arns:
        record = records.get(arn)
        if record is None:
            failed.append(
                {"eventArn": arn, "errorName": "NotFoundException", "errorMessage": "Event not found"}
            )
            continue
        detail: dict[str, Any] = {
            "event": record["event"],
            "eventDescription": {"latestDescription": record["description"]},
        }
        successful.append(detail)
    return {"successfulSet": successful, "failedSet": failed}


@json_operation(SERVICE, "DescribeAffectedEntities")
def describe_affected_entities(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "DescribeAffectedEntities", call)
    flt = req["filter"]
    records = _records(call)
    chosen = [
        e
        for arn in flt["eventArns"]
        for e in records.get(arn, {}).get("entities", [])
        if ("entityArns" not in flt or e.get("entityArn") in flt["entityArns"])
        and ("entityValues" not in flt or e.get("entityValue") in flt["entityValues"])
        and ("statusCodes" not in flt or e.get("statusCode") in flt["statusCodes"])
        and ("lastUpdatedTimes" not in flt or _in_ranges(e.get("lastUpdatedTime"), flt["lastUpdatedTimes"]))
        and ("tags" not in flt or _tagged([e], flt["tags"]))
    ]
    chunk, token = page(
        chosen,
        lambda e: (e["eventArn"], e.get("entityArn", ""), e.get("entityValue", "")),
        _size(req),
        req.get("nextToken"),
        bad_token=_bad_token,
    )
    return {"entities": chunk, **({"nextToken": token} if token else {})}


@seed_kind("health-events")
def seed_health_events(account: str, items: list[dict[str, Any]]) -> int:
    event_shape, entity_shape = shape(SERVICE, "Event"), shape(SERVICE, "AffectedEntity")
    records = []
    for i, item in enumerate(items):
        where = f"[{i}]"
        item = dict(item)
        description = item.pop("description", None)
        raw_entities = item.pop("entities", [])
        event = check(event_shape, item, where)
        for required in (
            "arn",
            "service",
            "eventTypeCode",
            "eventTypeCategory",
            "region",
            "startTime",
            "statusCode",
        ):
            if required not in event:
                raise SeedError(f"{where}.{required}: missing")
        event.setdefault("lastUpdatedTime", event["startTime"])
        if isinstance(description, dict) and set(description) == {"latestDescription"}:
            description = description["latestDescription"]  # the EventDescription shape
        if not isinstance(description, str):
            raise SeedError(f'{where}.description: expected string or {{"latestDescription": string}}')
        if not isinstance(raw_entities, list):
            raise SeedError(f"{where}.entities: expected a list")
        entities = []
        for j, raw in enumerate(raw_entities):
            entity = check(entity_shape, raw, f"{where}.entities[{j}]")
            if entity.setdefault("eventArn", event["arn"]) != event["arn"]:
                raise SeedError(f"{where}.entities[{j}].eventArn: must be the event's arn")
            entity.setdefault("awsAccountId", account)
            entities.append(entity)
        records.append({"event": event, "description": description, "entities": entities})
    with LOCK:
        _EVENTS.get(account).update((r["event"]["arn"], r) for r in records)
    return len(records)
