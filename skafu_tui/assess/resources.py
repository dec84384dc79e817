"""The platform's resources: load balancer targets, database, Lambda, S3, CloudFront, AWS Health
events and the infrastructure metrics (CPU, memory, disk, network)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.assess.common import (
    KpiReading,
    Level,
    Series,
    mean,
    reading,
    window_points,
    worst,
)
from skafu_tui.models import (
    Bucket,
    DbInstance,
    Distribution,
    HealthEvent,
    LambdaFunction,
    TargetHealth,
)
from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.config import Config

# The seed's infrastructureMetrics names, used as config keys of `infrastructure_metrics`.
CPU, MEMORY, DISK, NETWORK = "cpuUtilization", "memoryUtilization", "diskUtilization", "networkTraffic"


@dataclass(frozen=True)
class TargetGroupHealth:
    name: str
    healthy: int
    total: int
    unhealthy: tuple[TargetHealth, ...]
    """Targets in any state other than healthy."""

    @property
    def level(self) -> Level:
        if self.total == 0 or self.healthy == 0:
            return Level.FAIL
        return Level.WARN if self.unhealthy else Level.OK


@dataclass(frozen=True)
class AlbHealth:
    groups: tuple[TargetGroupHealth, ...]
    healthy: int
    total: int
    level: Level
    """fail when a target group has no healthy target, warn when any target is not healthy."""


@dataclass(frozen=True)
class DatabaseHealth:
    instance_id: str
    instance: DbInstance | None
    status: str
    """The RDS status (``available`` …) or ``not found``."""
    connections: float | None
    """The latest DatabaseConnections point."""
    max_connections: int | None
    query_latency: KpiReading
    """Mean query latency over the window vs ``kpis.db_query_ms``."""
    connections_series: Series
    cpu_pct: float | None
    level: Level

    @property
    def available(self) -> bool:
        return self.instance is not None and self.status == "available"

    @property
    def connections_pct(self) -> float | None:
        if self.connections is None or not self.max_connections:
            return None
        return self.connections / self.max_connections * 100.0


@dataclass(frozen=True)
class LambdaHealth:
    name: str
    service: str
    function: LambdaFunction | None
    invocations: float | None
    errors: float | None
    error_rate: KpiReading
    """Σ Errors / Σ Invocations over the window vs ``kpis.error_rate_pct``."""
    max_duration: KpiReading
    """Max duration in the window vs ``kpis.lambda_duration_ms``."""

    @property
    def level(self) -> Level:
        return worst((self.error_rate.status, self.max_duration.status))


@dataclass(frozen=True)
class InfraMetric:
    """One infrastructure metric: mean over the window, with its 3-hour series."""

    name: str
    value: float | None
    unit: str
    series: Series
    kpi: KpiReading | None = None
    """Judged against ``kpis.cpu_pct`` / ``kpis.memory_pct`` where one applies."""


@dataclass(frozen=True)
class Resources:
    alb: AlbHealth
    database: DatabaseHealth | None
    lambdas: tuple[LambdaHealth, ...]
    buckets: tuple[Bucket, ...]
    inaccessible_buckets: tuple[Bucket, ...]
    distributions: tuple[Distribution, ...]
    distributions_not_deployed: tuple[Distribution, ...]
    health_events: tuple[HealthEvent, ...]
    """Open and upcoming AWS Health events, newest first."""
    infrastructure: tuple[InfraMetric, ...]

    def infra(self, name: str) -> InfraMetric | None:
        return next((m for m in self.infrastructure if m.name == name), None)


def _group_matches(configured: str, seen: str) -> bool:
    # Sources report a target group by name or by ARN (…:targetgroup/<name>/<id>).
    return seen == configured or f"targetgroup/{configured}/" in seen


def assess_alb(snapshot: Snapshot, cfg: Config) -> AlbHealth:
    names: list[str] = list(cfg.load_balancer.target_groups) if cfg.load_balancer is not None else []
    if not names:
        names = sorted({t.target_group for t in snapshot.target_health})
    groups = []
    for name in names:
        mine = [t for t in snapshot.target_health if _group_matches(name, t.target_group)]
        healthy = sum(1 for t in mine if t.state == "healthy")
        groups.append(TargetGroupHealth(
            name=name, healthy=healthy, total=len(mine),
            unhealthy=tuple(t for t in mine if t.state != "healthy"),
        ))
    return AlbHealth(
        groups=tuple(groups),
        healthy=sum(g.healthy for g in groups),
        total=sum(g.total for g in groups),
        level=worst((g.level for g in groups), default=Level.UNKNOWN),
    )


def assess_database(snapshot: Snapshot, cfg: Config, now: datetime) -> DatabaseHealth | None:
    db = cfg.database
    if db is None:
        return None
    window = cfg.evaluation_window_minutes
    inst = next((d for d in snapshot.db_instances if d.id == db.instance), None)
    conn_s = snapshot.metrics.get("db/connections")
    lat_w = window_points(snapshot.metrics.get("db/query_latency_ms"), now, window)
    cpu_w = window_points(snapshot.metrics.get("db/cpu"), now, window)
    latency = reading("db_query_ms", cfg.kpis.db_query_ms, mean([v for _, v in lat_w]), unit=" ms",
                      series=Series.of(snapshot.metrics.get("db/query_latency_ms")))
    connections = conn_s.last() if conn_s is not None else None
    max_conn = db.max_connections
    if inst is None:
        level = Level.FAIL if snapshot.db_instances or snapshot.source("rds").has_data else Level.UNKNOWN
    elif inst.status != "available" or (connections is not None and connections >= max_conn):
        level = Level.FAIL
    else:
        level = Level.OK
    return DatabaseHealth(
        instance_id=db.instance,
        instance=inst,
        status=inst.status if inst is not None else "not found",
        connections=connections,
        max_connections=max_conn,
        query_latency=latency,
        connections_series=Series.of(conn_s),
        cpu_pct=mean([v for _, v in cpu_w]),
        level=level,
    )


def assess_lambdas(snapshot: Snapshot, cfg: Config, now: datetime) -> tuple[LambdaHealth, ...]:
    window = cfg.evaluation_window_minutes
    functions = {f.name: f for f in snapshot.lambda_functions}
    out = []
    for svc in cfg.services:
        for fn in svc.lambda_functions:
            inv_w = window_points(snapshot.metrics.get(f"lambda/{fn}/Invocations"), now, window)
            err_w = window_points(snapshot.metrics.get(f"lambda/{fn}/Errors"), now, window)
            dur_s = snapshot.metrics.get(f"lambda/{fn}/Duration")
            dur_w = window_points(dur_s, now, window)
            inv = sum(v for _, v in inv_w) if inv_w else None
            err = sum(v for _, v in err_w) if err_w else (0.0 if inv is not None else None)
            rate = err / inv * 100.0 if inv and err is not None else (0.0 if inv == 0 else None)
            out.append(LambdaHealth(
                name=fn,
                service=svc.name,
                function=functions.get(fn),
                invocations=inv,
                errors=err,
                error_rate=reading("error_rate_pct", cfg.kpis.error_rate_pct, rate, unit="%"),
                max_duration=reading("lambda_duration_ms", cfg.kpis.lambda_duration_ms,
                                     max((v for _, v in dur_w), default=None), unit=" ms",
                                     series=Series.of(dur_s)),
            ))
    return tuple(out)


_INFRA_UNITS = {CPU: "%", MEMORY: "%", DISK: "%", NETWORK: " B/s"}


def assess_infrastructure(snapshot: Snapshot, cfg: Config, now: datetime) -> tuple[InfraMetric, ...]:
    window = cfg.evaluation_window_minutes
    kpi_of = {CPU: ("cpu_pct", cfg.kpis.cpu_pct), MEMORY: ("memory_pct", cfg.kpis.memory_pct)}
    out = []
    for name in cfg.infrastructure_metrics:
        s = snapshot.metrics.get(f"infra/{name}")
        value = mean([v for _, v in window_points(s, now, window)])
        unit = _INFRA_UNITS.get(name, "")
        kpi = None
        if name in kpi_of:
            key, threshold = kpi_of[name]
            kpi = reading(key, threshold, value, unit=unit, series=Series.of(s))
        out.append(InfraMetric(name=name, value=value, unit=unit, series=Series.of(s), kpi=kpi))
    return tuple(out)


_CLOSED = {"closed", "resolved"}


def assess_resources(snapshot: Snapshot, cfg: Config, now: datetime) -> Resources:
    buckets = tuple(sorted(snapshot.buckets, key=lambda b: b.name))
    dists = tuple(sorted(snapshot.distributions, key=lambda d: d.id))
    events = sorted(
        (e for e in snapshot.health_events if e.status.lower() not in _CLOSED),
        key=lambda e: e.last_updated or e.start or now,
        reverse=True,
    )
    return Resources(
        alb=assess_alb(snapshot, cfg),
        database=assess_database(snapshot, cfg, now),
        lambdas=assess_lambdas(snapshot, cfg, now),
        buckets=buckets,
        inaccessible_buckets=tuple(b for b in buckets if not b.accessible),
        distributions=dists,
        distributions_not_deployed=tuple(
            d for d in dists if not d.enabled or d.status.lower() != "deployed"
        ),
        health_events=tuple(events),
        infrastructure=assess_infrastructure(snapshot, cfg, now),
    )
