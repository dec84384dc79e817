"""AWS Backup jobs and AWS Health: stock moto has neither; the extension serves seeded data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.demo.conftest import Aws

pytestmark = [pytest.mark.gap, pytest.mark.xdist_group("demo")]

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
EVENT_ARN = "arn:aws:health:us-east-1::event/{service}/{code}/{code}_{n}"


def job(n: int, state: str, hours_ago: int, resource_type: str = "RDS") -> dict[str, Any]:
    created = NOW - timedelta(hours=hours_ago)
    return {
        "BackupJobId": f"job-{n}",
        "BackupVaultName": "skafu-vault",
        "ResourceArn": f"arn:aws:rds:us-east-1:123456789012:db:skafu-{n}",
        "ResourceType": resource_type,
        "CreationDate": created.timestamp(),
        "CompletionDate": (created + timedelta(minutes=20)).timestamp(),
        "State": state,
        "BackupSizeInBytes": 1000 * n,
        **({"StatusMessage": "Snapshot quota exceeded"} if state == "FAILED" else {}),
    }


JOBS = [job(1, "COMPLETED", 49), job(2, "COMPLETED", 25), job(3, "FAILED", 1), job(4, "COMPLETED", 2, "EFS")]


async def test_stock_moto_has_no_backup_jobs(stock: Aws) -> None:
    await stock.fails("backup", "list_backup_jobs", 404)


async def test_list_backup_jobs_filters_and_pages(ext: Aws) -> None:
    ext.seed("backup-jobs", JOBS)
    async with ext.client("backup") as backup:
        failed = await backup.list_backup_jobs(ByState="FAILED")
        assert [(j["BackupJobId"], j["StatusMessage"]) for j in failed["BackupJobs"]] == [
            ("job-3", "Snapshot quota exceeded")
        ]
        assert failed["BackupJobs"][0]["CreationDate"] == NOW - timedelta(hours=1)

        since = NOW - timedelta(hours=26)
        recent = await backup.list_backup_jobs(ByCreatedAfter=since, ByResourceType="RDS")
        assert [j["BackupJobId"] for j in recent["BackupJobs"]] == [
            j["BackupJobId"]
            for j in sorted(JOBS, key=lambda j: j["CreationDate"], reverse=True)
            if j["CreationDate"] >= since.timestamp() and j["ResourceType"] == "RDS"
        ]

        ids, token = [], None
        while True:
            page = await backup.list_backup_jobs(MaxResults=3, **({"NextToken": token} if token else {}))
            ids += [j["BackupJobId"] for j in page["BackupJobs"]]
            token = page.get("NextToken")
            if not token:
                break
        assert ids == [j["BackupJobId"] for j in sorted(JOBS, key=lambda j: j["CreationDate"], reverse=True)]


def health_event(n: int, service: str, code: str, status: str, hours_ago: int) -> dict[str, Any]:
    start = NOW - timedelta(hours=hours_ago)
    arn = EVENT_ARN.format(service=service, code=code, n=n)
    return {
        "arn": arn,
        "service": service,
        "eventTypeCode": code,
        "eventTypeCategory": "issue",
        "region": "us-east-1",
        "startTime": start.timestamp(),
        "lastUpdatedTime": (start + timedelta(minutes=30)).timestamp(),
        "statusCode": status,
        "eventScopeCode": "ACCOUNT_SPECIFIC",
        "description": f"event {n} on {service}",
        "entities": [{"entityValue": f"resource-{n}-{k}", "statusCode": "IMPAIRED"} for k in range(2)],
    }


HEALTH = [
    health_event(1, "RDS", "AWS_RDS_OPERATIONAL_ISSUE", "open", 2),
    health_event(2, "LAMBDA", "AWS_LAMBDA_OPERATIONAL_ISSUE", "open", 1),
    health_event(3, "RDS", "AWS_RDS_MAINTENANCE_SCHEDULED", "closed", 30),
]


async def test_stock_moto_has_no_health_backend(stock: Aws) -> None:
    await stock.fails("health", "describe_events", 500)
    await stock.fails("health", "describe_event_details", 500, eventArns=[HEALTH[0]["arn"]])
    await stock.fails("health", "describe_affected_entities", 500, filter={"eventArns": [HEALTH[0]["arn"]]})


async def test_health_events_details_and_entities(ext: Aws) -> None:
    ext.seed("health-events", HEALTH)
    async with ext.client("health") as health:
        everything = await health.describe_events()
        assert [e["arn"] for e in everything["events"]] == [
            e["arn"] for e in sorted(HEALTH, key=lambda e: e["lastUpdatedTime"], reverse=True)
        ]
        open_rds = await health.describe_events(filter={"eventStatusCodes": ["open"], "services": ["RDS"]})
        assert [e["arn"] for e in open_rds["events"]] == [HEALTH[0]["arn"]]
        recent = await health.describe_events(filter={"startTimes": [{"from": NOW - timedelta(hours=3)}]})
        assert {e["arn"] for e in recent["events"]} == {HEALTH[0]["arn"], HEALTH[1]["arn"]}
        assert recent["events"][0]["startTime"] == datetime.fromtimestamp(HEALTH[1]["startTime"], UTC)

        missing = EVENT_ARN.format(service="EC2", code="AWS_EC2_X", n=9)
        details = await health.describe_event_details(eventArns=[HEALTH[1]["arn"], missing])
        assert [d["eventDescription"]["latestDescription"] for d in details["successfulSet"]] == [
            HEALTH[1]["description"]
        ]
        assert [f["eventArn"] for f in details["failedSet"]] == [missing]

        entities = await health.describe_affected_entities(filter={"eventArns": [HEALTH[0]["arn"]]})
        assert sorted(e["entityValue"] for e in entities["entities"]) == [
            e["entityValue"] for e in HEALTH[0]["entities"]
        ]
        assert {e["eventArn"] for e in entities["entities"]} == {HEALTH[0]["arn"]}

    error = await ext.fails("health", "describe_events", 400, maxResults=5)
    assert error["Code"] == "ValidationException"
