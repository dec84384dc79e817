"""Builders of hand-made Snapshots for the assessment and report unit tests (no tests here).

Values are derived from the repository's config.yaml: a test that needs "exactly at target"
reads the target from the config, never a literal.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from skafu_tui.config import Config, load_config
from skafu_tui.models import Alarm, AlarmState, MetricSeries
from skafu_tui.snapshot import Snapshot, SourceName, SourceState, SourceStatus

REPO = Path(__file__).resolve().parents[2]
CFG: Config = load_config(REPO / "config.yaml").config
NOW = datetime(2026, 3, 18, 12, 0, 30, tzinfo=UTC)
"""A Wednesday mid-month; 30 s into a minute so the minute in progress is visibly left out."""
MINUTE = timedelta(minutes=1)


def minute_stamps(now: datetime = NOW, count: int = 180) -> list[datetime]:
    """`count` complete one-minute stamps ending with the last complete minute before `now`."""
    last = now.replace(second=0, microsecond=0) - MINUTE
    return [last - (count - 1 - i) * MINUTE for i in range(count)]


def window_stamps(cfg: Config = CFG, now: datetime = NOW) -> list[datetime]:
    """The stamps the evaluation window holds: in [now - window, now) and complete."""
    start = now - timedelta(minutes=cfg.evaluation_window_minutes)
    return [t for t in minute_stamps(now) if t >= start]


def series(key: str, values: float | list[float], *, now: datetime = NOW, count: int = 180,
           period_s: int = 60) -> MetricSeries:
    if period_s == 60:
        stamps = minute_stamps(now, count)
    else:
        last = now.replace(minute=0, second=0, microsecond=0) - timedelta(seconds=period_s)
        stamps = [last - (count - 1 - i) * timedelta(seconds=period_s) for i in range(count)]
    vals = [float(values)] * count if isinstance(values, int | float) else [float(v) for v in values]
    assert len(vals) == len(stamps)
    return MetricSeries(key=key, period_s=period_s, timestamps=tuple(stamps), values=tuple(vals))


def healthy_values(cfg: Config = CFG) -> dict[str, float]:
    """Per-minute figures comfortably inside every KPI target."""
    k = cfg.kpis
    rps = k.throughput_rps.target * 1.2
    return {
        "rpm": rps * 60,
        "error_pct": k.error_rate_pct.target / 2,
        "p95": k.response_time_p95_ms.target / 2,
        "availability": 100.0,
    }


def service_series(name: str, *, rpm: float, error_pct: float, p95: float,
                   availability: float | None = 100.0) -> dict[str, MetricSeries]:
    out = {
        f"svc/{name}/requests": series(f"svc/{name}/requests", rpm),
        f"svc/{name}/errors": series(f"svc/{name}/errors", rpm * error_pct / 100.0),
        f"svc/{name}/latency": series(f"svc/{name}/latency", p95),
    }
    if availability is not None:
        out[f"svc/{name}/availability"] = series(f"svc/{name}/availability", availability)
    return out


def all_services_metrics(cfg: Config = CFG, /, **overrides: dict[str, Any]) -> dict[str, MetricSeries]:
    """Healthy series for every configured service; `overrides[name]` changes one service's figures."""
    out: dict[str, MetricSeries] = {}
    for svc in cfg.services:
        values: dict[str, Any] = {**healthy_values(cfg), **overrides.get(svc.name, {})}
        out.update(service_series(svc.name, **values))
    return out


def ok_sources(now: datetime = NOW, names: Iterable[str] | None = None, /,
               **states: SourceState) -> dict[str, SourceState]:
    """Every source ok, fetched just now, with its configured cadence; `states` replaces some."""
    out = {}
    for name in names or [s.value for s in SourceName]:
        out[name] = SourceState(name=name, status=SourceStatus.OK, fetched_at=now, attempted_at=now,
                                cadence_s=60.0)
    out.update(states)
    return out


def alarm(name: str, state: AlarmState) -> Alarm:
    return Alarm(name=name, state=state)


def snap(now: datetime = NOW, *, metrics: dict[str, MetricSeries] | None = None,
         sources: dict[str, SourceState] | None = None, **fields: Any) -> Snapshot:
    return Snapshot(
        taken_at=now,
        account="111122223333",
        regions=("us-east-1",),
        sources=MappingProxyType(ok_sources(now) if sources is None else sources),
        metrics=MappingProxyType(all_services_metrics() if metrics is None else metrics),
        **fields,
    )
