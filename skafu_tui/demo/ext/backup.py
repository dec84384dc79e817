"""AWS Backup ListBackupJobs over seeded jobs (moto has no backup jobs at all)."""

from __future__ import annotations

from typing import Any

from skafu_tui.demo.ext.base import LOCK, AwsError, Call, PerAccount, SeedError, rest_operation, seed_kind
from skafu_tui.demo.ext.paging import limit, page, within
from skafu_tui.demo.ext.shapes import check, parse_input, shape

SERVICE = "backup"
_JOBS: PerAccount[dict[str, dict[str, Any]]] = PerAccount(dict)
"""account -> backup job id -> BackupJob (SDK form, dates in epoch seconds)."""

_EXACT = {
    "ByResourceArn": "ResourceArn",
    "ByState": "State",
    "ByBackupVaultName": "BackupVaultName",
    "ByResourceType": "ResourceType",
    "ByAccountId": "AccountId",
    "ByParentJobId": "ParentJobId",
    "ByMessageCategory": "MessageCategory",
}


def _wanted(job: dict[str, Any], req: dict[str, Any]) -> bool:
    if any(key in req and job.get(field) != req[key] for key, field in _EXACT.items()):
        return False
    return within(job.get("CreationDate"), req.get("ByCreatedAfter"), req.get("ByCreatedBefore")) and within(
        job.get("CompletionDate"), req.get("ByCompleteAfter"), req.get("ByCompleteBefore")
    )


@rest_operation(SERVICE, "GET", r"/backup-jobs/?", "ListBackupJobs")
def list_backup_jobs(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "ListBackupJobs", call)
    size = limit(
        req.get("MaxResults"),
        default=1000,
        low=1,
        high=1000,
        code="InvalidParameterValueException",
        name="maxResults",
    )
    with LOCK:
        jobs = [j for j in _JOBS.get(call.account).values() if _wanted(j, req)]
    chunk, token = page(
        jobs,
        lambda j: (j["CreationDate"], j["BackupJobId"]),
        size,
        req.get("NextToken"),
        descending=True,
        bad_token=lambda m: AwsError("InvalidParameterValueException", m),
    )
    return {"BackupJobs": chunk, **({"NextToken": token} if token else {})}


@seed_kind("backup-jobs")
def seed_backup_jobs(account: str, items: list[dict[str, Any]]) -> int:
    """Backup ``BackupJob`` objects; ``AccountId`` defaults to the seeded account."""
    job_shape = shape(SERVICE, "BackupJob")
    jobs = []
    for i, item in enumerate(items):
        job = check(job_shape, item, f"[{i}]")
        for required in ("BackupJobId", "CreationDate", "State"):
            if required not in job:
                raise SeedError(f"[{i}].{required}: missing")
        job.setdefault("AccountId", account)
        jobs.append(job)
    with LOCK:
        _JOBS.get(account).update((j["BackupJobId"], j) for j in jobs)
    return len(jobs)
