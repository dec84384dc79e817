"""ELBv2: health of the targets in the configured target groups."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.sources._common import gather, pages
from skafu_tui.models import TargetHealth

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("elbv2", "DescribeTargetGroups"), ("elbv2", "DescribeTargetHealth")})


def wanted_groups(cfg: Config) -> list[str]:
    lb = getattr(cfg, "load_balancer", None)
    return list(getattr(lb, "target_groups", None) or ())


async def _groups(client: Any, names: list[str]) -> list[dict[str, Any]]:
    try:
        answer = await client.describe_target_groups(Names=names)
        return list(answer.get("TargetGroups") or ())
    except Exception as exc:
        # One missing name fails the whole by-name call (e.g. a region holding only some of
        # them): list the region's groups and keep the configured ones instead.
        if getattr(exc, "response", {}).get("Error", {}).get("Code") != "TargetGroupNotFound":
            raise
    found: list[dict[str, Any]] = []
    async for page in pages(client, "describe_target_groups"):
        found.extend(g for g in page.get("TargetGroups") or () if g.get("TargetGroupName") in names)
    return found


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[TargetHealth]:
    names = wanted_groups(cfg)
    if not names:
        return []
    client = await pool.client("elbv2", region)
    groups = await _groups(client, names)

    async def health(group: dict[str, Any]) -> list[TargetHealth]:
        answer = await client.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
        out = []
        for item in answer.get("TargetHealthDescriptions") or ():
            target = item.get("Target") or {}
            state = item.get("TargetHealth") or {}
            out.append(
                TargetHealth(
                    target_group=group.get("TargetGroupName", ""),
                    target_id=target.get("Id", ""),
                    port=target.get("Port"),
                    state=state.get("State", ""),
                    reason=state.get("Reason", ""),
                    description=state.get("Description", ""),
                    region=region,
                )
            )
        return out

    results = await gather(health(g) for g in groups)
    return [t for group in results for t in group]
