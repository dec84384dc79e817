"""Every CloudWatch datapoint of the skafu scenario, as a pure function of (scenario, minute).

One-minute datapoints cover minute indices ``first_minute_index`` … -1 at seeding and 0, 1, …
while the driver runs (minute i is published once it has ended). Hourly datapoints cover the
14 days before that, each standing for its whole hour (a Sum is the hour's total), so a query at
a one-hour period sees one consistent series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from skafu_tui.demo.scenario_model import (
    ALB_DIMENSION,
    DB_CONNECTIONS_BASELINE,
    DB_CONNECTIONS_NOW,
    DB_INSTANCE,
    ECS_CLUSTER,
    HOUR,
    LATENCY_SAMPLES_PER_MINUTE,
    MINUTE,
    Scenario,
    ServiceProfile,
    rng,
)

Dims = tuple[tuple[str, str], ...]

NS_APIGW = "AWS/ApiGateway"
NS_ROUTE53 = "AWS/Route53"
NS_LAMBDA = "AWS/Lambda"
NS_ALB = "AWS/ApplicationELB"
NS_RDS = "AWS/RDS"
NS_ECS = "AWS/ECS"
NS_CWAGENT = "CWAgent"
NS_BUSINESS = "Skafu/Business"

DB_DIMS: Dims = (("DBInstanceIdentifier", DB_INSTANCE),)
ALB_DIMS: Dims = (("LoadBalancer", ALB_DIMENSION),)
CLUSTER_DIMS: Dims = (("ClusterName", ECS_CLUSTER),)
NO_DIMS: Dims = ()

STORAGE_ALLOCATED_BYTES = 1000 * 10**9
STORAGE_USED_NOW_BYTES = 512 * 10**9
STORAGE_GROWTH_BYTES_PER_HOUR = 50 * 10**9 / (30 * 24)
DB_ALLOCATED_BYTES = 500 * 2**30
DB_FREE_NOW_BYTES = 182 * 2**30
ALB_BASE_RPM = 90_000
ALB_BYTES_PER_REQUEST = 18_500
REVENUE_PER_PROJECT_USD = 9.5
BUSINESS_HISTORY_HOURS = 48


@dataclass(frozen=True)
class Point:
    """One MetricData item: a single value, raw samples (for percentiles) or a statistic set."""

    namespace: str
    metric: str
    dims: Dims
    ts: datetime
    unit: str
    value: float | None = None
    samples: tuple[float, ...] = ()
    stats: tuple[float, float, float, float] | None = None
    """(Sum, Minimum, Maximum, SampleCount)."""

    def values(self) -> tuple[float, ...]:
        if self.samples:
            return self.samples
        return () if self.value is None else (self.value,)

    def total(self) -> float:
        if self.stats is not None:
            return self.stats[0]
        return sum(self.values())

    def datum(self) -> dict[str, Any]:
        """The boto3 ``MetricData`` item."""
        d: dict[str, Any] = {
            "MetricName": self.metric,
            "Dimensions": [{"Name": k, "Value": v} for k, v in self.dims],
            "Timestamp": self.ts,
            "Unit": self.unit,
        }
        if self.samples:
            d["Values"] = list(self.samples)
        elif self.stats is not None:
            s, lo, hi, n = self.stats
            d["StatisticValues"] = {"Sum": s, "Minimum": lo, "Maximum": hi, "SampleCount": n}
        else:
            d["Value"] = self.value
        return d


def service_dims(svc: ServiceProfile) -> dict[str, Dims]:
    return {
        "api": (("ApiName", svc.api_name),),
        "health": (("HealthCheckId", svc.health_check_id),),
        "lambda": (("FunctionName", svc.function_name),),
    }


def diurnal(t: datetime) -> float:
    """0 at 02:00 UTC … 1 at 14:00 UTC."""
    h = t.hour + t.minute / 60
    return 0.5 + 0.5 * math.sin(2 * math.pi * (h - 8) / 24)


def _service_effect(sc: Scenario, svc: ServiceProfile, t: datetime) -> tuple[float, float, float]:
    """(error %, median ms, availability drop) for svc at t, incidents included."""
    err, med, drop = svc.base_error_pct, svc.median_ms, 0.0
    for inc in sc.incidents_at(t):
        if inc.service != svc.name:
            continue
        k = inc.intensity(t)
        err = max(err, svc.base_error_pct + k * (inc.peak_error_pct - svc.base_error_pct))
        med = max(med, svc.median_ms + k * (inc.peak_median_ms - svc.median_ms))
        drop = max(drop, k * inc.availability_drop_pct)
    return err, med, drop


def _service_points(sc: Scenario, svc: ServiceProfile, i: int) -> tuple[list[Point], int]:
    ts = sc.minute_time(i)
    mid = ts + MINUTE / 2
    r = rng(sc.seed, "svc", svc.name, i)
    err_pct, median, drop = _service_effect(sc, svc, mid)
    count = round(svc.base_rpm * (1 + 0.04 * (diurnal(mid) - 0.5) + r.uniform(-0.025, 0.025)))
    errors = round(count * err_pct * r.uniform(0.85, 1.15) / 100)
    samples = tuple(
        round(median * math.exp(svc.sigma * r.gauss(0.0, 1.0)), 1) for _ in range(LATENCY_SAMPLES_PER_MINUTE)
    )
    availability = 100.0 if drop == 0 else round(100.0 - drop * r.uniform(0.8, 1.2), 3)
    durations = [max(1.0, s - 11.0) for s in samples]
    mean_duration = sum(durations) / len(durations)
    d = service_dims(svc)
    pts = [
        Point(NS_APIGW, "Count", d["api"], ts, "Count", value=float(count)),
        Point(NS_APIGW, "5XXError", d["api"], ts, "Count", value=float(errors)),
        Point(NS_APIGW, "Latency", d["api"], ts, "Milliseconds", samples=samples),
        Point(NS_ROUTE53, "HealthCheckPercentageHealthy", d["health"], ts, "Percent", value=availability),
        Point(NS_LAMBDA, "Invocations", d["lambda"], ts, "Count", value=float(count)),
        Point(NS_LAMBDA, "Errors", d["lambda"], ts, "Count", value=float(round(errors * 0.92))),
        Point(
            NS_LAMBDA,
            "Duration",
            d["lambda"],
            ts,
            "Milliseconds",
            stats=(round(mean_duration * count, 1), min(durations), max(durations), float(count)),
        ),
    ]
    return pts, count


def db_connections_at(sc: Scenario, i: int) -> int:
    """Maximum DatabaseConnections in minute i: climbs after the deploy, sits at 86 at start."""
    ts = sc.minute_time(i)
    r = rng(sc.seed, "db", i)
    base = round(DB_CONNECTIONS_BASELINE + 6 * (diurnal(ts) - 0.5) + r.uniform(-2, 2))
    deploy_i = sc.minute_index(sc.deploy.time)
    plateau_i = -8
    rollback_i = sc.minute_index(sc.rollback.time)
    if i == -1:
        return DB_CONNECTIONS_NOW
    if i <= deploy_i:
        return base
    if i < plateau_i:
        frac = (i - deploy_i) / (plateau_i - deploy_i)
        return round(base + frac * (DB_CONNECTIONS_NOW - base))
    if i <= rollback_i:
        return DB_CONNECTIONS_NOW - r.choice((0, 0, 1, 2, 3))
    frac = min(1.0, (i - rollback_i) / 12)
    return round(DB_CONNECTIONS_NOW - frac * (DB_CONNECTIONS_NOW - base))


def storage_used_bytes(sc: Scenario, t: datetime) -> float:
    return STORAGE_USED_NOW_BYTES - (sc.start - t) / HOUR * STORAGE_GROWTH_BYTES_PER_HOUR


def _platform_points(sc: Scenario, i: int, api_calls: int) -> list[Point]:
    ts = sc.minute_time(i)
    mid = ts + MINUTE / 2
    r = rng(sc.seed, "platform", i)
    p1 = sc.p1_incident.intensity(mid)
    d = diurnal(mid)
    alb = round(ALB_BASE_RPM * (1 + 0.1 * (d - 0.5) + r.uniform(-0.03, 0.03)))
    used = storage_used_bytes(sc, mid) + r.uniform(-2e8, 2e8)
    projects = max(0, round(r.gauss(2.6, 1.2) * (1 - 0.55 * p1)))
    free = float(round(DB_FREE_NOW_BYTES + (STORAGE_USED_NOW_BYTES - used) * 0.4))
    rows: list[tuple[str, str, Dims, str, float]] = [
        (NS_ALB, "RequestCount", ALB_DIMS, "Count", float(alb)),
        (NS_ALB, "HTTPCode_Target_5XX_Count", ALB_DIMS, "Count", float(round(alb * 0.0008))),
        (NS_ALB, "TargetResponseTime", ALB_DIMS, "Seconds", round(r.uniform(0.038, 0.052), 4)),
        (NS_ALB, "ProcessedBytes", ALB_DIMS, "Bytes", float(alb * ALB_BYTES_PER_REQUEST)),
        (NS_RDS, "DatabaseConnections", DB_DIMS, "Count", float(db_connections_at(sc, i))),
        (NS_RDS, "ReadLatency", DB_DIMS, "Seconds", round(0.008 + 0.026 * p1 + r.uniform(0, 0.003), 5)),
        (NS_RDS, "CPUUtilization", DB_DIMS, "Percent", round(38 + 22 * p1 + r.uniform(-3, 3), 2)),
        (NS_RDS, "FreeStorageSpace", DB_DIMS, "Bytes", free),
        (
            NS_ECS,
            "CPUUtilization",
            CLUSTER_DIMS,
            "Percent",
            round(60 + 6 * (d - 0.5) + 3 * p1 + r.uniform(-1.5, 1.5), 2),
        ),
        (NS_ECS, "MemoryUtilization", CLUSTER_DIMS, "Percent", round(66 + r.uniform(-1, 1), 2)),
        (
            NS_CWAGENT,
            "disk_used_percent",
            CLUSTER_DIMS,
            "Percent",
            round(used / STORAGE_ALLOCATED_BYTES * 100, 3),
        ),
        (NS_CWAGENT, "StorageUsedBytes", CLUSTER_DIMS, "Bytes", float(round(used))),
        (NS_BUSINESS, "ActiveUsers", NO_DIMS, "Count", float(round(650 + 350 * d + r.uniform(-15, 15)))),
        (NS_BUSINESS, "ProjectsCreated", NO_DIMS, "Count", float(projects)),
        (NS_BUSINESS, "ApiCalls", NO_DIMS, "Count", float(api_calls)),
        (NS_BUSINESS, "RevenueImpact", NO_DIMS, "None", round(projects * REVENUE_PER_PROJECT_USD, 2)),
    ]
    return [Point(ns, metric, dims, ts, unit, value=value) for ns, metric, dims, unit, value in rows]


@lru_cache(maxsize=4096)
def minute_points(sc: Scenario, i: int) -> tuple[Point, ...]:
    """Every one-minute datapoint of minute index i (timestamp ``sc.minute_time(i)``)."""
    out: list[Point] = []
    api_calls = 0
    for svc in sc.services:
        pts, count = _service_points(sc, svc, i)
        out.extend(pts)
        api_calls += count
    out.extend(_platform_points(sc, i, api_calls))
    return tuple(out)


def _hour_points(sc: Scenario, ts: datetime, fraction: float) -> list[Point]:
    """Capacity metrics for 14 days, business metrics for the last 48 h: what the dashboard reads."""
    mid = ts + HOUR * fraction / 2
    r = rng(sc.seed, "hour", ts.isoformat())
    d = diurnal(mid)
    used = storage_used_bytes(sc, mid)
    alb = round(ALB_BASE_RPM * 60 * fraction * (1 + 0.1 * (d - 0.5)) * r.uniform(0.98, 1.02))
    conns = round(DB_CONNECTIONS_BASELINE + 6 * (d - 0.5) + r.uniform(1, 6))
    rows: list[tuple[str, str, Dims, str, float]] = [
        (NS_ALB, "ProcessedBytes", ALB_DIMS, "Bytes", float(alb * ALB_BYTES_PER_REQUEST)),
        (NS_RDS, "DatabaseConnections", DB_DIMS, "Count", float(conns)),
        (NS_ECS, "CPUUtilization", CLUSTER_DIMS, "Percent", round(60 + 6 * (d - 0.5) + r.uniform(-1, 1), 2)),
        (NS_ECS, "MemoryUtilization", CLUSTER_DIMS, "Percent", round(66 + r.uniform(-1, 1), 2)),
        (
            NS_CWAGENT,
            "disk_used_percent",
            CLUSTER_DIMS,
            "Percent",
            round(used / STORAGE_ALLOCATED_BYTES * 100, 3),
        ),
        (NS_CWAGENT, "StorageUsedBytes", CLUSTER_DIMS, "Bytes", float(round(used))),
    ]
    if ts >= sc.first_minute_time - BUSINESS_HISTORY_HOURS * HOUR:
        projects = round(2.6 * 60 * fraction * r.uniform(0.9, 1.1))
        api_calls = sum(s.base_rpm for s in sc.services) * 60 * fraction * (1 + 0.04 * (d - 0.5))
        rows += [
            (NS_BUSINESS, "ActiveUsers", NO_DIMS, "Count", float(round(670 + 350 * d + r.uniform(0, 20)))),
            (NS_BUSINESS, "ProjectsCreated", NO_DIMS, "Count", float(projects)),
            (NS_BUSINESS, "ApiCalls", NO_DIMS, "Count", float(round(api_calls))),
            (NS_BUSINESS, "RevenueImpact", NO_DIMS, "None", round(projects * REVENUE_PER_PROJECT_USD, 2)),
        ]
    return [Point(ns, metric, dims, ts, unit, value=value) for ns, metric, dims, unit, value in rows]


@lru_cache(maxsize=8)
def hourly_points(sc: Scenario) -> tuple[Point, ...]:
    """The hourly history before the one-minute region (see :func:`_hour_points`)."""
    return tuple(p for ts, fraction in sc.hourly_slots() for p in _hour_points(sc, ts, fraction))


def history_points(sc: Scenario) -> list[Point]:
    """Everything seeded at start: hourly history, then one-minute datapoints up to minute -1."""
    out = list(hourly_points(sc))
    for i in range(sc.first_minute_index, 0):
        out.extend(minute_points(sc, i))
    return out


def published_through(sc: Scenario, at: datetime) -> int:
    """Index of the newest one-minute datapoint published by scenario time ``at`` (-1 at start)."""
    return max(-1, sc.minute_index(at) - 1)


def series(
    sc: Scenario,
    namespace: str,
    metric: str,
    dims: Dims,
    t0: datetime,
    t1: datetime,
    *,
    at: datetime | None = None,
) -> list[Point]:
    """Published datapoints of one metric with timestamps in [t0, t1), as CloudWatch holds them at ``at``."""
    at = t1 if at is None else at
    last = published_through(sc, at)
    key = (namespace, metric, tuple(sorted(dims)))
    out = [p for p in hourly_points(sc) if t0 <= p.ts < t1 and (p.namespace, p.metric, tuple(sorted(p.dims))) == key]
    lo = max(sc.first_minute_index, sc.minute_index(t0) - 1)
    for i in range(lo, last + 1):
        for p in minute_points(sc, i):
            if t0 <= p.ts < t1 and (p.namespace, p.metric, tuple(sorted(p.dims))) == key:
                out.append(p)
    return out


def percentile(values: list[float] | tuple[float, ...], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p % of values at or below it."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    # Same float slack as the embedded CloudWatch, so 95 % of 360 samples is rank 342, not 343.
    rank = math.ceil(p / 100 * len(ordered) - 1e-9)
    return ordered[min(max(rank, 1), len(ordered)) - 1]
