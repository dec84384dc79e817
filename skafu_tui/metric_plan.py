"""Which CloudWatch series the dashboard reads, derived from config: one place, pure.

The metrics source executes the plan; assessment looks series up by the same keys. Keys:

- ``svc/<service>/<role>``: role in requests, errors, latency, availability, throughput (3 h, 1 min)
- ``lambda/<function>/<Errors|Invocations|Duration>`` (3 h, 1 min)
- ``db/<role>`` and ``infra/<name>`` (3 h, 1 min)
- ``biz/<name>`` (24 h, 1 h)
- ``cap/<name>`` (14 days, 1 h): infrastructure metrics, DB connections and storage

Queries are grouped into tiers by cadence, because GetMetricData is billed per metric
requested: cost is (metrics in a tier) x (polls of that tier), whatever the time span.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skafu_tui.config import Config

HOUR = 3600
DAY = 24 * HOUR

TIER_SERVICE = "metrics"
"""Service KPIs, database and infrastructure: ``cadence.metrics``."""
TIER_HOT = "metrics_hot"
"""Services that are not healthy: their KPI queries again at ``cadence.metrics_hot``."""
TIER_LAMBDA = "lambda_metrics"
TIER_DAILY = "metrics_daily"

SERVICE_ROLES = ("requests", "errors", "latency", "availability", "throughput")
LAMBDA_METRICS = (("Invocations", "Sum"), ("Errors", "Sum"), ("Duration", "Maximum"))


@dataclass(frozen=True)
class MetricQuery:
    """One series to fetch."""

    key: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str
    period_s: int
    span_s: int
    tier: str
    scale: float = 1.0
    """Multiply every value (e.g. RDS ReadLatency seconds → ms)."""
    per_second: bool = False
    """Divide every value by the period (a Sum becomes a rate)."""
    service: str = ""


def _query(key: str, ref: Any, *, period: int, span: int, tier: str, service: str = "") -> MetricQuery:
    dims = tuple(sorted((str(k), str(v)) for k, v in (ref.dimensions or {}).items()))
    return MetricQuery(
        key=key,
        namespace=ref.namespace,
        metric=ref.metric,
        dimensions=dims,
        stat=ref.stat,
        period_s=period,
        span_s=span,
        tier=tier,
        scale=float(getattr(ref, "scale", None) or 1.0),
        per_second=bool(getattr(ref, "per_second", False)),
        service=service,
    )


def service_queries(cfg: Config, service_name: str, tier: str = TIER_SERVICE) -> list[MetricQuery]:
    for svc in cfg.services:
        if svc.name != service_name:
            continue
        out = []
        for role in SERVICE_ROLES:
            ref = getattr(svc.metrics, role, None)
            if ref is not None:
                key = f"svc/{svc.name}/{role}"
                out.append(_query(key, ref, period=60, span=3 * HOUR, tier=tier, service=svc.name))
        return out
    return []


def build_plan(cfg: Config) -> list[MetricQuery]:
    """Every query the dashboard makes at steady state (the hot tier is added per poll)."""
    plan: list[MetricQuery] = []
    for svc in cfg.services:
        plan.extend(service_queries(cfg, svc.name))
        for fn in svc.lambda_functions:
            for metric, stat in LAMBDA_METRICS:
                plan.append(
                    MetricQuery(
                        key=f"lambda/{fn}/{metric}",
                        namespace="AWS/Lambda",
                        metric=metric,
                        dimensions=(("FunctionName", fn),),
                        stat=stat,
                        period_s=60,
                        span_s=3 * HOUR,
                        tier=TIER_LAMBDA,
                        service=svc.name,
                    )
                )
    db = cfg.database
    if db is not None:
        for role, ref in db.metrics.items():
            plan.append(_query(f"db/{role}", ref, period=60, span=3 * HOUR, tier=TIER_SERVICE))
            if role == "connections":
                plan.append(_query("cap/db_connections", ref, period=HOUR, span=14 * DAY, tier=TIER_DAILY))
    for name, ref in cfg.infrastructure_metrics.items():
        plan.append(_query(f"infra/{name}", ref, period=60, span=3 * HOUR, tier=TIER_SERVICE))
        plan.append(_query(f"cap/{name}", ref, period=HOUR, span=14 * DAY, tier=TIER_DAILY))
    for name, ref in cfg.business_metrics.items():
        plan.append(_query(f"biz/{name}", ref, period=HOUR, span=DAY, tier=TIER_DAILY))
    storage = cfg.capacity.storage if cfg.capacity is not None else None
    if storage is not None and storage.metric is not None:
        plan.append(_query("cap/storage_used", storage.metric, period=HOUR, span=14 * DAY, tier=TIER_DAILY))
    return plan


def tiers(plan: list[MetricQuery]) -> dict[str, list[MetricQuery]]:
    out: dict[str, list[MetricQuery]] = {}
    for q in plan:
        out.setdefault(q.tier, []).append(q)
    return out
