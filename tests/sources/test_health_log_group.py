"""AWS Health without a support plan: events read from a log group fed by EventBridge (aws.health)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
from sources_support import settings_for

from skafu_tui.aws.readonly import is_read_only
from skafu_tui.aws.session import ClientPool
from skafu_tui.aws.sources import health
from skafu_tui.config import load_config

GROUP = "/aws/events/health-test"
ARN = "arn:aws:health:us-east-1::event/LAMBDA/AWS_LAMBDA_OPERATIONAL_ISSUE/test-1"


def _event(status: str, updated: datetime, description: str) -> str:
    return json.dumps({
        "version": "0", "source": "aws.health", "detail-type": "AWS Health Event", "region": "us-east-1",
        "time": updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "detail": {
            "eventArn": ARN, "service": "LAMBDA", "eventTypeCode": "AWS_LAMBDA_OPERATIONAL_ISSUE",
            "eventTypeCategory": "issue", "statusCode": status,
            "startTime": (updated - timedelta(minutes=30)).strftime("%a, %d %b %Y %H:%M:%S GMT"),
            "lastUpdatedTime": updated.strftime("%a, %d %b %Y %H:%M:%S GMT"),
            "eventDescription": [{"language": "en_US", "latestDescription": description}],
            "affectedEntities": [{"entityValue": "skafu-template-management-api"}],
        },
    })


async def test_health_events_come_from_the_configured_log_group(demo_endpoint):
    assert is_read_only("FilterLogEvents")
    now = datetime.now(UTC).replace(microsecond=0)
    logs = boto3.client("logs", endpoint_url=demo_endpoint, region_name="us-east-1",
                        aws_access_key_id="demo", aws_secret_access_key="demo")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="events")
    first, second = now - timedelta(minutes=20), now - timedelta(minutes=5)
    logs.put_log_events(logGroupName=GROUP, logStreamName="events", logEvents=[
        {"timestamp": int(first.timestamp() * 1000), "message": _event("open", first, "Elevated errors")},
        {"timestamp": int(second.timestamp() * 1000), "message": _event("open", second, "Recovering [bold]x[/]")},
        {"timestamp": int(second.timestamp() * 1000), "message": "not json at all"},
    ])
    base = load_config(None).config
    cfg = base.model_copy(update={"health": base.health.model_copy(update={"log_group": GROUP})})
    async with ClientPool(settings_for(demo_endpoint)) as pool:
        events = await health.fetch(pool, cfg, "us-east-1", now)
    assert [e.arn for e in events] == [ARN], "one event per ARN, the malformed line skipped"
    event = events[0]
    assert event.description == "Recovering [bold]x[/]", "the newest update wins, text kept literally"
    assert event.status == "open" and event.service == "LAMBDA"
    assert event.last_updated == second
    assert event.entities == ("skafu-template-management-api",)
