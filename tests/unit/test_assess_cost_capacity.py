"""Cost (month to date, budget, forecast, daily matrix, movers, anomalies) and capacity."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from test_assess_support import CFG, NOW, series, snap

from skafu_tui.assess import Level, assess
from skafu_tui.assess.capacity import GB, slope_per_day
from skafu_tui.models import Budget, CostAnomaly, CostDay, CostForecast

TODAY = NOW.date()
MONTH_START = TODAY.replace(day=1)
DAYS_IN_MONTH = calendar.monthrange(TODAY.year, TODAY.month)[1]


def days_back(n: int) -> date:
    return TODAY - timedelta(days=n)


def flat_costs(per_day: dict[str, float], back: int = 40) -> tuple[CostDay, ...]:
    """Complete days only (Cost Explorer has nothing for today yet)."""
    return tuple(CostDay(day=days_back(i), service=s, amount=a) for i in range(1, back + 1)
                 for s, a in per_day.items())


def test_month_to_date_budget_and_cost_explorer_forecast() -> None:
    costs = flat_costs({"Lambda": 100.0, "RDS": 50.0})
    remaining = DAYS_IN_MONTH - TODAY.day + 1
    fc = CostForecast(start=TODAY, end=date(TODAY.year, TODAY.month % 12 + 1, 1), amount=150.0 * remaining)
    c = assess(snap(cost_days=costs, cost_forecast=fc), CFG, NOW).cost
    complete = TODAY.day - 1
    assert c.month_to_date == pytest.approx(150.0 * complete)
    assert c.budget == CFG.cost.monthly_budget_usd and c.budget_source == "config"
    assert c.forecast_method == "cost explorer"
    assert c.forecast_month_end == pytest.approx(150.0 * complete + fc.amount)
    assert not c.over_budget
    assert c.today_cost == 0.0 and (c.last_day, c.last_day_cost) == (days_back(1), 150.0)


def test_budget_from_aws_budgets_wins_and_over_budget_levels() -> None:
    name = CFG.cost.budget_name
    assert name is not None
    costs = flat_costs({"Lambda": 1000.0})
    mtd = 1000.0 * (TODAY.day - 1)
    over = Budget(name=name, limit=mtd - 1, actual=mtd)
    c = assess(snap(cost_days=costs, budgets=(over,)), CFG, NOW).cost
    assert c.budget == over.limit and c.budget_source == f"budget {name}"
    assert c.over_budget and c.level is Level.FAIL
    at = Budget(name=name, limit=mtd, actual=mtd, forecast=mtd * 2)
    c = assess(snap(cost_days=costs, budgets=(at,)), CFG, NOW).cost
    assert not c.over_budget and c.forecast_method == "budgets"
    assert c.forecast_over_budget and c.level is Level.WARN


def test_daily_matrix_30_days_biggest_service_first() -> None:
    c = assess(snap(cost_days=flat_costs({"Small": 1.0, "Big": 9.0})), CFG, NOW).cost
    d = c.daily
    assert len(d.days) == 30 and d.days[-1] == TODAY
    assert d.services == ("Big", "Small")
    assert d.amounts[0][-2] == 9.0 and d.amounts[1][-1] == 0.0  # nothing for today yet
    assert d.total(0) == pytest.approx(10.0)


def test_top_movers_compare_last_7_complete_days_with_the_7_before() -> None:
    costs = list(flat_costs({"Steady": 10.0}, back=20))
    costs += [CostDay(day=days_back(i), service="Spiky", amount=(50.0 if i <= 7 else 5.0))
              for i in range(1, 15)]
    c = assess(snap(cost_days=tuple(costs)), CFG, NOW).cost
    assert [m.service for m in c.movers] == ["Spiky"]
    assert c.movers[0].change == pytest.approx(7 * 45.0)
    assert c.movers[0].change_pct == pytest.approx(900.0)


def test_anomalies_at_or_above_minimum_impact() -> None:
    minimum = CFG.cost.anomaly_min_impact_usd
    anomalies = (
        CostAnomaly(id="at", start=days_back(3), service="Amazon Bedrock", impact=minimum),
        CostAnomaly(id="below", start=days_back(3), service="S3", impact=minimum - 0.01),
        CostAnomaly(id="big", start=days_back(2), service="EC2", impact=minimum * 10),
    )
    c = assess(snap(cost_anomalies=anomalies), CFG, NOW).cost
    assert [a.id for a in c.anomalies] == ["big", "at"]
    assert c.level is Level.WARN


COMPUTE = CFG.capacity.compute


@pytest.mark.parametrize(
    ("pct", "expected"),
    [
        (COMPUTE.optimal_pct, Level.OK),
        (COMPUTE.optimal_pct + 0.5, Level.WARN),
        (COMPUTE.scaling_threshold_pct, Level.WARN),
        (COMPUTE.scaling_threshold_pct + 0.5, Level.FAIL),
    ],
)
def test_compute_against_optimal_and_scaling_threshold(pct: float, expected: Level) -> None:
    metrics = {"infra/cpuUtilization": series("infra/cpuUtilization", pct)}
    cap = assess(snap(metrics=metrics), CFG, NOW).capacity
    cpu = next(c for c in cap.compute if c.name == "cpuUtilization")
    assert cpu.current_pct == pytest.approx(pct) and cpu.level is expected
    assert (cpu.baseline_pct, cpu.optimal_pct, cpu.scaling_threshold_pct) == (
        COMPUTE.current_pct, COMPUTE.optimal_pct, COMPUTE.scaling_threshold_pct)


def test_db_connections_against_max() -> None:
    assert CFG.database is not None
    mx = CFG.database.max_connections
    current = round(mx * 0.86)
    metrics = {"db/connections": series("db/connections", current)}
    a = assess(snap(metrics=metrics), CFG, NOW)
    db = a.capacity.database
    assert db is not None
    assert (db.current, db.max, db.baseline) == (current, mx, CFG.capacity.database_connections.baseline)
    assert db.pct == pytest.approx(86.0) and db.level is Level.FAIL  # past the scaling threshold
    assert a.resources.database is not None and a.resources.database.connections == current


def test_storage_growth_regression_and_days_until_full() -> None:
    st = CFG.capacity.storage
    assert st.allocated_gb is not None
    per_day = 2.0  # GB
    hours = 14 * 24
    used_now = st.allocated_gb * 0.5
    values = [(used_now - per_day * (hours - 1 - h) / 24) * GB for h in range(hours)]
    metrics = {"cap/storage_used": series("cap/storage_used", values, count=hours, period_s=3600)}
    storage = assess(snap(metrics=metrics), CFG, NOW).capacity.storage
    assert storage is not None
    assert storage.used_gb == pytest.approx(used_now)
    assert storage.growth_gb_per_month == pytest.approx(per_day * 30)
    assert storage.days_until_full == pytest.approx((st.allocated_gb - used_now) / per_day)
    assert storage.planned_growth_gb_per_month == st.growth_gb_per_month
    assert storage.level is (Level.WARN if per_day * 30 > st.growth_gb_per_month else Level.OK)


def test_slope_needs_two_points() -> None:
    assert slope_per_day([]) is None
    assert slope_per_day([(NOW, 1.0)]) is None


def test_projections_compare_actual_with_the_plan() -> None:
    users = CFG.capacity.projections["user_growth"]
    peak = users.in_6_months + 1
    hourly = [users.current] * 23 + [peak]
    metrics = {"biz/activeUsers": series("biz/activeUsers", hourly, count=24, period_s=3600)}
    cap = assess(snap(metrics=metrics), CFG, NOW).capacity
    p = next(p for p in cap.projections if p.name == "user_growth")
    assert p.actual == peak and p.level is Level.WARN
    assert p.growth_vs_plan == pytest.approx(peak / users.current)
