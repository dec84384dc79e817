"""CloudWatch Logs: log groups and their retention."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.aws.sources._common import pages
from skafu_tui.models import LogGroup

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("logs", "DescribeLogGroups")})
MAX_PAGES = 100
"""5,000 log groups."""


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[LogGroup]:
    client = await pool.client("logs", region)
    out: list[LogGroup] = []
    async for page in pages(client, "describe_log_groups", max_pages=MAX_PAGES):
        for raw in page.get("logGroups") or ():
            retention = raw.get("retentionInDays")
            out.append(
                LogGroup(
                    name=raw.get("logGroupName", ""),
                    retention_days=int(retention) if retention else None,
                    stored_bytes=int(raw.get("storedBytes") or 0),
                    region=region,
                )
            )
    return out
