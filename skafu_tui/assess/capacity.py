"""Capacity: compute utilisation against the seed's 60/70/80 %, database connections, storage
growth and days until full, and actual growth against the seed's projections.

Levels follow the seed's compute figures: above ``optimal_pct`` warn, above
``scaling_threshold_pct`` fail (at a level is not past it). Database connections are judged by
the same planning levels as a share of ``max_connections``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from skafu_tui.assess.common import Level, Series, as_utc, mean, since_points, window_points
from skafu_tui.assess.resources import CPU, DISK, MEMORY
from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.config import Config
    from skafu_tui.config.models import ComputeCapacity

GB = 10**9
"""Bytes in the GB the config speaks of (decimal, as the CloudWatch agent's byte counts divide)."""
TREND_DAYS = 14
DAYS_PER_MONTH = 30.0
FULL_SOON_DAYS = 30.0
"""Storage that fills within a month at the current trend fails whatever the thresholds say."""

# Which measurement answers each of the seed's projections when the config names no metric.
_PROJECTION_ACTUALS = {"user_growth": "users", "traffic_growth": "traffic", "data_growth": "data"}


@dataclass(frozen=True)
class UtilisationCapacity:
    name: str
    current_pct: float | None
    baseline_pct: float
    optimal_pct: float
    scaling_threshold_pct: float
    level: Level
    series: Series
    """14 days, hourly."""


@dataclass(frozen=True)
class ConnectionCapacity:
    current: float | None
    max: float | None
    baseline: float | None
    level: Level
    series: Series

    @property
    def pct(self) -> float | None:
        return self.current / self.max * 100.0 if self.current is not None and self.max else None


@dataclass(frozen=True)
class StorageCapacity:
    used_gb: float | None
    allocated_gb: float | None
    growth_gb_per_month: float | None
    """Least-squares slope of the 14-day series, times 30 days."""
    planned_growth_gb_per_month: float | None
    days_until_full: float | None
    """At the current trend; None when not growing or unknown."""
    level: Level
    series: Series
    """Used GB, 14 days, hourly."""

    @property
    def used_pct(self) -> float | None:
        if self.used_gb is None or not self.allocated_gb:
            return None
        return self.used_gb / self.allocated_gb * 100.0


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    unit: str
    planned_current: float
    in_6_months: float
    in_12_months: float
    actual: float | None
    level: Level
    """warn once actual growth is ahead of the 6-month projection."""

    @property
    def growth_vs_plan(self) -> float | None:
        """actual / the plan's starting figure (2.0 = doubled)."""
        if self.actual is None or not self.planned_current:
            return None
        return self.actual / self.planned_current


@dataclass(frozen=True)
class CapacityAssessment:
    compute: tuple[UtilisationCapacity, ...]
    database: ConnectionCapacity | None
    storage: StorageCapacity | None
    projections: tuple[ProjectionStatus, ...]


def _planning_level(pct: float | None, compute: ComputeCapacity) -> Level:
    if pct is None:
        return Level.UNKNOWN
    if pct > compute.scaling_threshold_pct:
        return Level.FAIL
    return Level.WARN if pct > compute.optimal_pct else Level.OK


def slope_per_day(points: Sequence[tuple[datetime, float]]) -> float | None:
    """Least-squares slope in value per day; None with fewer than two distinct times."""
    if len(points) < 2:
        return None
    t0 = as_utc(points[0][0])
    xs = [(as_utc(t) - t0).total_seconds() / 86400.0 for t, _ in points]
    ys = [v for _, v in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def _current(snapshot: Snapshot, name: str, cfg: Config, now: datetime) -> float | None:
    """The evaluation-window mean of the live series, else the last hourly capacity point."""
    live = mean([v for _, v in window_points(snapshot.metrics.get(f"infra/{name}"), now,
                                             cfg.evaluation_window_minutes)])
    if live is not None:
        return live
    cap = snapshot.metrics.get(f"cap/{name}")
    return cap.last() if cap is not None else None


def _storage(snapshot: Snapshot, cfg: Config, now: datetime) -> StorageCapacity | None:
    st = cfg.capacity.storage
    since = as_utc(now) - timedelta(days=TREND_DAYS)
    pts = [(t, v / GB) for t, v in since_points(snapshot.metrics.get("cap/storage_used"), since)]
    # Without a usage metric the planning baseline is all we know (config: "unset: the baseline is used").
    used = pts[-1][1] if pts else (st.baseline_usage_gb if st.metric is None else None)
    slope = slope_per_day(pts)
    allocated = st.allocated_gb
    days_full = None
    if slope is not None and slope > 0 and used is not None and allocated:
        days_full = max(0.0, (allocated - used) / slope)
    planned = st.growth_gb_per_month
    growth = slope * DAYS_PER_MONTH if slope is not None else None
    used_pct = used / allocated * 100.0 if used is not None and allocated else None
    level = _planning_level(used_pct, cfg.capacity.compute)
    if days_full is not None and days_full <= FULL_SOON_DAYS:
        level = Level.FAIL
    elif level is Level.OK and growth is not None and planned is not None and growth > planned:
        level = Level.WARN
    return StorageCapacity(used, allocated, growth, planned, days_full, level, Series.from_points(pts))


def _actual(kind: str, snapshot: Snapshot, cfg: Config, now: datetime, used_gb: float | None) -> float | None:
    day_ago = as_utc(now) - timedelta(hours=24)
    if kind == "users":
        pts = since_points(snapshot.metrics.get("biz/activeUsers"), day_ago)
        return max((v for _, v in pts), default=None)
    if kind == "traffic":
        # Requests a month at the rate of the last 3 hours of the services' request counts.
        total, span_s = 0.0, 0.0
        for svc in cfg.services:
            s = snapshot.metrics.get(f"svc/{svc.name}/requests")
            if s is not None and s.values:
                total += sum(s.values)
                span_s = max(span_s, len(s.values) * s.period_s)
        return total / span_s * DAYS_PER_MONTH * 86400.0 if span_s else None
    if kind == "data":
        return used_gb
    return None


def _metric_actual(key: str, snapshot: Snapshot, now: datetime) -> float | None:
    s = snapshot.metrics.get(key)
    return s.last() if s is not None else None


def assess_capacity(snapshot: Snapshot, cfg: Config, now: datetime) -> CapacityAssessment:
    cap = cfg.capacity
    compute = cap.compute
    out = []
    for name in (CPU, MEMORY, DISK):
        if name not in cfg.infrastructure_metrics:
            continue
        current = _current(snapshot, name, cfg, now)
        out.append(UtilisationCapacity(
            name=name,
            current_pct=current,
            baseline_pct=compute.current_pct,
            optimal_pct=compute.optimal_pct,
            scaling_threshold_pct=compute.scaling_threshold_pct,
            level=_planning_level(current, compute),
            series=Series.of(snapshot.metrics.get(f"cap/{name}")),
        ))

    database = None
    dbc = cap.database_connections
    if cfg.database is not None:
        live = snapshot.metrics.get("db/connections")
        hourly = snapshot.metrics.get("cap/db_connections")
        current = live.last() if live is not None and live.values else (
            hourly.last() if hourly is not None else None)
        max_conn = cfg.database.max_connections
        pct = current / max_conn * 100.0 if current is not None else None
        level = Level.FAIL if current is not None and current >= max_conn else (
            _planning_level(pct, compute))
        database = ConnectionCapacity(current, max_conn, dbc.baseline, level, Series.of(hourly))

    storage = _storage(snapshot, cfg, now)
    projections = []
    for name, proj in cap.projections.items():
        metric = getattr(proj, "metric", None)
        if isinstance(metric, str) and metric:
            actual = _metric_actual(metric, snapshot, now)
        else:
            actual = _actual(_PROJECTION_ACTUALS.get(name, ""), snapshot, cfg, now,
                             storage.used_gb if storage else None)
        level = Level.UNKNOWN if actual is None else (
            Level.WARN if actual > proj.in_6_months else Level.OK)
        projections.append(ProjectionStatus(
            name=name, unit=proj.unit, planned_current=proj.current,
            in_6_months=proj.in_6_months, in_12_months=proj.in_12_months, actual=actual, level=level,
        ))
    return CapacityAssessment(tuple(out), database, storage, tuple(projections))
