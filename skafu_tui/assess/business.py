"""Business metrics over the last 24 hours (``biz/<name>`` hourly series)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from skafu_tui.assess.common import Series, as_utc, mean, since_points
from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.config import Config


@dataclass(frozen=True)
class BusinessMetric:
    name: str
    """The config key, which is the seed's report key (``activeUsers`` …)."""
    value: float | None
    aggregate: str
    series: Series


def _combine(values: list[float], how: str) -> float | None:
    if not values:
        return None
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    if how == "avg":
        return mean(values)
    if how == "last":
        return values[-1]
    return sum(values)


def assess_business(snapshot: Snapshot, cfg: Config, now: datetime) -> tuple[BusinessMetric, ...]:
    since = as_utc(now) - timedelta(hours=24)
    out = []
    for name, ref in cfg.business_metrics.items():
        # A gauge (Maximum/Minimum/Average stat) must not be summed across hours.
        how = ref.aggregate or {"Maximum": "max", "Minimum": "min", "Average": "avg"}.get(ref.stat, "sum")
        pts = since_points(snapshot.metrics.get(f"biz/{name}"), since)
        out.append(BusinessMetric(name, _combine([v for _, v in pts], how), how, Series.from_points(pts)))
    return tuple(out)
