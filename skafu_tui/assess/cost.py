"""Cost: month to date against budget, forecast, 30 days by service, anomalies and top movers.

Days are UTC calendar days, as Cost Explorer reports them. "Today" is partial in Cost Explorer
(it refreshes a few times a day), so movers compare complete days only (the 7 days up to
yesterday against the 7 before them).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from skafu_tui.assess.common import Level, as_utc
from skafu_tui.models import CostAnomaly
from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.config import Config

DAYS_SHOWN = 30
MOVER_DAYS = 7


@dataclass(frozen=True)
class Mover:
    service: str
    last_7d: float
    previous_7d: float

    @property
    def change(self) -> float:
        return self.last_7d - self.previous_7d

    @property
    def change_pct(self) -> float | None:
        return self.change / self.previous_7d * 100.0 if self.previous_7d else None


@dataclass(frozen=True)
class DailyCost:
    """A matrix for stacked bars: ``amounts[i][j]`` is service ``i`` on day ``j``."""

    days: tuple[date, ...]
    services: tuple[str, ...]
    """Biggest spender over the period first."""
    amounts: tuple[tuple[float, ...], ...]

    def total(self, day_index: int) -> float:
        return sum(row[day_index] for row in self.amounts)


@dataclass(frozen=True)
class CostAssessment:
    month_start: date
    today: date
    month_to_date: float
    today_cost: float
    """Cost Explorer's figure for today so far: usually 0 or partial (it refreshes a few times a day)."""
    last_day: date | None
    """The most recent day with any cost: what "today's cost" can honestly show."""
    last_day_cost: float
    budget: float | None
    budget_source: str
    """``budget <name>`` when read from AWS Budgets, ``config`` otherwise."""
    forecast_month_end: float | None
    forecast_method: str
    """``cost explorer``, ``budgets``, ``linear`` or ``none``."""
    daily: DailyCost
    anomalies: tuple[CostAnomaly, ...]
    """Impact ≥ ``cost.anomaly_min_impact_usd``, biggest first."""
    movers: tuple[Mover, ...]
    """Biggest absolute change first."""
    unit: str

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.month_to_date > self.budget

    @property
    def forecast_over_budget(self) -> bool:
        return (self.budget is not None and self.forecast_month_end is not None
                and self.forecast_month_end > self.budget)

    @property
    def budget_used_pct(self) -> float | None:
        return self.month_to_date / self.budget * 100.0 if self.budget else None

    @property
    def daily_budget(self) -> float | None:
        if self.budget is None:
            return None
        return self.budget / calendar.monthrange(self.today.year, self.today.month)[1]

    @property
    def level(self) -> Level:
        if self.over_budget:
            return Level.FAIL
        if self.forecast_over_budget or self.anomalies:
            return Level.WARN
        return Level.OK


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def assess_cost(snapshot: Snapshot, cfg: Config, now: datetime) -> CostAssessment:
    today = as_utc(now).date()
    month_start = today.replace(day=1)
    by_day: dict[date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in snapshot.cost_days:
        by_day[c.day][c.service] += c.amount
    mtd = sum(a for d, per in by_day.items() if month_start <= d <= today for a in per.values())
    today_cost = sum(by_day.get(today, {}).values())
    last_day = max((d for d in by_day if d <= today), default=None)
    last_day_cost = sum(by_day[last_day].values()) if last_day is not None else 0.0

    name = cfg.cost.budget_name
    found = next((b for b in snapshot.budgets if name and b.name == name), None)
    budget = found.limit if found is not None else cfg.cost.monthly_budget_usd
    budget_source = f"budget {found.name}" if found is not None else "config"

    fc = snapshot.cost_forecast
    month_end = _next_month(today)
    if fc is not None and month_start <= fc.start and fc.end <= month_end:
        # The forecast covers fc.start onwards (today included), so add only the actuals before it.
        before = sum(a for d, per in by_day.items() if month_start <= d < fc.start for a in per.values())
        forecast: float | None = before + fc.amount
        method = "cost explorer"
    elif found is not None and found.forecast is not None:
        forecast, method = found.forecast, "budgets"
    elif mtd > 0:
        elapsed = (today - month_start).days + 1
        forecast, method = mtd / elapsed * (month_end - month_start).days, "linear"
    else:
        forecast, method = None, "none"

    days = tuple(today - timedelta(days=DAYS_SHOWN - 1 - i) for i in range(DAYS_SHOWN))
    totals: dict[str, float] = defaultdict(float)
    for d in days:
        for svc, amount in by_day.get(d, {}).items():
            totals[svc] += amount
    services = tuple(sorted(totals, key=lambda s: (-totals[s], s)))
    amounts = tuple(tuple(by_day.get(d, {}).get(s, 0.0) for d in days) for s in services)

    yesterday = today - timedelta(days=1)
    last = [yesterday - timedelta(days=i) for i in range(MOVER_DAYS)]
    prev = [yesterday - timedelta(days=MOVER_DAYS + i) for i in range(MOVER_DAYS)]
    every = {s for per in by_day.values() for s in per}
    movers = [
        Mover(s, sum(by_day.get(d, {}).get(s, 0.0) for d in last),
              sum(by_day.get(d, {}).get(s, 0.0) for d in prev))
        for s in every
    ]
    movers = sorted((m for m in movers if m.change), key=lambda m: (-abs(m.change), m.service))

    min_impact = cfg.cost.anomaly_min_impact_usd
    anomalies = tuple(sorted((a for a in snapshot.cost_anomalies if a.impact >= min_impact),
                             key=lambda a: (-a.impact, a.id)))
    unit = snapshot.cost_days[0].unit if snapshot.cost_days else "USD"
    return CostAssessment(
        month_start=month_start,
        today=today,
        month_to_date=mtd,
        today_cost=today_cost,
        last_day=last_day,
        last_day_cost=last_day_cost,
        budget=budget,
        budget_source=budget_source,
        forecast_month_end=forecast,
        forecast_method=method,
        daily=DailyCost(days, services, amounts),
        anomalies=anomalies,
        movers=tuple(movers),
        unit=unit,
    )
