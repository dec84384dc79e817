"""The poll groups: which source fetch runs at which cadence, where, and what it writes.

A group is the poller's unit of work: one loop per group, re-armed after each poll. Several
groups may feed one :class:`~skafu_tui.snapshot.SourceName` (the metrics tiers; alarms and their
history; Cost Explorer's daily cost and its forecast and anomalies), so a failing call only
stales the data it would have refreshed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from skafu_tui.aws.sources import (
    acm,
    alarms,
    backup,
    budgets,
    cloudfront,
    cloudtrail,
    config_rules,
    cost,
    elbv2,
    guardduty,
    health,
    lambda_functions,
    logs,
    metrics,
    rds,
    s3,
)
from skafu_tui.metric_plan import TIER_DAILY, TIER_HOT, TIER_LAMBDA, TIER_SERVICE, service_queries
from skafu_tui.snapshot import SourceName

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config
    from skafu_tui.snapshot import Snapshot

SOURCE_MODULES = (
    acm,
    alarms,
    backup,
    budgets,
    cloudfront,
    cloudtrail,
    config_rules,
    cost,
    elbv2,
    guardduty,
    health,
    lambda_functions,
    logs,
    metrics,
    rds,
    s3,
)
OPERATIONS: frozenset[tuple[str, str]] = frozenset().union(*(m.OPERATIONS for m in SOURCE_MODULES)) | {
    ("sts", "GetCallerIdentity")
}
"""Every (service, operation) the app can issue."""


class Scope(StrEnum):
    REGIONAL = "regional"
    """Once per configured region, concurrently."""
    PRIMARY = "primary"
    """Once, in the primary region (the metric plan names no region)."""
    GLOBAL = "global"
    """Once, against the global endpoint in us-east-1."""


@dataclass(frozen=True)
class PollContext:
    """What one poll of a group gets."""

    pool: ClientPool
    cfg: Config
    now: datetime
    hot_services: frozenset[str] = frozenset()


GroupFetch = Callable[[PollContext, str], Awaitable[Sequence[Any]]]
Kind = Literal["records", "mapping", "single"]


@dataclass(frozen=True)
class Group:
    name: str
    source: SourceName
    cadence_key: str
    scope: Scope
    fetch: GroupFetch
    field: str
    """The Snapshot field the results go to."""
    kind: Kind = "records"
    """``records``: a tuple replaced per region; ``mapping``: metric series merged by key;
    ``single``: one value (the first result, or None)."""
    primary: bool = True
    """The group whose freshness stands for the source's."""
    on_demand: bool = True
    """Whether a manual refresh wakes it (Cost Explorer is billed per request and changes ~3x a day)."""

    def regions(self, regions: Sequence[str], global_region: str) -> list[str]:
        if self.scope is Scope.REGIONAL:
            return list(regions)
        if self.scope is Scope.PRIMARY:
            return [regions[0] if regions else global_region]
        return [global_region]


def _simple(fn: Callable[[ClientPool, Config, str, datetime], Awaitable[Sequence[Any]]]) -> GroupFetch:
    async def run(ctx: PollContext, region: str) -> Sequence[Any]:
        return await fn(ctx.pool, ctx.cfg, region, ctx.now)

    return run


def _tier(tier: str) -> GroupFetch:
    async def run(ctx: PollContext, region: str) -> Sequence[Any]:
        return await metrics.fetch(ctx.pool, ctx.cfg, region, ctx.now, tier=tier)

    return run


async def _hot(ctx: PollContext, region: str) -> Sequence[Any]:
    queries = [q for name in sorted(ctx.hot_services) for q in service_queries(ctx.cfg, name, TIER_HOT)]
    if not queries:
        return []
    return await metrics.fetch(ctx.pool, ctx.cfg, region, ctx.now, queries=queries)


S = SourceName
R, P, G = Scope.REGIONAL, Scope.PRIMARY, Scope.GLOBAL

GROUPS: tuple[Group, ...] = (
    Group("metrics", S.METRICS, TIER_SERVICE, P, _tier(TIER_SERVICE), "metrics", "mapping"),
    Group("metrics_hot", S.METRICS, TIER_HOT, P, _hot, "metrics", "mapping", primary=False),
    Group(
        "lambda_metrics", S.METRICS, TIER_LAMBDA, P, _tier(TIER_LAMBDA), "metrics", "mapping", primary=False
    ),
    Group("metrics_daily", S.METRICS, TIER_DAILY, P, _tier(TIER_DAILY), "metrics", "mapping", primary=False),
    Group("alarms", S.ALARMS, "alarms", R, _simple(alarms.fetch), "alarms"),
    Group(
        "alarm_history", S.ALARMS, "alarms", R, _simple(alarms.fetch_history), "alarm_history", primary=False
    ),
    Group("guardduty", S.GUARDDUTY, "guardduty", R, _simple(guardduty.fetch), "findings"),
    Group("config", S.CONFIG, "config", R, _simple(config_rules.fetch), "config_rules"),
    Group("cost", S.COST, "cost", G, _simple(cost.fetch), "cost_days", on_demand=False),
    Group(
        "cost_forecast",
        S.COST,
        "cost_anomalies",
        G,
        _simple(cost.fetch_forecast),
        "cost_forecast",
        "single",
        primary=False,
        on_demand=False,
    ),
    Group(
        "cost_anomalies",
        S.COST,
        "cost_anomalies",
        G,
        _simple(cost.fetch_anomalies),
        "cost_anomalies",
        primary=False,
        on_demand=False,
    ),
    Group("budgets", S.BUDGETS, "budgets", G, _simple(budgets.fetch), "budgets"),
    Group("cloudtrail", S.CLOUDTRAIL, "cloudtrail", R, _simple(cloudtrail.fetch_events), "trail_events"),
    Group("trails", S.CLOUDTRAIL, "cloudtrail", R, _simple(cloudtrail.fetch_trails), "trails", primary=False),
    Group("health", S.HEALTH, "health", G, _simple(health.fetch), "health_events"),
    Group("acm", S.ACM, "inventory", R, _simple(acm.fetch), "certificates"),
    Group("elbv2", S.ELBV2, "inventory", R, _simple(elbv2.fetch), "target_health"),
    Group("rds", S.RDS, "inventory", R, _simple(rds.fetch), "db_instances"),
    Group("lambda", S.LAMBDA, "inventory", R, _simple(lambda_functions.fetch), "lambda_functions"),
    Group("s3", S.S3, "inventory", G, _simple(s3.fetch), "buckets"),
    Group("cloudfront", S.CLOUDFRONT, "inventory", G, _simple(cloudfront.fetch), "distributions"),
    Group("backup", S.BACKUP, "inventory", R, _simple(backup.fetch), "backup_jobs"),
    Group("logs", S.LOGS, "inventory", R, _simple(logs.fetch), "log_groups"),
)

DEFAULT_CADENCE_S = {
    "alarms": 30.0,
    "metrics": 300.0,
    "metrics_hot": 60.0,
    "lambda_metrics": 900.0,
    "metrics_daily": 3600.0,
    "cloudtrail": 120.0,
    "guardduty": 300.0,
    "inventory": 600.0,
    "config": 900.0,
    "health": 300.0,
    "budgets": 3600.0,
    "cost": 21600.0,
    "cost_anomalies": 86400.0,
}


def cadence_s(cfg: Config, key: str) -> float:
    """The configured cadence for ``key`` (``cadence.<key>`` in config.yaml), else the default."""
    value = getattr(getattr(cfg, "cadence", None), key, None)
    return float(value) if value else DEFAULT_CADENCE_S[key]


def _region_of(record: Any) -> str:
    return str(getattr(record, "region", "") or getattr(record, "home_region", ""))


def merge(
    group: Group, prev: Snapshot, results: dict[str, Sequence[Any]], kept: frozenset[str]
) -> dict[str, Any]:
    """Snapshot changes for a group's fresh ``results`` per region; ``kept`` regions failed and
    keep their previous records (a record names its region)."""
    fresh = [item for region in results for item in results[region]]
    old = getattr(prev, group.field)
    if group.kind == "mapping":
        merged = dict(old)
        merged.update((series.key, series) for series in fresh)
        return {group.field: MappingProxyType(merged)}
    if group.kind == "single":
        return {group.field: fresh[0] if fresh else (old if kept else None)}
    keep = tuple(item for item in old if _region_of(item) in kept) if kept else ()
    return {group.field: keep + tuple(fresh)}
