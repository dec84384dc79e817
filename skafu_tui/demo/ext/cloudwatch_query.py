"""GetMetricData and GetMetricStatistics answered from the indexed store.

Errors are moto's CloudWatch exceptions, so moto's response layer serialises them in the
protocol the client used (CBOR today).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from moto.cloudwatch.exceptions import (
    InvalidParameterCombination,
    InvalidParameterValue,
    ValidationError,
)

from . import cloudwatch_math as cwm
from .cloudwatch_store import (
    BASIC_STATS,
    MetricStore,
    Series,
    aligned_start,
    from_epoch,
    group_by_period,
    is_valid_stat,
    percentile_of,
    stat_function,
    to_epoch,
)

MAX_QUERIES = 500
MAX_STATISTICS_DATAPOINTS = 1440
_QUERY_ID = re.compile(r"^[a-z][a-zA-Z0-9_]*$")

Lookup = Callable[[str, str, list[Mapping[str, Any]]], list[Series]]
"""(namespace, metric name, dimensions) -> the series matching exactly (index, then moto's extras)."""


def make_lookup(store: MetricStore, extras: Callable[[], MetricStore]) -> Lookup:
    def lookup(namespace: str, name: str, dimensions: list[Mapping[str, Any]]) -> list[Series]:
        found = store.find(namespace, name, dimensions)
        if found is not None:
            return [found]
        extra = extras().find(namespace, name, dimensions)
        return [extra] if extra is not None else []

    return lookup


def _window(start_time: datetime, end_time: datetime) -> tuple[float, float]:
    start, end = to_epoch(start_time.replace(microsecond=0)), to_epoch(end_time.replace(microsecond=0))
    if start > end:
        raise ValidationError("The parameter EndTime must be greater than StartTime.")
    if start == end:
        raise ValidationError("The parameter StartTime must not equal parameter EndTime.")
    return start, end


def validate_queries(queries: Sequence[Mapping[str, Any]]) -> None:
    if len(queries) > MAX_QUERIES:
        raise ValidationError(
            f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}."
        )
    seen: set[str] = set()
    for n, query in enumerate(queries, start=1):
        qid = query.get("Id")
        if not isinstance(qid, str) or not _QUERY_ID.match(qid):
            raise ValidationError(
                f"The value {qid} for parameter MetricDataQueries.member.{n}.Id is not valid: it must "
                "start with a lowercase letter and contain only letters, digits and underscores."
            )
        if qid in seen:
            raise ValidationError("The values for parameter id in MetricDataQueries are not unique.")
        seen.add(qid)
        has_stat, has_expr = "MetricStat" in query, "Expression" in query
        if not has_stat and not has_expr:
            raise ValidationError(f"The parameter MetricDataQueries.member.{n}.MetricStat is required.\n")
        if has_stat and has_expr:
            raise ValidationError(
                f"The parameters MetricDataQueries.member.{n}.MetricStat and "
                f"MetricDataQueries.member.{n}.Expression are mutually exclusive and you have specified both."
            )
        if has_stat:
            stat = query["MetricStat"].get("Stat", "")
            if not is_valid_stat(stat):
                raise ValidationError(
                    f"The value {stat} for parameter MetricDataQueries.member.{n}.MetricStat.Stat "
                    "is not valid."
                )
            if int(query["MetricStat"].get("Period") or 0) <= 0:
                raise ValidationError(
                    f"The parameter MetricDataQueries.member.{n}.MetricStat.Period must be greater than 0."
                )


def _stat_series(
    lookup: Lookup, metric_stat: Mapping[str, Any], start: float, end: float
) -> cwm.TimeSeries:
    metric = metric_stat["Metric"]
    period = int(metric_stat["Period"])
    stat = str(metric_stat["Stat"])
    matched = lookup(metric["Namespace"], metric["MetricName"], list(metric.get("Dimensions") or []))
    start0 = aligned_start(start, period)
    fn = stat_function(stat)
    series: cwm.TimeSeries = {}
    for idx, cells, _unit in group_by_period(matched, start0, end, period, metric_stat.get("Unit")):
        value = fn(cells)
        if value is not None:
            series[start0 + idx * period] = value
    return series


def _grid(start: float, end: float, period: int) -> list[float]:
    start0 = aligned_start(start, period)
    return [start0 + k * period for k in range(max(0, math.ceil((end - start0) / period)))]


def get_metric_data(
    lookup: Lookup,
    queries: Sequence[Mapping[str, Any]],
    start_time: datetime,
    end_time: datetime,
    scan_by: str,
) -> list[dict[str, Any]]:
    """Every query with ReturnData (default true), as MetricDataResult documents.

    Timestamps are epoch seconds (the JSON protocol's own form); the response layer converts them
    for other protocols.
    """
    start, end = _window(start_time, end_time)
    validate_queries(queries)
    metric_series: dict[str, cwm.TimeSeries] = {}
    labels: dict[str, str] = {}
    periods: list[int] = []
    for query in queries:
        if "MetricStat" in query:
            ms = query["MetricStat"]
            metric_series[query["Id"]] = _stat_series(lookup, ms, start, end)
            labels[query["Id"]] = query.get("Label") or ms["Metric"]["MetricName"]
            periods.append(int(ms["Period"]))
    default_period = min(periods) if periods else 60
    expressions = {q["Id"]: q for q in queries if "Expression" in q}
    memo: dict[str, cwm.Value] = {}
    visiting: set[str] = set()

    def period_of(query: Mapping[str, Any]) -> int:
        return int(query.get("Period") or default_period)

    def resolve(qid: str) -> cwm.Value:
        if qid in memo:
            return memo[qid]
        if qid not in expressions:
            raise cwm.MathError(f"Unknown identifier {qid}")
        if qid in visiting:
            raise cwm.MathError(f"Circular reference through {qid}")
        visiting.add(qid)
        query = expressions[qid]
        text = str(query["Expression"])
        if text.lstrip().upper().startswith("SELECT"):
            raise cwm.MathError("Metrics Insights queries are not supported by this endpoint")
        ctx = cwm.Context(metric_series, labels, resolve, _grid(start, end, period_of(query)))
        memo[qid] = cwm.evaluate(cwm.parse(text), ctx)
        visiting.discard(qid)
        return memo[qid]

    results: list[dict[str, Any]] = []
    for query in queries:
        if query.get("ReturnData") is False:
            continue
        qid = query["Id"]
        if qid in metric_series:
            series, label = metric_series[qid], labels[qid]
        else:
            try:
                value = resolve(qid)
                series = cwm.as_series(value, _grid(start, end, period_of(expressions[qid])))
            except cwm.MathError as err:
                raise ValidationError(f"Error in expression {qid}: {err}") from None
            label = query.get("Label") or qid
        stamps = sorted(series, reverse=scan_by != "TimestampAscending")
        results.append({
            "Id": qid,
            "Label": label,
            "Timestamps": [int(ts) if ts == int(ts) else ts for ts in stamps],
            "Values": [series[ts] for ts in stamps],
            "StatusCode": "Complete",
            "Messages": [],
        })
    return results


def get_metric_statistics(
    lookup: Lookup,
    namespace: str,
    metric_name: str,
    start_time: datetime,
    end_time: datetime,
    period: int,
    statistics: list[str],
    extended: list[str],
    dimensions: list[Mapping[str, Any]],
    unit: str | None,
) -> list[dict[str, Any]]:
    """Datapoint documents, oldest first, with the requested (extended) statistics."""
    if not statistics and not extended:
        raise InvalidParameterCombination("Must specify either Statistics or ExtendedStatistics")
    if statistics and extended:
        raise InvalidParameterCombination(
            "Must specify either Statistics or ExtendedStatistics, but not both."
        )
    for stat in statistics:
        if stat not in BASIC_STATS:
            raise InvalidParameterValue(f"The value {stat} for parameter Statistics is not supported.")
    for stat in extended:
        if percentile_of(stat) is None:
            raise InvalidParameterValue(
                f"The value {stat} for parameter ExtendedStatistics is not supported."
            )
    if period <= 0:
        raise InvalidParameterValue("The parameter Period must be greater than 0.")
    start, end = _window(start_time, end_time)
    start0 = aligned_start(start, period)
    requested = math.ceil((end - start0) / period)
    if requested > MAX_STATISTICS_DATAPOINTS:
        raise InvalidParameterCombination(
            f"You have requested up to {requested:,} datapoints, which exceeds the limit of "
            f"{MAX_STATISTICS_DATAPOINTS:,}. You may reduce the datapoints requested by increasing "
            "Period, or decreasing the time range."
        )
    basic = [(stat, stat_function(stat)) for stat in statistics]
    pct_fns = [(stat, stat_function(stat)) for stat in extended]
    datapoints: list[dict[str, Any]] = []
    for idx, cells, cell_unit in group_by_period(
        lookup(namespace, metric_name, dimensions), start0, end, period, unit
    ):
        point: dict[str, Any] = {"Timestamp": from_epoch(start0 + idx * period), "Unit": cell_unit or "None"}
        for stat, fn in basic:
            if (value := fn(cells)) is not None:
                point[stat] = value
        pcts = {stat: v for stat, fn in pct_fns if (v := fn(cells)) is not None}
        if pcts:
            point["ExtendedStatistics"] = pcts
        datapoints.append(point)
    return datapoints
