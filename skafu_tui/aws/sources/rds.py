"""RDS: instance status and storage encryption."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.aws.sources._common import pages
from skafu_tui.models import DbInstance

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("rds", "DescribeDBInstances")})


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[DbInstance]:
    client = await pool.client("rds", region)
    out: list[DbInstance] = []
    async for page in pages(client, "describe_db_instances"):
        for raw in page.get("DBInstances") or ():
            out.append(
                DbInstance(
                    id=raw.get("DBInstanceIdentifier", ""),
                    status=raw.get("DBInstanceStatus", ""),
                    engine=raw.get("Engine", ""),
                    encrypted=bool(raw.get("StorageEncrypted", False)),
                    allocated_storage_gb=int(raw.get("AllocatedStorage") or 0),
                    multi_az=bool(raw.get("MultiAZ", False)),
                    region=region,
                )
            )
    return out
