"""Vocabulary shared by every assessment: levels, KPI readings, series and window arithmetic.

Conventions (one place, so every pane and the report agree):

- A value exactly at a threshold is not past it (``error rate 1.0 %`` with target 1 % is ok).
- The evaluation window holds the datapoints stamped in ``[now - N minutes, now)`` whose period
  has ended: with 1-minute data and ``now`` = 12:00:30 a 15-minute window holds 11:46 … 11:59.
  The minute in progress is left out because CloudWatch still fills it in, and a partial minute
  would drag sums (requests, throughput) down.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from skafu_tui.models import MetricSeries


class Level(StrEnum):
    """The verdict of a check, KPI or resource. Never carried by colour alone: see :attr:`symbol`."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    UNKNOWN = "unknown"

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]

    @property
    def rank(self) -> int:
        """Higher is worse; unknown ranks between ok and warn."""
        return _RANKS[self]


_SYMBOLS = {Level.OK: "✓", Level.WARN: "!", Level.FAIL: "✗", Level.UNKNOWN: "?"}
_RANKS = {Level.OK: 0, Level.UNKNOWN: 1, Level.WARN: 2, Level.FAIL: 3}


def worst(levels: Iterable[Level], default: Level = Level.OK) -> Level:
    """The worst of `levels` (fail > warn > unknown > ok); `default` when there are none."""
    found = list(levels)
    return max(found, key=lambda lv: lv.rank) if found else default


class Health(StrEnum):
    """A service's or the platform's status, in the seed's words (plus unknown without data)."""

    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"
    UNKNOWN = "unknown"

    @property
    def level(self) -> Level:
        return _HEALTH_LEVEL[self]


_HEALTH_LEVEL = {
    Health.HEALTHY: Level.OK,
    Health.DEGRADED: Level.WARN,
    Health.UNHEALTHY: Level.FAIL,
    Health.UNKNOWN: Level.UNKNOWN,
}


class ThresholdLike(Protocol):
    """What :func:`judge` needs of a config threshold (``skafu_tui.config.Threshold``)."""

    @property
    def target(self) -> float: ...
    @property
    def alert(self) -> float: ...
    @property
    def higher_is_better(self) -> bool: ...


def _past(value: float, level: float, higher_is_better: bool) -> bool:
    # Values are sums and means of floats: 14 x 99.9 / 14 is not 99.9 exactly. Within a
    # relative 1e-9 a value counts as *at* the level, which is not past it.
    slack = 1e-9 * max(1.0, abs(level))
    return value < level - slack if higher_is_better else value > level + slack


def judge(threshold: ThresholdLike, value: float | None) -> Level:
    """ok / warn (past target) / fail (past alert) / unknown (no value). At a level is not past it."""
    if value is None:
        return Level.UNKNOWN
    if _past(value, threshold.alert, threshold.higher_is_better):
        return Level.FAIL
    if _past(value, threshold.target, threshold.higher_is_better):
        return Level.WARN
    return Level.OK


@dataclass(frozen=True)
class Series:
    """Points for a plot, oldest first."""

    timestamps: tuple[datetime, ...] = ()
    values: tuple[float, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.values)

    def last(self) -> float | None:
        return self.values[-1] if self.values else None

    @staticmethod
    def of(series: MetricSeries | None) -> Series:
        if series is None:
            return Series()
        return Series(tuple(series.timestamps), tuple(series.values))

    @staticmethod
    def from_points(points: Sequence[tuple[datetime, float]]) -> Series:
        return Series(tuple(t for t, _ in points), tuple(v for _, v in points))


@dataclass(frozen=True)
class KpiReading:
    """One KPI judged against its thresholds, with its series for a plot with target and alert lines."""

    kpi: str
    """The config key, e.g. ``error_rate_pct``."""
    value: float | None
    target: float
    alert: float
    higher_is_better: bool
    status: Level
    unit: str = ""
    series: Series = Series()
    derived: bool = False
    """True when the value was derived rather than measured (availability from the error rate)."""

    @property
    def breached(self) -> bool:
        return self.status in (Level.WARN, Level.FAIL)


def reading(
    kpi: str,
    threshold: ThresholdLike,
    value: float | None,
    *,
    unit: str = "",
    series: Series = Series(),
    derived: bool = False,
    status: Level | None = None,
) -> KpiReading:
    return KpiReading(
        kpi=kpi,
        value=value,
        target=threshold.target,
        alert=threshold.alert,
        higher_is_better=threshold.higher_is_better,
        status=judge(threshold, value) if status is None else status,
        unit=unit,
        series=series,
        derived=derived,
    )


@dataclass(frozen=True)
class Breach:
    """A KPI past its target (warn) or alert level (fail)."""

    kpi: str
    value: float
    target: float
    alert: float
    level: Level
    unit: str = ""


def breach_of(r: KpiReading) -> Breach | None:
    if not r.breached or r.value is None:
        return None
    return Breach(kpi=r.kpi, value=r.value, target=r.target, alert=r.alert, level=r.status, unit=r.unit)


def as_utc(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts


def window_points(
    series: MetricSeries | None, now: datetime, minutes: int
) -> list[tuple[datetime, float]]:
    """The series' points inside the evaluation window ending at `now` (see the module docstring)."""
    if series is None:
        return []
    now = as_utc(now)
    start = now - timedelta(minutes=minutes)
    last = now - timedelta(seconds=series.period_s)
    return [
        (t, v)
        for t, v in zip(series.timestamps, series.values, strict=False)
        if start <= as_utc(t) <= last
    ]


def since_points(series: MetricSeries | None, since: datetime) -> list[tuple[datetime, float]]:
    """Points stamped at or after `since` (for 24 h business totals and 14-day trends)."""
    if series is None:
        return []
    return [(t, v) for t, v in zip(series.timestamps, series.values, strict=False) if as_utc(t) >= since]


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def pct(part: float, whole: float) -> float | None:
    return part / whole * 100.0 if whole else None


def fmt_num(value: float | None, digits: int = 1) -> str:
    """A number for evidence text: ``None`` → ``n/a``, integers without decimals."""
    if value is None:
        return "n/a"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"
