"""Service health over the evaluation window, and the platform's status by the seed's rule.

Per service, from the ``svc/<service>/<role>`` series:

- error rate % = Σ errors / Σ requests * 100 over the window;
- p95 latency = the request-weighted mean of the per-minute p95s in the window. CloudWatch cannot
  merge percentiles, so some approximation is unavoidable: the maximum lets one noisy minute mark
  a service unhealthy for the whole window, the last minute alone ignores the window; weighting by
  requests makes busy minutes count as much as the traffic they carried (plain mean without counts);
- throughput rps = Σ requests / the seconds the window's datapoints cover (the mean per-minute
  rate; or the mean of a configured throughput series). Not / window seconds: CloudWatch
  publishes the newest minutes late, and a missing minute is not a minute without traffic;
- availability % = mean of the availability series; without one it is derived as 100 - error rate
  and takes the error rate's verdict (it is the same evidence, so it must not count twice).

Status: unhealthy when a KPI is past its alert level or one of the service's alarms is in ALARM;
degraded when a KPI is past its target; unknown when no KPI has data; else healthy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.assess.common import (
    Breach,
    Health,
    KpiReading,
    Level,
    Series,
    breach_of,
    mean,
    reading,
    window_points,
)

if TYPE_CHECKING:
    from skafu_tui.config import Config
    from skafu_tui.config.models import Service
    from skafu_tui.models import Alarm, MetricSeries
    from skafu_tui.snapshot import Snapshot

ERROR_RATE = "error_rate_pct"
P95 = "response_time_p95_ms"
THROUGHPUT = "throughput_rps"
AVAILABILITY = "availability_pct"


@dataclass(frozen=True)
class ServiceHealth:
    """One configured service over the evaluation window."""

    name: str
    feature: str
    critical: bool
    status: Health
    kpis: tuple[KpiReading, ...]
    """error rate, p95, throughput and availability, in that order (those configured)."""
    requests: float | None
    """Σ requests in the window; None without data."""
    errors: float | None
    alarms: tuple[Alarm, ...]
    """The service's configured alarms as found (missing ones are in :attr:`missing_alarms`)."""
    alarms_in_alarm: tuple[str, ...]
    alarms_insufficient: tuple[str, ...]
    missing_alarms: tuple[str, ...]
    breaches: tuple[Breach, ...]
    """KPIs past target or alert, worst first."""

    def kpi(self, name: str) -> KpiReading | None:
        return next((k for k in self.kpis if k.kpi == name), None)

    def value(self, name: str) -> float | None:
        k = self.kpi(name)
        return None if k is None else k.value

    @property
    def error_rate_pct(self) -> float | None:
        return self.value(ERROR_RATE)

    @property
    def p95_ms(self) -> float | None:
        return self.value(P95)

    @property
    def throughput_rps(self) -> float | None:
        return self.value(THROUGHPUT)

    @property
    def availability_pct(self) -> float | None:
        return self.value(AVAILABILITY)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the service is not healthy, in words: alarms then breaches."""
        out = [f"alarm {a} in ALARM" for a in self.alarms_in_alarm]
        for b in self.breaches:
            level = "alert" if b.level is Level.FAIL else "target"
            limit = b.alert if b.level is Level.FAIL else b.target
            out.append(f"{b.kpi} {b.value:.4g}{b.unit} (past {level} {limit:g}{b.unit})")
        return tuple(out)


@dataclass(frozen=True)
class SystemHealth:
    """The seed's ``systemHealth``, plus the services behind it."""

    overall_status: Health
    service_availability_pct: float
    """% of configured services that are healthy."""
    error_rate_pct: float | None
    """Σ errors / Σ requests over all services."""
    response_time_ms: float | None
    """Request-weighted mean of the services' p95."""
    services: tuple[ServiceHealth, ...]
    healthy_count: int
    total_requests: float | None

    def service(self, name: str) -> ServiceHealth | None:
        return next((s for s in self.services if s.name == name), None)


def _aligned(a: MetricSeries | None, b: MetricSeries | None) -> list[tuple[datetime, float, float]]:
    """(t, a, b) where both series have a point at t."""
    if a is None or b is None:
        return []
    other = dict(zip(b.timestamps, b.values, strict=False))
    return [(t, v, other[t]) for t, v in zip(a.timestamps, a.values, strict=False) if t in other]


def _error_rate_series(errors: MetricSeries | None, requests: MetricSeries | None) -> Series:
    pts = [(t, e / r * 100.0) for t, e, r in _aligned(errors, requests) if r > 0]
    return Series.from_points(pts)


def _weighted_p95(
    latency: list[tuple[datetime, float]], requests: list[tuple[datetime, float]]
) -> float | None:
    if not latency:
        return None
    weights = dict(requests)
    total = sum(weights.get(t, 0.0) for t, _ in latency)
    if total <= 0:
        return mean([v for _, v in latency])
    return sum(v * weights.get(t, 0.0) for t, v in latency) / total


def _sum(points: Sequence[tuple[datetime, float]]) -> float | None:
    return sum(v for _, v in points) if points else None


def assess_service(svc: Service, snapshot: Snapshot, cfg: Config, now: datetime) -> ServiceHealth:
    # Imported here: the overview pane imports this module's constants before its first paint,
    # and the records (pydantic) are not needed until there is data to assess.
    from skafu_tui.models import AlarmState

    window = cfg.evaluation_window_minutes
    kpis = cfg.kpis_for(svc)

    def series(role: str) -> MetricSeries | None:
        return snapshot.metrics.get(f"svc/{svc.name}/{role}")

    req_s, err_s, lat_s = series("requests"), series("errors"), series("latency")
    avail_s, thr_s = series("availability"), series("throughput")
    req_w, err_w, lat_w = (window_points(s, now, window) for s in (req_s, err_s, lat_s))
    requests, errors = _sum(req_w), _sum(err_w)
    if errors is None and requests is not None:
        errors = 0.0  # CloudWatch omits a 5xx count with no errors: requests prove the service was read

    error_rate = errors / requests * 100.0 if requests and errors is not None else None
    if requests == 0 and errors == 0:
        error_rate = 0.0
    readings: list[KpiReading] = [
        reading(ERROR_RATE, kpis.error_rate_pct, error_rate, unit="%",
                series=_error_rate_series(err_s, req_s)),
        reading(P95, kpis.response_time_p95_ms, _weighted_p95(lat_w, req_w), unit=" ms",
                series=Series.of(lat_s)),
    ]

    thr_w = window_points(thr_s, now, window)
    if thr_w:
        throughput: float | None = mean([v for _, v in thr_w])
        thr_series = Series.of(thr_s)
    else:
        covered = len(req_w) * (req_s.period_s if req_s is not None else 60)
        throughput = requests / covered if requests is not None and covered else None
        thr_series = Series(
            tuple(req_s.timestamps), tuple(v / req_s.period_s for v in req_s.values)
        ) if req_s is not None else Series()
    readings.append(reading(THROUGHPUT, kpis.throughput_rps, throughput, unit=" rps", series=thr_series))

    avail_w = window_points(avail_s, now, window)
    if avail_w:
        readings.append(reading(AVAILABILITY, kpis.availability_pct, mean([v for _, v in avail_w]),
                                unit="%", series=Series.of(avail_s)))
    elif error_rate is not None:
        readings.append(reading(AVAILABILITY, kpis.availability_pct, 100.0 - error_rate, unit="%",
                                derived=True, status=readings[0].status))
    else:
        readings.append(reading(AVAILABILITY, kpis.availability_pct, None, unit="%"))

    by_name = {a.name: a for a in snapshot.alarms}
    mine = tuple(by_name[n] for n in svc.alarms if n in by_name)
    in_alarm = tuple(a.name for a in mine if a.state is AlarmState.ALARM)
    insufficient = tuple(a.name for a in mine if a.state is AlarmState.INSUFFICIENT_DATA)
    missing = tuple(n for n in svc.alarms if n not in by_name)

    breaches = sorted(
        (b for b in (breach_of(r) for r in readings if not r.derived) if b is not None),
        key=lambda b: -b.level.rank,
    )
    levels = {r.status for r in readings}
    if in_alarm or Level.FAIL in levels:
        status = Health.UNHEALTHY
    elif Level.WARN in levels:
        status = Health.DEGRADED
    elif levels == {Level.UNKNOWN}:
        status = Health.UNKNOWN
    else:
        status = Health.HEALTHY
    return ServiceHealth(
        name=svc.name,
        feature=svc.feature,
        critical=svc.critical,
        status=status,
        kpis=tuple(readings),
        requests=requests,
        errors=errors,
        alarms=mine,
        alarms_in_alarm=in_alarm,
        alarms_insufficient=insufficient,
        missing_alarms=missing,
        breaches=tuple(breaches),
    )


def overall_status(availability_pct: float, cfg: Config) -> Health:
    """The seed's rule: ≥ healthy_at_pct healthy, ≥ degraded_at_pct degraded, else unhealthy."""
    rule = cfg.overall_status
    if availability_pct >= rule.healthy_at_pct:
        return Health.HEALTHY
    if availability_pct >= rule.degraded_at_pct:
        return Health.DEGRADED
    return Health.UNHEALTHY


def assess_system(snapshot: Snapshot, cfg: Config, now: datetime) -> SystemHealth:
    services = tuple(assess_service(s, snapshot, cfg, now) for s in cfg.services)
    healthy = sum(1 for s in services if s.status is Health.HEALTHY)
    availability = healthy / len(services) * 100.0 if services else 0.0
    # With no data for any service the rule would say "unhealthy"; say what is true instead.
    if services and all(s.status is Health.UNKNOWN for s in services):
        overall = Health.UNKNOWN
    else:
        overall = overall_status(availability, cfg)

    with_requests = [s for s in services if s.requests is not None]
    total_req = sum(s.requests or 0.0 for s in with_requests) if with_requests else None
    total_err = sum(s.errors or 0.0 for s in with_requests)
    error_rate = total_err / total_req * 100.0 if total_req else (0.0 if total_req == 0 else None)
    weighted = [(s.p95_ms, s.requests or 0.0) for s in services if s.p95_ms is not None]
    weight = sum(w for _, w in weighted)
    if weight > 0:
        response: float | None = sum((p or 0.0) * w for p, w in weighted) / weight
    else:
        response = mean([p for p, _ in weighted if p is not None])
    return SystemHealth(
        overall_status=overall,
        service_availability_pct=availability,
        error_rate_pct=error_rate,
        response_time_ms=response,
        services=services,
        healthy_count=healthy,
        total_requests=total_req,
    )
