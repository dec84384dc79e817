"""The top alerts across every area for the overview: worst first.

Order: fail before warn; then by area (platform health, security, performance, compliance,
capacity, cost: what wakes an operator first); then critical services before others; then the
order the areas produce them. Unknowns are not alerts: the sources bar says why data is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from skafu_tui.assess.capacity import CapacityAssessment
from skafu_tui.assess.checks import Check
from skafu_tui.assess.common import Health, Level, fmt_num
from skafu_tui.assess.cost import CostAssessment
from skafu_tui.assess.health import SystemHealth

if TYPE_CHECKING:
    from skafu_tui.config import Config

AREA_ORDER = ("health", "system", "security", "performance", "compliance", "capacity", "cost")

# Service KPIs already raise one alert per service; these checks would repeat them.
_COVERED_BY_SERVICES = frozenset({"performance.response_time", "performance.error_rate"})


@dataclass(frozen=True)
class Alert:
    level: Level
    area: str
    title: str
    detail: str
    ref: str
    """What to drill into: ``service:<name>``, ``check:<id>``, ``capacity:<name>``, ``cost:…``."""


def _services(system: SystemHealth) -> list[tuple[int, Alert]]:
    out = []
    for s in system.services:
        if s.status in (Health.UNHEALTHY, Health.DEGRADED):
            out.append((0 if s.critical else 1, Alert(
                level=s.status.level, area="health", title=f"{s.name} {s.status.value}",
                detail="; ".join(s.reasons), ref=f"service:{s.name}",
            )))
    return out


def _capacity(cap: CapacityAssessment) -> list[Alert]:
    out = []
    for c in cap.compute:
        if c.level in (Level.WARN, Level.FAIL):
            out.append(Alert(c.level, "capacity", f"{c.name} {fmt_num(c.current_pct)}%",
                             f"optimal {c.optimal_pct:g}%, scaling threshold {c.scaling_threshold_pct:g}%",
                             f"capacity:{c.name}"))
    db = cap.database
    if db is not None and db.level in (Level.WARN, Level.FAIL):
        out.append(Alert(db.level, "capacity", f"DB connections {fmt_num(db.current)}/{fmt_num(db.max)}",
                         f"baseline {fmt_num(db.baseline)}", "capacity:db_connections"))
    st = cap.storage
    if st is not None and st.level in (Level.WARN, Level.FAIL):
        detail = (f"growth {fmt_num(st.growth_gb_per_month)} GB/month "
                  f"(plan {fmt_num(st.planned_growth_gb_per_month)})")
        if st.days_until_full is not None:
            detail += f", full in {st.days_until_full:.0f} days"
        out.append(Alert(st.level, "capacity", f"storage {fmt_num(st.used_gb)}/{fmt_num(st.allocated_gb)} GB",
                         detail, "capacity:storage"))
    return out


def _cost(cost: CostAssessment) -> list[Alert]:
    out = []
    if cost.over_budget:
        out.append(Alert(Level.FAIL, "cost", "over budget",
                         f"month to date {cost.month_to_date:,.2f} of {cost.budget or 0:,.2f} {cost.unit}",
                         "cost:budget"))
    elif cost.forecast_over_budget:
        out.append(Alert(Level.WARN, "cost", "forecast over budget",
                         f"forecast {cost.forecast_month_end or 0:,.2f} of "
                         f"{cost.budget or 0:,.2f} {cost.unit}",
                         "cost:budget"))
    for a in cost.anomalies:
        out.append(Alert(Level.WARN, "cost", f"cost anomaly {a.service or 'unknown service'}",
                         f"impact {a.impact:,.2f} {cost.unit} since {a.start}", f"cost:anomaly:{a.id}"))
    return out


def rank_alerts(
    system: SystemHealth,
    checks: tuple[Check, ...],
    capacity: CapacityAssessment,
    cost: CostAssessment,
    cfg: Config,
) -> tuple[Alert, ...]:
    ranked: list[tuple[int, Alert]] = _services(system)
    for c in checks:
        if c.status in (Level.WARN, Level.FAIL) and c.id not in _COVERED_BY_SERVICES:
            ranked.append((0, Alert(c.status, c.area, c.title, c.evidence, f"check:{c.id}")))
    ranked += [(0, a) for a in _capacity(capacity)]
    ranked += [(0, a) for a in _cost(cost)]
    order = {area: i for i, area in enumerate(AREA_ORDER)}
    indexed = list(enumerate(ranked))
    indexed.sort(key=lambda item: (-item[1][1].level.rank, order.get(item[1][1].area, len(order)),
                                   item[1][0], item[0]))
    return tuple(alert for _, (_, alert) in indexed)
