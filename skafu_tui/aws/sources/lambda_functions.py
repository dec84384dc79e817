"""Lambda: the functions of the region (runtime, memory, timeout, last change)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.aws.sources._common import pages, utc
from skafu_tui.models import LambdaFunction

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("lambda", "ListFunctions")})


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[LambdaFunction]:
    client = await pool.client("lambda", region)
    out: list[LambdaFunction] = []
    async for page in pages(client, "list_functions"):
        for raw in page.get("Functions") or ():
            out.append(
                LambdaFunction(
                    name=raw.get("FunctionName", ""),
                    runtime=raw.get("Runtime", ""),
                    memory_mb=int(raw.get("MemorySize") or 0),
                    timeout_s=int(raw.get("Timeout") or 0),
                    last_modified=utc(raw.get("LastModified")),
                    state=raw.get("State", ""),
                    region=region,
                )
            )
    return out
