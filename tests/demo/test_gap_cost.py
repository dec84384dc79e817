"""Cost Explorer and Budgets: stock moto has no data behind them; the extension answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.demo.conftest import Aws

pytestmark = [pytest.mark.gap, pytest.mark.xdist_group("demo")]

SERVICES = {"AWS Lambda": 12.5, "Amazon Bedrock": 30.25}
FIRST = date(2024, 1, 20)


def daily(days: int, first: date = FIRST) -> list[dict[str, Any]]:
    return [
        {"date": (first + timedelta(days=n)).isoformat(), "service": s, "amount": base + n, "unit": "USD"}
        for n in range(days)
        for s, base in SERVICES.items()
    ]


def total(rows: list[dict[str, Any]], start: date, end: date, service: str | None = None) -> float:
    return sum(
        r["amount"] for r in rows if start <= date.fromisoformat(r["date"]) < end and service in (None, r["service"])
    )


async def test_stock_moto_has_no_cost_data(stock: Aws) -> None:
    async with stock.client("ce") as ce:
        answer = await ce.get_cost_and_usage(
            TimePeriod={"Start": "2024-01-20", "End": "2024-02-05"},
            Granularity="DAILY",
            Metrics=["UnblendedCost"],
        )
    assert answer["ResultsByTime"] == []
    period = {"Start": "2024-02-01", "End": "2024-03-01"}
    await stock.fails("ce", "get_cost_forecast", 500, TimePeriod=period, Granularity="MONTHLY", Metric="UNBLENDED_COST")
    await stock.fails("ce", "get_anomalies", 500, DateInterval={"StartDate": "2024-01-01"})
    await stock.fails("ce", "get_anomaly_monitors", 500)
    await stock.fails("budgets", "describe_budget_performance_history", 500, AccountId=stock.account, BudgetName="b")


async def test_cost_and_usage_answers_any_range_granularity_and_grouping(ext: Aws) -> None:
    rows = daily(16)
    ext.seed("cost-daily", rows)
    async with ext.client("ce") as ce:
        monthly = await ce.get_cost_and_usage(
            TimePeriod={"Start": "2024-01-25", "End": "2024-02-03"},
            Granularity="MONTHLY",
            Metrics=["UnblendedCost", "AmortizedCost"],
        )
        periods = [(r["TimePeriod"]["Start"], r["TimePeriod"]["End"]) for r in monthly["ResultsByTime"]]
        assert periods == [("2024-01-25", "2024-02-01"), ("2024-02-01", "2024-02-03")]
        jan = monthly["ResultsByTime"][0]["Total"]
        assert float(jan["UnblendedCost"]["Amount"]) == pytest.approx(total(rows, date(2024, 1, 25), date(2024, 2, 1)))
        assert jan["AmortizedCost"] == jan["UnblendedCost"]

        grouped = await ce.get_cost_and_usage(
            TimePeriod={"Start": "2024-01-30", "End": "2024-02-01"},
            Granularity="DAILY",
            Metrics=["UnblendedCost"],
            GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}],
        )
        day = grouped["ResultsByTime"][0]
        assert day["TimePeriod"] == {"Start": "2024-01-30", "End": "2024-01-31"}
        assert {g["Keys"][0]: float(g["Metrics"]["UnblendedCost"]["Amount"]) for g in day["Groups"]} == {
            s: pytest.approx(total(rows, date(2024, 1, 30), date(2024, 1, 31), s)) for s in SERVICES
        }

        only = await ce.get_cost_and_usage(
            TimePeriod={"Start": "2024-01-20", "End": "2024-02-05"},
            Granularity="MONTHLY",
            Metrics=["BlendedCost"],
            Filter={"Dimensions": {"Key": "SERVICE", "Values": ["AWS Lambda"]}},
        )
        assert sum(float(r["Total"]["BlendedCost"]["Amount"]) for r in only["ResultsByTime"]) == pytest.approx(
            total(rows, FIRST, date(2024, 2, 5), "AWS Lambda")
        )


async def test_cost_and_usage_pages_large_answers(ext: Aws) -> None:
    days = 300  # two services a day: more group entries than one page holds
    rows = daily(days)
    ext.seed("cost-daily", rows)
    end = FIRST + timedelta(days=days)
    async with ext.client("ce") as ce:
        results, token, pages = [], None, 0
        while True:
            answer = await ce.get_cost_and_usage(
                TimePeriod={"Start": FIRST.isoformat(), "End": end.isoformat()},
                Granularity="DAILY",
                Metrics=["UnblendedCost"],
                GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}],
                **({"NextPageToken": token} if token else {}),
            )
            pages += 1
            results += answer["ResultsByTime"]
            token = answer.get("NextPageToken")
            if not token:
                break
    assert pages > 1
    assert [r["TimePeriod"]["Start"] for r in results] == [(FIRST + timedelta(days=n)).isoformat() for n in range(days)]
    amounts = sum(float(g["Metrics"]["UnblendedCost"]["Amount"]) for r in results for g in r["Groups"])
    assert amounts == pytest.approx(total(rows, FIRST, end))


async def test_cost_forecast_from_seeded_rows(ext: Aws) -> None:
    ext.seed("cost-forecast", [{"start": "2024-03-01", "end": "2024-04-01", "amount": 3100.0, "unit": "USD"}])
    async with ext.client("ce") as ce:
        answer = await ce.get_cost_forecast(
            TimePeriod={"Start": "2024-03-10", "End": "2024-03-20"},
            Granularity="DAILY",
            Metric="UNBLENDED_COST",
        )
    assert float(answer["Total"]["Amount"]) == pytest.approx(3100.0 / 31 * 10)
    assert len(answer["ForecastResultsByTime"]) == 10
    assert float(answer["ForecastResultsByTime"][0]["MeanValue"]) == pytest.approx(100.0)

    ext.seed(
        "cost-forecast",
        [
            {
                "TimePeriod": {"Start": "2024-04-01", "End": "2024-04-02"},
                "MeanValue": "42.50",
                "PredictionIntervalLowerBound": "40",
                "PredictionIntervalUpperBound": "45",
            }
        ],
    )
    async with ext.client("ce") as ce:
        april = await ce.get_cost_forecast(
            TimePeriod={"Start": "2024-04-01", "End": "2024-04-02"},
            Granularity="DAILY",
            Metric="AMORTIZED_COST",
        )
    assert april["ForecastResultsByTime"][0]["PredictionIntervalUpperBound"] == "45"
    assert april["Total"]["Amount"] == "42.5"


def anomaly(n: int, start: str, end: str | None, impact: float, monitor: str) -> dict[str, Any]:
    found: dict[str, Any] = {
        "AnomalyId": f"a{n}",
        "AnomalyStartDate": start,
        "DimensionValue": "Amazon Bedrock",
        "RootCauses": [{"Service": "Amazon Bedrock", "Region": "us-east-1"}],
        "AnomalyScore": {"MaxScore": 0.9, "CurrentScore": 0.8},
        "Impact": {"MaxImpact": impact / 2, "TotalImpact": impact},
        "MonitorArn": monitor,
    }
    if end:
        found["AnomalyEndDate"] = end
    return found


async def test_anomalies_and_monitors(ext: Aws) -> None:
    monitor = f"arn:aws:ce::{ext.account}:anomalymonitor/services"
    ext.seed(
        "cost-anomaly-monitors",
        [
            {
                "MonitorArn": monitor,
                "MonitorName": "services",
                "MonitorType": "DIMENSIONAL",
                "MonitorDimension": "SERVICE",
            }
        ],
    )
    seeded = [
        anomaly(1, "2024-03-10", None, 120.0, monitor),
        anomaly(2, "2024-02-01", "2024-02-02", 35.0, monitor),
        anomaly(3, "2024-03-05", "2024-03-06", 8.0, monitor),
    ]
    ext.seed("cost-anomalies", seeded)
    async with ext.client("ce") as ce:
        march = await ce.get_anomalies(DateInterval={"StartDate": "2024-03-01", "EndDate": "2024-03-31"})
        assert [a["AnomalyId"] for a in march["Anomalies"]] == ["a1", "a3"]
        big = await ce.get_anomalies(
            DateInterval={"StartDate": "2024-01-01"},
            TotalImpact={"NumericOperator": "GREATER_THAN_OR_EQUAL", "StartValue": 30.0},
        )
        assert {a["AnomalyId"] for a in big["Anomalies"]} == {
            a["AnomalyId"] for a in seeded if a["Impact"]["TotalImpact"] >= 30
        }
        assert big["Anomalies"][0]["Impact"]["TotalImpact"] == 120.0

        monitors = await ce.get_anomaly_monitors(MonitorArnList=[monitor])
        assert [(m["MonitorName"], m["MonitorDimension"]) for m in monitors["AnomalyMonitors"]] == [
            ("services", "SERVICE")
        ]
    error = await ext.fails("ce", "get_anomaly_monitors", 400, MonitorArnList=[monitor + "-gone"])
    assert error["Code"] == "UnknownMonitorException"


def month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


async def test_budget_performance_history(ext: Aws) -> None:
    today = datetime.now(UTC).date()
    first = month_start(today, 2)
    rows = daily((today - first).days + 1, first)
    ext.seed("cost-daily", rows)
    async with ext.client("budgets") as budgets:
        await budgets.create_budget(
            AccountId=ext.account,
            Budget={
                "BudgetName": "monthly",
                "BudgetLimit": {"Amount": "5000", "Unit": "USD"},
                "TimeUnit": "MONTHLY",
                "BudgetType": "COST",
                "TimePeriod": {"Start": datetime(first.year, first.month, 1, tzinfo=UTC)},
                "CalculatedSpend": {"ActualSpend": {"Amount": "4321.5", "Unit": "USD"}},
            },
        )
        answer = await budgets.describe_budget_performance_history(AccountId=ext.account, BudgetName="monthly")
    history = answer["BudgetPerformanceHistory"]
    assert history["TimeUnit"] == "MONTHLY"
    periods = history["BudgetedAndActualAmountsList"]
    starts = [p["TimePeriod"]["Start"].date() for p in periods]
    assert starts == [month_start(today, 2), month_start(today, 1), month_start(today, 0)]
    assert all(p["BudgetedAmount"] == {"Amount": "5000", "Unit": "USD"} for p in periods)
    assert periods[-1]["ActualAmount"]["Amount"] == "4321.5"
    past = total(rows, month_start(today, 2), month_start(today, 1))
    assert float(periods[0]["ActualAmount"]["Amount"]) == pytest.approx(past, abs=0.01)
    error = await ext.fails(
        "budgets", "describe_budget_performance_history", 400, AccountId=ext.account, BudgetName="x"
    )
    assert error["Code"] == "NotFoundException"
