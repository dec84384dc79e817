"""CloudFront: distributions and whether their last change has deployed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.aws.sources._common import pages
from skafu_tui.models import Distribution

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("cloudfront", "ListDistributions")})


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[Distribution]:
    client = await pool.client("cloudfront", region)
    out: list[Distribution] = []
    async for page in pages(client, "list_distributions"):
        for raw in (page.get("DistributionList") or {}).get("Items") or ():
            out.append(
                Distribution(
                    id=raw.get("Id", ""),
                    domain=raw.get("DomainName", ""),
                    status=raw.get("Status", ""),
                    enabled=bool(raw.get("Enabled", False)),
                )
            )
    return out
