"""GuardDuty: active (unarchived) findings updated in the last seven days, newest first."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.errors import SourceProblem
from skafu_tui.aws.sources._common import pages, utc
from skafu_tui.models import Finding
from skafu_tui.snapshot import SourceStatus

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset(
    {("guardduty", "ListDetectors"), ("guardduty", "ListFindings"), ("guardduty", "GetFindings")}
)

LOOKBACK = timedelta(days=7)
BATCH = 50
"""GetFindings takes at most 50 ids."""
MAX_PAGES = 20
"""1,000 findings: beyond that the list is noise for a dashboard."""


def _resource_id(resource: dict[str, Any]) -> str:
    # Each resource type keeps its identifier in its own detail block.
    instance = resource.get("InstanceDetails") or {}
    if instance.get("InstanceId"):
        return str(instance["InstanceId"])
    key = resource.get("AccessKeyDetails") or {}
    if key.get("UserName") or key.get("AccessKeyId"):
        return str(key.get("UserName") or key.get("AccessKeyId"))
    for bucket in resource.get("S3BucketDetails") or ():
        if bucket.get("Name"):
            return str(bucket["Name"])
    for path, field in (
        ("EksClusterDetails", "Name"),
        ("RdsDbInstanceDetails", "DbInstanceIdentifier"),
        ("LambdaDetails", "FunctionName"),
        ("EcsClusterDetails", "Name"),
    ):
        value = (resource.get(path) or {}).get(field)
        if value:
            return str(value)
    return ""


def to_finding(raw: dict[str, Any], region: str, now: datetime) -> Finding:
    resource = raw.get("Resource") or {}
    service = raw.get("Service") or {}
    return Finding(
        id=raw.get("Id", ""),
        type=raw.get("Type", ""),
        severity=float(raw.get("Severity") or 0.0),
        title=raw.get("Title", ""),
        description=raw.get("Description", ""),
        resource_type=resource.get("ResourceType", ""),
        resource_id=_resource_id(resource),
        account=raw.get("AccountId", ""),
        region=raw.get("Region") or region,
        created_at=utc(raw.get("CreatedAt")) or utc(raw.get("UpdatedAt")) or now,
        updated_at=utc(raw.get("UpdatedAt")) or utc(raw.get("CreatedAt")) or now,
        archived=bool(service.get("Archived", False)),
        count=int(service.get("Count") or 1),
        raw=json.dumps(raw, default=str, indent=2, sort_keys=True),
    )


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[Finding]:
    client = await pool.client("guardduty", region)
    detectors: list[str] = []
    async for page in pages(client, "list_detectors"):
        detectors.extend(page.get("DetectorIds") or ())
    if not detectors:
        raise SourceProblem(SourceStatus.NOT_ENABLED, f"GuardDuty is not enabled in {region} (no detector)")
    since_ms = int((now - LOOKBACK).timestamp() * 1000)
    criteria = {
        "Criterion": {
            "service.archived": {"Equals": ["false"]},
            "updatedAt": {"GreaterThanOrEqual": since_ms},
        }
    }
    seen: dict[str, Finding] = {}
    for detector in detectors:
        ids: list[str] = []
        async for page in pages(
            client,
            "list_findings",
            max_pages=MAX_PAGES,
            DetectorId=detector,
            FindingCriteria=criteria,
            SortCriteria={"AttributeName": "updatedAt", "OrderBy": "DESC"},
            PaginationConfig={"PageSize": BATCH},
        ):
            ids.extend(page.get("FindingIds") or ())
        for i in range(0, len(ids), BATCH):
            answer = await client.get_findings(
                DetectorId=detector,
                FindingIds=ids[i : i + BATCH],
                SortCriteria={"AttributeName": "updatedAt", "OrderBy": "DESC"},
            )
            for raw in answer.get("Findings") or ():
                finding = to_finding(raw, region, now)
                seen.setdefault(finding.id, finding)
    return sorted(seen.values(), key=lambda f: f.updated_at, reverse=True)
