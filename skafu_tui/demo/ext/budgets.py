"""Budgets DescribeBudgetPerformanceHistory, built from the budget moto stores.

Budgeted amount per period: ``PlannedBudgetLimits`` for that period's start if given, else
``BudgetLimit``. Actual amount: the budget's ``CalculatedSpend.ActualSpend`` for the period
holding today (what create_budget stored), and for earlier periods the seeded ``cost-daily``
table summed over the period (only the services in ``CostFilters.Service`` if set), else 0.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from skafu_tui.demo.ext import costexplorer
from skafu_tui.demo.ext.base import AwsError, Call, json_operation
from skafu_tui.demo.ext.paging import limit, page, parse_time
from skafu_tui.demo.ext.shapes import parse_input

SERVICE = "budgets"
DEFAULT_LOOKBACK_DAYS = 400


def _budget(call: Call, account_id: str, name: str) -> dict[str, Any]:
    from moto.budgets.models import budgets_backends
    from moto.utilities.utils import get_partition

    stored = budgets_backends[call.account][get_partition(call.region)].budgets[account_id].get(name)
    if stored is None:
        raise AwsError("NotFoundException", f"Unable to get budget: {name} - the budget doesn't exist.")
    return dict(stored.to_dict())


def _unit_start(day: date, unit: str) -> date:
    if unit == "DAILY":
        return day
    if unit == "MONTHLY":
        return day.replace(day=1)
    if unit == "QUARTERLY":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def _next_start(day: date, unit: str) -> date:
    if unit == "DAILY":
        return day + timedelta(days=1)
    months = {"MONTHLY": 1, "QUARTERLY": 3}.get(unit, 12)
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _day(epoch: float) -> date:
    return datetime.fromtimestamp(epoch, UTC).date()


def _epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def _periods(budget: dict[str, Any], requested: dict[str, Any]) -> list[tuple[date, date]]:
    """Budget periods overlapping the request, up to the one holding today."""
    unit = budget.get("TimeUnit", "MONTHLY")
    span = budget.get("TimePeriod", {})
    budget_start = _day(parse_time(span["Start"])) if "Start" in span else None
    budget_end = _day(parse_time(span["End"])) if "End" in span else None
    today = datetime.now(UTC).date()
    if unit == "CUSTOM":
        first = budget_start or today
        return [(first, budget_end or today + timedelta(days=1))]
    first = (
        _day(requested["Start"]) if "Start" in requested else today - timedelta(days=DEFAULT_LOOKBACK_DAYS)
    )
    if budget_start and first < budget_start:
        first = budget_start
    last = _day(requested["End"]) if "End" in requested else today
    last = min(last, today, budget_end or today)
    periods: list[tuple[date, date]] = []
    cursor = _unit_start(first, unit)
    while cursor <= last and len(periods) < 5000:
        periods.append((cursor, _next_start(cursor, unit)))
        cursor = periods[-1][1]
    return periods


@json_operation(SERVICE, "DescribeBudgetPerformanceHistory")
def describe_budget_performance_history(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "DescribeBudgetPerformanceHistory", call)
    budget = _budget(call, req["AccountId"], req["BudgetName"])
    size = limit(
        req.get("MaxResults"),
        default=100,
        low=1,
        high=100,
        code="InvalidParameterException",
        name="MaxResults",
    )
    limit_spend = budget.get("BudgetLimit", {"Amount": "0", "Unit": "USD"})
    planned: dict[str, Any] = budget.get("PlannedBudgetLimits") or {}
    actual_now = budget.get("CalculatedSpend", {}).get(
        "ActualSpend", {"Amount": "0", "Unit": limit_spend["Unit"]}
    )
    services = (budget.get("CostFilters") or {}).get("Service")
    today = datetime.now(UTC).date()
    rows = []
    for first, stop in _periods(budget, req.get("TimePeriod") or {}):
        budgeted = planned.get(str(int(_epoch(first))), limit_spend)
        if first <= today < stop:
            actual = actual_now
        else:
            spent = costexplorer.spend(call.account, first, stop, set(services) if services else None)
            actual = {"Amount": _text(spent or 0.0), "Unit": budgeted["Unit"]}
        rows.append(
            {
                "BudgetedAmount": budgeted,
                "ActualAmount": actual,
                "TimePeriod": {"Start": _epoch(first), "End": _epoch(stop)},
            }
        )
    chunk, token = page(
        rows,
        lambda r: (r["TimePeriod"]["Start"],),
        size,
        req.get("NextToken"),
        bad_token=lambda m: AwsError("InvalidNextTokenException", m),
    )
    history: dict[str, Any] = {
        "BudgetName": budget["BudgetName"],
        "BudgetType": budget["BudgetType"],
        "TimeUnit": budget.get("TimeUnit", "MONTHLY"),
        "BudgetedAndActualAmountsList": chunk,
    }
    for optional in ("CostFilters", "CostTypes"):
        if budget.get(optional):
            history[optional] = budget[optional]
    return {"BudgetPerformanceHistory": history, **({"NextToken": token} if token else {})}


def _text(amount: float) -> str:
    return f"{amount:.2f}" if amount else "0"
