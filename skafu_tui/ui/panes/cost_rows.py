"""What the cost pane shows, built from the cost assessment (pure): budget words, the Cost Explorer
cadence line, anomalies, movers, the per-service table and the plot's series."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, date, datetime

from rich.text import Text

from skafu_tui.assess.common import Level
from skafu_tui.assess.cost import CostAssessment, Mover
from skafu_tui.assess.freshness import SourceFreshness
from skafu_tui.ui.header import coarse_age
from skafu_tui.ui.panes.security_common import clip, duration_words, level_text, money
from widgets.keyed_table import Cell
from widgets.series import SeriesData
from widgets.text import plain

Row = tuple[str, tuple[Cell, ...]]

SERVICE_COLUMNS = ("service", "30 days", "last day", "7 d vs prior 7 d")
PLOTTED_SERVICES = 4
"""Services drawn as their own line (the biggest spenders over the 30 days)."""
TOTAL_KEY = "\x1ftotal"

# AWS's billing names for common services are long; the plot legend needs a few cells.
_SHORT = {
    "Amazon Elastic Compute Cloud - Compute": "EC2",
    "EC2 - Other": "EC2 other",
    "Amazon Relational Database Service": "RDS",
    "Amazon Elastic Container Service": "ECS",
    "Amazon Elastic Kubernetes Service": "EKS",
    "Amazon Simple Storage Service": "S3",
    "Amazon Simple Queue Service": "SQS",
    "Amazon Simple Notification Service": "SNS",
    "Amazon Virtual Private Cloud": "VPC",
    "Amazon Elastic Load Balancing": "ELB",
    "Elastic Load Balancing": "ELB",
    "AmazonCloudWatch": "CloudWatch",
}


def short_service(name: str, limit: int = 18) -> str:
    """A service's billing name short enough for a legend: ``EC2``, ``Bedrock``, ``Lambda``."""
    short = _SHORT.get(name)
    if short is None:
        short = name.removeprefix("Amazon ").removeprefix("AWS ")
    return clip(short, limit)


def pace(cost: CostAssessment) -> float | None:
    """The budget pro rata to today (inclusive): what "on track" spends by now."""
    if cost.budget is None:
        return None
    days = calendar.monthrange(cost.today.year, cost.today.month)[1]
    return cost.budget * cost.today.day / days


def pct_of_budget(cost: CostAssessment, value: float | None) -> float | None:
    if value is None or not cost.budget:
        return None
    return value / cost.budget * 100.0


def mtd_status(cost: CostAssessment) -> str:
    """fail over budget, warn ahead of the pro-rata pace, else ok (unknown without a budget)."""
    if cost.budget is None:
        return "unknown"
    if cost.over_budget:
        return "fail"
    expected = pace(cost)
    return "warn" if expected is not None and cost.month_to_date > expected else "ok"


def forecast_status(cost: CostAssessment) -> str:
    if cost.budget is None or cost.forecast_month_end is None:
        return "unknown"
    return "warn" if cost.forecast_over_budget else "ok"


def mtd_text(cost: CostAssessment) -> Text:
    unit = cost.unit
    text = Text()
    text.append(money(cost.month_to_date, unit), style="bold")
    if cost.budget is None:
        text.append(" month to date · no budget configured (cost.budget_name or cost.monthly_budget_usd)")
        return text
    text.append(f" of {money(cost.budget, unit)} budget ")
    text.append_text(plain(f"({cost.budget_source})", style="dim"))
    used = cost.budget_used_pct
    text.append(f" · {used:.1f}% used" if used is not None else "")
    days = calendar.monthrange(cost.today.year, cost.today.month)[1]
    text.append(f" · day {cost.today.day} of {days}, pace {money(pace(cost), unit)}")
    if cost.over_budget:
        text.append("\n")
        text.append_text(level_text(Level.FAIL, "OVER BUDGET"))
        text.append(f" by {money(cost.month_to_date - cost.budget, unit)}")
    return text


def forecast_text(cost: CostAssessment) -> Text:
    unit = cost.unit
    text = Text()
    if cost.forecast_month_end is None:
        text.append_text(level_text(Level.UNKNOWN, "no forecast"))
        text.append(" (no cost data this month)")
        return text
    text.append(money(cost.forecast_month_end, unit), style="bold")
    text.append(f" by month end ({cost.forecast_method})")
    if cost.budget is None:
        return text
    text.append(" · ")
    gap = cost.forecast_month_end - cost.budget
    if cost.forecast_over_budget:
        text.append_text(level_text(Level.WARN, "FORECAST OVER BUDGET"))
        text.append(f" by {money(gap, unit)}", style="bold")
    else:
        text.append_text(level_text(Level.OK, "within budget"))
        text.append(f" ({money(-gap, unit)} to spare)")
    return text


def cost_explorer_text(cost_source: SourceFreshness | None, cadence_s: float, anomalies_s: float) -> Text:
    """``Cost Explorer: every 6 h (on purpose: $0.01 a request) · last 2h ago · next in ~4h``."""
    text = Text()
    text.append("Cost Explorer: ", style="bold")
    text.append(f"every {duration_words(cadence_s)}", style="bold")
    text.append(" (polled rarely on purpose: $0.01 a request; AWS refreshes billing a few times a day)")
    if cost_source is None or not cost_source.has_data:
        text.append(" · ")
        text.append_text(level_text(Level.UNKNOWN, "no data yet"))
        return text
    age = cost_source.age_s or 0.0
    text.append(" · last ")
    text.append(f"{coarse_age(age)} ago", style="bold")
    if cost_source.ok:
        text.append(f" · next in ~{coarse_age(max(0.0, cadence_s - age))}")
    else:
        text.append(" · ")
        text.append_text(plain(cost_source.cause, style="dim"))
    text.append(f" · forecast & anomalies every {duration_words(anomalies_s)}")
    return text


def anomalies_text(cost: CostAssessment, min_impact: float) -> Text:
    text = Text()
    if not cost.anomalies:
        text.append_text(level_text(Level.OK))
        text.append(f" no anomalies with impact ≥ {money(min_impact, cost.unit, 0)}")
        return text
    for index, a in enumerate(cost.anomalies[:6]):
        if index:
            text.append("\n")
        text.append_text(level_text(Level.WARN))
        since = f" since {a.start:%m-%d}" + (f" to {a.end:%m-%d}" if a.end else " (open)")
        text.append(since)
        cause = " · ".join(x for x in (a.service, a.region, a.usage_type) if x) or "root cause not named"
        text.append_text(plain(f" {cause}", style="bold"))
        text.append(f": impact {money(a.impact, cost.unit)}")
        text.append(f" (expected {money(a.expected, cost.unit)}, actual {money(a.actual, cost.unit)})")
    if len(cost.anomalies) > 6:
        text.append(f"\n  +{len(cost.anomalies) - 6} more")
    return text


def change_words(m: Mover, unit: str) -> str:
    sign = "+" if m.change >= 0 else "-"
    pct = m.change_pct
    share = "new" if pct is None else f"{sign}{abs(pct):.1f}%"
    return f"{sign}{money(abs(m.change), unit)} ({share})"


def movers_text(cost: CostAssessment, limit: int = 5) -> Text:
    text = Text()
    if not cost.movers:
        text.append("no change between the last 7 complete days and the 7 before")
        return text
    for index, m in enumerate(cost.movers[:limit]):
        if index:
            text.append("\n")
        text.append("▲ " if m.change > 0 else "▼ ")
        text.append_text(plain(f"{short_service(m.service, 24)}: "))
        text.append(change_words(m, cost.unit), style="bold" if index == 0 else "")
        text.append(f"  {money(m.previous_7d, cost.unit)} → {money(m.last_7d, cost.unit)}", style="dim")
    return text


def service_rows(cost: CostAssessment) -> Iterator[Row]:
    """Biggest spender first; the last row is the total."""
    d = cost.daily
    last = d.days.index(cost.last_day) if cost.last_day in d.days else None
    movers = {m.service: m for m in cost.movers}
    for service, amounts in zip(d.services, d.amounts, strict=True):
        mover = movers.get(service)
        yield service, (
            short_service(service, 24),
            money(sum(amounts), cost.unit),
            money(amounts[last], cost.unit) if last is not None else "—",
            change_words(mover, cost.unit) if mover is not None else "—",
        )
    total = sum(sum(row) for row in d.amounts)
    yield TOTAL_KEY, (
        Text("Total", style="bold"),
        Text(money(total, cost.unit), style="bold"),
        Text(money(cost.last_day_cost, cost.unit), style="bold") if last is not None else "—",
        "",
    )


def _epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def _billed_days(cost: CostAssessment) -> tuple[list[float], int]:
    """Epoch seconds of each day up to the last day Cost Explorer reported, and how many.

    Days after ``last_day`` (today, usually not yet billed) are left out: a drop to zero there
    would read as a fall in spend.
    """
    d = cost.daily
    end = d.days.index(cost.last_day) + 1 if cost.last_day in d.days else 0
    return [_epoch(day) for day in d.days[:end]], end


def total_series(cost: CostAssessment) -> list[SeriesData]:
    """The total per day (drawn against the daily budget)."""
    xs, end = _billed_days(cost)
    return [("total", xs, [cost.daily.total(i) for i in range(end)])] if xs else []


def service_series(cost: CostAssessment, services: int = PLOTTED_SERVICES) -> list[SeriesData]:
    """The biggest spenders per day, one line each, on their own scale (the total would flatten them)."""
    xs, end = _billed_days(cost)
    if not xs:
        return []
    d = cost.daily
    return [(short_service(s), xs, list(a[:end])) for s, a in list(zip(d.services, d.amounts, strict=True))[:services]]


def api_text(calls: int, spent: float, always_on: float | None, shift: float | None, hot: int) -> Text:
    """The dashboard's own API use: calls and $ so far, and the modelled monthly figure."""
    text = Text()
    text.append(f"{calls:,} calls, ")
    text.append(f"${spent:,.2f}", style="bold")
    text.append(" so far")
    if always_on is not None and shift is not None:
        text.append(" · modelled ")
        text.append(f"${always_on:,.2f}/month", style="bold")
        text.append(f" running 24x7 (${shift:,.2f} for 8-hour shifts) at the configured cadences")
        if hot:
            text.append(f", with {hot} service(s) polled at the hot cadence")
    return text
