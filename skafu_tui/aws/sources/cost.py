"""Cost Explorer: cost by day and service, the forecast to month end, and anomalies.

Every request is billed $0.01 (pages included), so these run at the slowest cadences and the
page loops are capped.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from skafu_tui.aws.sources._common import day, money
from skafu_tui.models import CostAnomaly, CostDay, CostForecast

if TYPE_CHECKING:
    from skafu_tui.aws.session import ClientPool
    from skafu_tui.config import Config

OPERATIONS = frozenset({("ce", "GetCostAndUsage"), ("ce", "GetCostForecast"), ("ce", "GetAnomalies")})

DAYS = 30
MAX_PAGES = 3
METRIC = "UnblendedCost"


def month_end(today: date) -> date:
    """The first day of next month (Cost Explorer's exclusive end)."""
    return date(today.year + (today.month == 12), today.month % 12 + 1, 1)


async def fetch(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[CostDay]:
    """Daily cost per service for the last 30 days, today (partial) included."""
    client = await pool.client("ce", region)
    today = now.date()
    params: dict[str, Any] = {
        "TimePeriod": {
            "Start": (today - timedelta(days=DAYS - 1)).isoformat(),
            "End": (today + timedelta(days=1)).isoformat(),
        },
        "Granularity": "DAILY",
        "Metrics": [METRIC],
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}],
    }
    out: list[CostDay] = []
    for _ in range(MAX_PAGES):
        page = await client.get_cost_and_usage(**params)
        for result in page.get("ResultsByTime") or ():
            when = day((result.get("TimePeriod") or {}).get("Start"))
            for group in result.get("Groups") or ():
                amount = (group.get("Metrics") or {}).get(METRIC) or {}
                keys = group.get("Keys") or [""]
                out.append(
                    CostDay(
                        day=when,
                        service=keys[0],
                        amount=money(amount.get("Amount")),
                        unit=str(amount.get("Unit") or "USD"),
                    )
                )
        token = page.get("NextPageToken")
        if not token:
            break
        params["NextPageToken"] = token
    return out


async def fetch_forecast(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[CostForecast]:
    """Forecast cost from today to the end of the month (one element)."""
    client = await pool.client("ce", region)
    today = now.date()
    end = month_end(today)
    answer = await client.get_cost_forecast(
        TimePeriod={"Start": today.isoformat(), "End": end.isoformat()},
        Metric="UNBLENDED_COST",
        Granularity="MONTHLY",
    )
    total = answer.get("Total") or {}
    return [
        CostForecast(
            start=today, end=end, amount=money(total.get("Amount")), unit=str(total.get("Unit") or "USD")
        )
    ]


def _anomaly(raw: dict[str, Any]) -> CostAnomaly:
    impact = raw.get("Impact") or {}
    causes = raw.get("RootCauses") or [{}]
    cause = causes[0] if causes else {}
    end = raw.get("AnomalyEndDate")
    return CostAnomaly(
        id=raw.get("AnomalyId", ""),
        start=day(raw.get("AnomalyStartDate")),
        end=day(end) if end else None,
        service=cause.get("Service", ""),
        region=cause.get("Region", ""),
        usage_type=cause.get("UsageType", ""),
        impact=money(impact.get("TotalImpact")),
        max_impact=money(impact.get("MaxImpact")),
        expected=money(impact.get("TotalExpectedSpend")),
        actual=money(impact.get("TotalActualSpend")),
    )


async def fetch_anomalies(pool: ClientPool, cfg: Config, region: str, now: datetime) -> list[CostAnomaly]:
    """Anomalies detected in the last 30 days, largest impact first."""
    client = await pool.client("ce", region)
    today = now.date()
    params: dict[str, Any] = {
        "DateInterval": {
            "StartDate": (today - timedelta(days=DAYS)).isoformat(),
            "EndDate": today.isoformat(),
        },
        "MaxResults": 100,
    }
    out: list[CostAnomaly] = []
    for _ in range(MAX_PAGES):
        page = await client.get_anomalies(**params)
        out.extend(_anomaly(raw) for raw in page.get("Anomalies") or () if raw.get("AnomalyStartDate"))
        token = page.get("NextPageToken")
        if not token:
            break
        params["NextPageToken"] = token
    out.sort(key=lambda a: a.impact, reverse=True)
    return out
