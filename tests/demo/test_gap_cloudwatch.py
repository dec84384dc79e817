"""CloudWatch gaps: stock moto still fails each one; our server answers it, parsed by aiobotocore.

Percentiles are nearest rank (see skafu_tui/demo/ext/cloudwatch_store.py): the ceil(p/100 * n)-th
smallest sample of the period, counting each value ``Counts`` times.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.cloudwatch.models import CloudWatchBackend

from skafu_tui.demo.ext.cloudwatch_math import MathError, parse
from skafu_tui.demo.ext.cloudwatch_store import nearest_rank

pytestmark = [pytest.mark.xdist_group("cloudwatch")]

DIMS = [{"Name": "Service", "Value": "template-management-api"}, {"Name": "Stage", "Value": "prod"}]
MINUTES = 6


def expected_percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def samples(minute: int) -> list[float]:
    """Twenty distinct latencies for one minute, different every minute."""
    return [float((minute * 17 + k * 37) % 101 + 1) for k in range(20)]


@pytest.fixture
def base_time() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)


@pytest.fixture
def namespace() -> str:
    return f"Skafu/Test/{uuid.uuid4().hex[:8]}"  # the stock server is shared: keep tests apart


@pytest.fixture(autouse=True)
def stock_is_stock() -> None:
    # Our patches are process-global: a stock endpoint in this process must not have them.
    assert not getattr(CloudWatchBackend, "_skafu_installed", False), "moto patched in the test process"


async def put_latency(cw: Any, namespace: str, base: datetime, dims: list[dict[str, str]] = DIMS) -> None:
    await cw.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": "Latency",
                "Dimensions": dims,
                "Timestamp": base + timedelta(minutes=m),
                "Values": samples(m),
                "Unit": "Milliseconds",
            }
            for m in range(MINUTES)
        ],
    )


def stat_query(
    qid: str,
    namespace: str,
    stat: str,
    dims: list[dict[str, str]] = DIMS,
    name: str = "Latency",
    return_data: bool = True,
) -> dict[str, Any]:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": name, "Dimensions": dims},
            "Period": 60,
            "Stat": stat,
        },
        "ReturnData": return_data,
    }


def by_id(answer: dict[str, Any]) -> dict[str, dict[float, float]]:
    """{query id: {epoch seconds: value}} from a GetMetricData answer."""
    return {
        r["Id"]: {t.timestamp(): v for t, v in zip(r["Timestamps"], r["Values"], strict=True)}
        for r in answer["MetricDataResults"]
    }


def minute(base: datetime, m: int) -> float:
    return (base + timedelta(minutes=m)).timestamp()


async def metric_data(
    cw: Any, base: datetime, queries: list[dict[str, Any]], minutes: int = MINUTES, **extra: Any
) -> dict[str, Any]:
    answer: dict[str, Any] = await cw.get_metric_data(
        MetricDataQueries=queries, StartTime=base, EndTime=base + timedelta(minutes=minutes), **extra
    )
    return answer


# --- percentiles -------------------------------------------------------------------------


@pytest.mark.gap
async def test_stock_percentile_fails_the_whole_request(stock: Any, namespace: str, base_time: datetime) -> None:
    async with stock.client("cloudwatch") as cw:
        await put_latency(cw, namespace, base_time)
        with pytest.raises(ClientError) as err:
            await metric_data(
                cw, base_time, [stat_query("avg", namespace, "Average"), stat_query("p95", namespace, "p95")]
            )
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


@pytest.mark.gap
async def test_ext_percentiles_are_nearest_rank_of_raw_samples(ext: Any, base_time: datetime) -> None:
    async with ext.client("cloudwatch") as cw:
        await put_latency(cw, "Skafu/Api", base_time)
        stats = ["p50", "p95", "p99", "p99.9"]
        answer = await metric_data(
            cw,
            base_time,
            [stat_query("avg", "Skafu/Api", "Average")]
            + [stat_query(f"q{i}", "Skafu/Api", s) for i, s in enumerate(stats)],
        )
    series = by_id(answer)
    for m in range(MINUTES):
        values = samples(m)
        assert series["avg"][minute(base_time, m)] == pytest.approx(sum(values) / len(values))
        for i, stat in enumerate(stats):
            assert series[f"q{i}"][minute(base_time, m)] == expected_percentile(values, float(stat[1:]))


@pytest.mark.gap
async def test_ext_percentiles_weigh_values_by_counts(ext: Any, base_time: datetime) -> None:
    async with ext.client("cloudwatch") as cw:
        await cw.put_metric_data(
            Namespace="Skafu/Api",
            MetricData=[
                {
                    "MetricName": "Latency",
                    "Dimensions": DIMS,
                    "Timestamp": base_time,
                    "Values": [1.0, 100.0],
                    "Counts": [99.0, 1.0],
                }
            ],
        )
        answer = await metric_data(
            cw,
            base_time,
            [
                stat_query("p99", "Skafu/Api", "p99"),
                stat_query("p999", "Skafu/Api", "p99.9"),
                stat_query("n", "Skafu/Api", "SampleCount"),
            ],
        )
    series = by_id(answer)
    t0 = base_time.timestamp()
    assert (series["p99"][t0], series["p999"][t0], series["n"][t0]) == (1.0, 100.0, 100.0)


@pytest.mark.gap
async def test_stock_get_metric_statistics_ignores_extended_statistics(
    stock: Any, namespace: str, base_time: datetime
) -> None:
    async with stock.client("cloudwatch") as cw:
        await put_latency(cw, namespace, base_time)
        answer = await cw.get_metric_statistics(
            Namespace=namespace,
            MetricName="Latency",
            Dimensions=DIMS,
            StartTime=base_time,
            EndTime=base_time + timedelta(minutes=MINUTES),
            Period=60,
            ExtendedStatistics=["p95"],
        )
    assert answer["Datapoints"]
    assert all("ExtendedStatistics" not in p for p in answer["Datapoints"])


@pytest.mark.gap
async def test_ext_get_metric_statistics_extended_statistics(ext: Any, base_time: datetime) -> None:
    async with ext.client("cloudwatch") as cw:
        await put_latency(cw, "Skafu/Api", base_time)
        answer = await cw.get_metric_statistics(
            Namespace="Skafu/Api",
            MetricName="Latency",
            Dimensions=DIMS[::-1],
            StartTime=base_time,
            EndTime=base_time + timedelta(minutes=MINUTES),
            Period=60,
            ExtendedStatistics=["p95", "p50"],
        )
    points = {p["Timestamp"].timestamp(): p for p in answer["Datapoints"]}
    assert len(points) == MINUTES
    for m in range(MINUTES):
        point = points[minute(base_time, m)]
        assert point["Unit"] == "Milliseconds"
        assert point["ExtendedStatistics"] == {
            "p95": expected_percentile(samples(m), 95),
            "p50": expected_percentile(samples(m), 50),
        }


# --- metric math -------------------------------------------------------------------------


async def put_errors_and_requests(cw: Any, namespace: str, base: datetime) -> None:
    data = []
    for m in range(MINUTES):
        if m != 2:  # a gap, for FILL
            data.append(
                {
                    "MetricName": "Errors",
                    "Dimensions": DIMS,
                    "Timestamp": base + timedelta(minutes=m),
                    "Value": float(m + 1),
                }
            )
        data.append(
            {
                "MetricName": "Requests",
                "Dimensions": DIMS,
                "Timestamp": base + timedelta(minutes=m),
                "Value": float(10 * (m + 1)),
            }
        )
    await cw.put_metric_data(Namespace=namespace, MetricData=data)


@pytest.mark.gap
async def test_stock_metric_math_is_empty(stock: Any, namespace: str, base_time: datetime) -> None:
    async with stock.client("cloudwatch") as cw:
        await put_errors_and_requests(cw, namespace, base_time)
        answer = await metric_data(
            cw,
            base_time,
            [
                stat_query("errors", namespace, "Sum", name="Errors", return_data=False),
                stat_query("requests", namespace, "Sum", name="Requests", return_data=False),
                {"Id": "rate", "Expression": "100 * errors / requests"},
            ],
        )
    assert by_id(answer)["rate"] == {}


@pytest.mark.gap
async def test_ext_metric_math_arithmetic_and_return_data(ext: Any, base_time: datetime) -> None:
    async with ext.client("cloudwatch") as cw:
        await put_errors_and_requests(cw, "Skafu/Api", base_time)
        answer = await metric_data(
            cw,
            base_time,
            [
                stat_query("errors", "Skafu/Api", "Sum", name="Errors", return_data=False),
                stat_query("requests", "Skafu/Api", "Sum", name="Requests", return_data=False),
                {"Id": "rate", "Expression": "100 * errors / requests", "Label": "Error rate"},
                {"Id": "shifted", "Expression": "(errors + 1) * 2 - requests / 10"},
                {"Id": "chained", "Expression": "rate / 2", "ReturnData": True},
            ],
        )
    series = by_id(answer)
    assert set(series) == {"rate", "shifted", "chained"}  # ReturnData=False queries are not returned
    labels = {r["Id"]: r["Label"] for r in answer["MetricDataResults"]}
    assert labels["rate"] == "Error rate"
    present = [m for m in range(MINUTES) if m != 2]
    assert series["rate"] == {minute(base_time, m): pytest.approx(100 * (m + 1) / (10 * (m + 1))) for m in present}
    assert series["shifted"] == {minute(base_time, m): pytest.approx((m + 2) * 2 - (m + 1)) for m in present}
    assert series["chained"] == {t: pytest.approx(v / 2) for t, v in series["rate"].items()}


@pytest.mark.gap
async def test_ext_metric_math_aggregates_and_fill(ext: Any, base_time: datetime) -> None:
    async with ext.client("cloudwatch") as cw:
        await put_errors_and_requests(cw, "Skafu/Api", base_time)
        answer = await metric_data(
            cw,
            base_time,
            [
                stat_query("errors", "Skafu/Api", "Sum", name="Errors", return_data=False),
                stat_query("requests", "Skafu/Api", "Sum", name="Requests", return_data=False),
                {"Id": "total", "Expression": "SUM(METRICS())"},
                {"Id": "avg", "Expression": "AVG([errors, requests])"},
                {"Id": "low", "Expression": "MIN([errors, requests])"},
                {"Id": "high", "Expression": "MAX(METRICS())"},
                {"Id": "zeroed", "Expression": "FILL(errors, 0)"},
                {"Id": "repeated", "Expression": "FILL(errors, REPEAT)"},
                {"Id": "peak", "Expression": "MAX(errors)"},
            ],
        )
    s = by_id(answer)
    errors = {m: float(m + 1) for m in range(MINUTES) if m != 2}
    requests = {m: float(10 * (m + 1)) for m in range(MINUTES)}
    assert s["total"] == {minute(base_time, m): errors.get(m, 0.0) + r for m, r in requests.items()}
    assert s["avg"][minute(base_time, 2)] == requests[2]  # only the series with a value there counts
    assert s["avg"][minute(base_time, 1)] == (errors[1] + requests[1]) / 2
    assert s["low"] == {minute(base_time, m): min(errors.get(m, math.inf), r) for m, r in requests.items()}
    assert s["high"] == {minute(base_time, m): r for m, r in requests.items()}
    assert s["zeroed"] == {minute(base_time, m): errors.get(m, 0.0) for m in range(MINUTES)}
    assert s["repeated"] == {minute(base_time, m): errors.get(m, errors[1]) for m in range(MINUTES)}
    # A reducer over one series is a scalar, returned at every period of the window.
    assert s["peak"] == {minute(base_time, m): max(errors.values()) for m in range(MINUTES)}


@pytest.mark.gap
@pytest.mark.parametrize("expression", ["errors +", "nosuch * 2", "SUM(", "LOG(errors)", "a1"])
async def test_ext_bad_expression_is_a_validation_error(ext: Any, base_time: datetime, expression: str) -> None:
    async with ext.client("cloudwatch") as cw:
        with pytest.raises(ClientError) as err:
            await metric_data(
                cw,
                base_time,
                [
                    stat_query("errors", "Skafu/Api", "Sum", name="Errors"),
                    {"Id": "a1", "Expression": expression},
                ],
            )
    assert err.value.response["Error"]["Code"] == "ValidationError"
    assert "a1" in err.value.response["Error"]["Message"]


# --- dimensions --------------------------------------------------------------------------


@pytest.mark.gap
async def test_stock_dimensions_in_another_order_find_nothing(stock: Any, namespace: str, base_time: datetime) -> None:
    async with stock.client("cloudwatch") as cw:
        await put_latency(cw, namespace, base_time)
        answer = await metric_data(cw, base_time, [stat_query("m", namespace, "Maximum", dims=DIMS[::-1])])
    assert by_id(answer)["m"] == {}


@pytest.mark.gap
async def test_ext_dimensions_match_exactly_in_any_order(ext: Any, base_time: datetime) -> None:
    async with ext.client("cloudwatch") as cw:
        await put_latency(cw, "Skafu/Api", base_time)
        answer = await metric_data(
            cw,
            base_time,
            [
                stat_query("reordered", "Skafu/Api", "Maximum", dims=DIMS[::-1]),
                stat_query("subset", "Skafu/Api", "Maximum", dims=DIMS[:1]),
                stat_query("wrong", "Skafu/Api", "Maximum", dims=[DIMS[0], {"Name": "Stage", "Value": "dev"}]),
            ],
        )
    series = by_id(answer)
    assert series["reordered"] == {minute(base_time, m): max(samples(m)) for m in range(MINUTES)}
    assert series["subset"] == {}  # CloudWatch matches the exact dimension set, not a subset
    assert series["wrong"] == {}


# --- limits and paging -------------------------------------------------------------------


def many_queries(namespace: str, n: int) -> list[dict[str, Any]]:
    return [stat_query(f"q{i}", namespace, "Sum") for i in range(n)]


@pytest.mark.gap
async def test_stock_accepts_more_than_500_queries(stock: Any, namespace: str, base_time: datetime) -> None:
    async with stock.client("cloudwatch") as cw:
        answer = await metric_data(cw, base_time, many_queries(namespace, 501), minutes=1)
    assert len(answer["MetricDataResults"]) == 501


@pytest.mark.gap
async def test_ext_rejects_more_than_500_queries(ext: Any, base_time: datetime) -> None:
    async with ext.client("cloudwatch") as cw:
        allowed = await metric_data(cw, base_time, many_queries("Skafu/Api", 500), minutes=1)
        assert len(allowed["MetricDataResults"]) == 500
        with pytest.raises(ClientError) as err:
            await metric_data(cw, base_time, many_queries("Skafu/Api", 501), minutes=1)
    error = err.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ValidationError",
        "The collection MetricDataQueries must not have a size greater than 500.",
    )


@pytest.mark.gap
async def test_stock_ignores_max_datapoints(stock: Any, namespace: str, base_time: datetime) -> None:
    async with stock.client("cloudwatch") as cw:
        await put_latency(cw, namespace, base_time)
        answer = await metric_data(cw, base_time, [stat_query("m", namespace, "Sum")], MaxDatapoints=2)
    assert len(answer["MetricDataResults"][0]["Values"]) == MINUTES
    assert "NextToken" not in answer


@pytest.mark.gap
async def test_ext_pages_by_max_datapoints(ext: Any, base_time: datetime) -> None:
    queries = [stat_query("a", "Skafu/Api", "Sum"), stat_query("b", "Skafu/Api", "Maximum")]
    async with ext.client("cloudwatch") as cw:
        await put_latency(cw, "Skafu/Api", base_time)
        whole = by_id(await metric_data(cw, base_time, queries))
        pages: list[dict[str, Any]] = []
        token: dict[str, Any] = {}
        while True:
            page = await metric_data(cw, base_time, queries, MaxDatapoints=4, **token)
            pages.append(page)
            if "NextToken" not in page:
                break
            token = {"NextToken": page["NextToken"]}
    assert len(pages) == math.ceil(2 * MINUTES / 4)
    assert all(sum(len(r["Values"]) for r in p["MetricDataResults"]) <= 4 for p in pages)
    joined: dict[str, dict[float, float]] = {"a": {}, "b": {}}
    for page in pages:
        for qid, points in by_id(page).items():
            joined[qid].update(points)
    assert joined == whole
    assert pages[0]["MetricDataResults"][-1]["StatusCode"] == "PartialData"


# --- alarm history -----------------------------------------------------------------------


async def alarm_with_history(cw: Any, name: str) -> None:
    await cw.put_metric_alarm(
        AlarmName=name,
        Namespace="Skafu/Api",
        MetricName="Latency",
        Dimensions=DIMS,
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=500.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    await cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="p95 above 500 ms")
    await cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="recovered")


@pytest.mark.gap
async def test_stock_describe_alarm_history_is_a_500(stock: Any) -> None:
    name = f"latency-{uuid.uuid4().hex[:6]}"
    async with stock.client("cloudwatch") as cw:
        await alarm_with_history(cw, name)
        with pytest.raises(ClientError) as err:
            await cw.describe_alarm_history(AlarmName=name)
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


@pytest.mark.gap
async def test_ext_alarm_history_records_alarm_writes(ext: Any) -> None:
    async with ext.client("cloudwatch") as cw:
        await alarm_with_history(cw, "latency")
        newest_first = (await cw.describe_alarm_history(AlarmName="latency"))["AlarmHistoryItems"]
        states = (
            await cw.describe_alarm_history(
                AlarmName="latency", HistoryItemType="StateUpdate", ScanBy="TimestampAscending"
            )
        )["AlarmHistoryItems"]
    assert [i["HistoryItemType"] for i in newest_first] == [
        "StateUpdate",
        "StateUpdate",
        "ConfigurationUpdate",
    ]
    assert newest_first[-1]["HistorySummary"] == 'Alarm "latency" created'
    assert [i["HistorySummary"] for i in states] == [
        "Alarm updated from OK to ALARM",
        "Alarm updated from ALARM to OK",
    ]
    assert all(i["AlarmType"] == "MetricAlarm" for i in newest_first)


def history_item(name: str, when: datetime, summary: str) -> dict[str, Any]:
    return {
        "AlarmName": name,
        "AlarmType": "MetricAlarm",
        "Timestamp": when.isoformat().replace("+00:00", "Z"),
        "HistoryItemType": "StateUpdate",
        "HistorySummary": summary,
        "HistoryData": '{"version":"1.0","oldState":{"stateValue":"OK"},"newState":{"stateValue":"ALARM"}}',
    }


@pytest.mark.gap
async def test_ext_alarm_history_seed_dates_and_paging(ext: Any, base_time: datetime) -> None:
    items = [history_item("api-5xx", base_time + timedelta(minutes=m), f"change {m}") for m in range(5)]
    assert ext.seed("alarm-history", items) == 5
    async with ext.client("cloudwatch") as cw:
        window = (
            await cw.describe_alarm_history(
                AlarmName="api-5xx",
                StartDate=base_time + timedelta(minutes=1),
                EndDate=base_time + timedelta(minutes=3),
                ScanBy="TimestampAscending",
            )
        )["AlarmHistoryItems"]
        pages: list[list[str]] = []
        token: dict[str, str] = {}
        while True:
            page = await cw.describe_alarm_history(AlarmName="api-5xx", MaxRecords=2, **token)
            pages.append([i["HistorySummary"] for i in page["AlarmHistoryItems"]])
            if "NextToken" not in page:
                break
            token = {"NextToken": page["NextToken"]}
    assert [i["HistorySummary"] for i in window] == ["change 1", "change 2", "change 3"]
    assert window[0]["Timestamp"].timestamp() == (base_time + timedelta(minutes=1)).timestamp()
    assert window[0]["HistoryData"] == items[1]["HistoryData"]
    assert pages == [["change 4", "change 3"], ["change 2", "change 1"], ["change 0"]]


@pytest.mark.gap
def test_ext_alarm_history_seed_names_the_bad_field(ext: Any, base_time: datetime) -> None:
    good = history_item("api-5xx", base_time, "ok")
    status, doc = ext.post("/_skafu/seed/alarm-history", [good, good, {**good, "Timestamp": "yesterday"}])
    assert (status, doc["message"]) == (400, "[2].Timestamp: expected ISO 8601 string")
    status, doc = ext.post("/_skafu/seed/alarm-history", [{**good, "HistoryItemType": "Whatever"}])
    assert status == 400 and doc["message"].startswith("[0].HistoryItemType:")


# --- reset -------------------------------------------------------------------------------


@pytest.mark.gap
async def test_ext_reset_clears_datapoints_and_history(ext: Any, base_time: datetime) -> None:
    async with ext.client("cloudwatch") as cw:
        await put_latency(cw, "Skafu/Api", base_time)
        await alarm_with_history(cw, "latency")
        assert ext.post("/_skafu/reset")[0] == 200
        answer = await metric_data(cw, base_time, [stat_query("m", "Skafu/Api", "Sum")])
        history = await cw.describe_alarm_history(AlarmName="latency")
        listed = await cw.list_metrics(Namespace="Skafu/Api")
    assert by_id(answer)["m"] == {}
    assert history["AlarmHistoryItems"] == []
    assert listed["Metrics"] == []


# --- pure helpers --------------------------------------------------------------------------


def test_nearest_rank_matches_the_definition() -> None:
    values = [float(v) for v in (9, 1, 7, 3, 5, 2, 8, 4, 6, 10)]
    for pct in (0.0, 10.0, 50.0, 90.0, 95.0, 99.9, 100.0):
        assert nearest_rank([(v, 1.0) for v in values], pct) == expected_percentile(values, pct)
    assert nearest_rank([(1.0, 3.0), (2.0, 1.0)], 75.0) == 1.0  # counts weigh: 3 of 4 samples are 1.0


def test_math_parser_precedence_and_errors() -> None:
    assert repr(parse("a + b * 2")) == repr(parse("a + (b * 2)"))
    assert repr(parse("(a + b) * 2")) != repr(parse("a + b * 2"))
    for bad in ("a +", "(a", "a b", "[a,", "1 $ 2"):
        with pytest.raises(MathError):
            parse(bad)
