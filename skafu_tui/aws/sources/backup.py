"""AWS Backup: jobs created in the last 48 hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from skafu_tui.aws.sources._common import pages, utc
from skafu_tui.models import BackupJob, BackupState

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("backup", "ListBackupJobs")})
LOOKBACK = timedelta(hours=48)


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[BackupJob]:
    client = await pool.client("backup", region)
    out: list[BackupJob] = []
    async for page in pages(client, "list_backup_jobs", ByCreatedAfter=now - LOOKBACK):
        for raw in page.get("BackupJobs") or ():
            created = utc(raw.get("CreationDate"))
            try:
                state = BackupState(str(raw.get("State")))
            except ValueError:
                continue  # a state AWS added after this code: not one we can judge
            if created is None:
                continue
            out.append(
                BackupJob(
                    id=raw.get("BackupJobId", ""),
                    state=state,
                    resource_arn=raw.get("ResourceArn", ""),
                    resource_type=raw.get("ResourceType", ""),
                    created_at=created,
                    completed_at=utc(raw.get("CompletionDate")),
                    status_message=raw.get("StatusMessage", ""),
                    region=region,
                )
            )
    out.sort(key=lambda j: j.created_at, reverse=True)
    return out
