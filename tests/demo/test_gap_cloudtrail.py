"""CloudTrail LookupEvents: stock moto answers 500; the extension serves seeded events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.demo.conftest import Aws

pytestmark = [pytest.mark.gap, pytest.mark.xdist_group("demo")]

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)


def event(n: int, name: str, user: str, minutes_ago: int, resource: str, read_only: bool) -> dict[str, Any]:
    at = NOW - timedelta(minutes=minutes_ago)
    record = {"eventVersion": "1.08", "eventID": f"e{n}", "eventName": name, "awsRegion": "us-east-1"}
    return {
        "EventId": f"e{n}",
        "EventName": name,
        "ReadOnly": "true" if read_only else "false",
        "AccessKeyId": f"AKIA{n:016d}",
        "EventTime": at.timestamp(),
        "EventSource": "lambda.amazonaws.com" if "Function" in name else "signin.amazonaws.com",
        "Username": user,
        "Resources": [{"ResourceType": "AWS::Lambda::Function", "ResourceName": resource}],
        "CloudTrailEvent": json.dumps(record),
    }


EVENTS = [
    event(1, "UpdateFunctionCode20150331v2", "maria.chen", 25, "template-management-api", False),
    event(2, "ConsoleLogin", "unknown", 14, "console", False),
    event(3, "ConsoleLogin", "unknown", 13, "console", False),
    event(4, "GetFunction", "maria.chen", 40, "template-management-api", True),
    event(5, "UpdateFunctionCode20150331v2", "sam.okafor", 200, "project-management-api", False),
]


async def test_stock_moto_fails_lookup_events(stock: Aws) -> None:
    await stock.fails("cloudtrail", "lookup_events", 500)


async def test_lookup_by_attribute_time_window_and_pages_newest_first(ext: Aws) -> None:
    ext.seed("cloudtrail-events", EVENTS)
    newest_first = sorted(EVENTS, key=lambda e: e["EventTime"], reverse=True)
    async with ext.client("cloudtrail") as trail:
        ids, token = [], None
        while True:
            page = await trail.lookup_events(MaxResults=2, **({"NextToken": token} if token else {}))
            assert len(page["Events"]) <= 2
            ids += [e["EventId"] for e in page["Events"]]
            token = page.get("NextToken")
            if not token:
                break
        assert ids == [e["EventId"] for e in newest_first]

        logins = await trail.lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"}]
        )
        assert [e["EventId"] for e in logins["Events"]] == ["e3", "e2"]
        assert json.loads(logins["Events"][0]["CloudTrailEvent"])["eventID"] == "e3"
        assert logins["Events"][0]["EventTime"] == datetime.fromtimestamp(EVENTS[2]["EventTime"], UTC)

        by_resource = await trail.lookup_events(
            LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": "template-management-api"}],
            StartTime=NOW - timedelta(minutes=30),
            EndTime=NOW,
        )
        assert [e["EventId"] for e in by_resource["Events"]] == ["e1"]

        writes = await trail.lookup_events(
            LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "false"}],
            StartTime=NOW - timedelta(hours=1),
        )
        assert {e["EventId"] for e in writes["Events"]} == {"e1", "e2", "e3"}

    error = await ext.fails(
        "cloudtrail",
        "lookup_events",
        400,
        LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"},
            {"AttributeKey": "Username", "AttributeValue": "unknown"},
        ],
    )
    assert error["Code"] == "InvalidLookupAttributesException"


async def test_seed_rejects_event_without_json_record(ext: Aws) -> None:
    broken = [EVENTS[0], {**EVENTS[1], "CloudTrailEvent": "{not json"}]
    status, doc = ext.post("/_skafu/seed/cloudtrail-events", broken)
    assert status == 400
    assert doc["message"].startswith("[1].CloudTrailEvent:")
