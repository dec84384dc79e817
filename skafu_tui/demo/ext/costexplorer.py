"""Cost Explorer: GetCostAndUsage and GetCostForecast from seeded daily tables.

The daily tables answer any date range and granularity (moto answers only from a queue of
canned responses keyed by the exact request body). Seed shapes:

- ``cost-daily``: ``{"date": "YYYY-MM-DD", "service": str, "amount": number, "unit"?: str}``;
  a later row for the same date and service replaces the earlier one.
- ``cost-forecast``: ``{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "amount": number,
  "unit"?: str, "lower"?: number, "upper"?: number}``, end exclusive, or a CE
  ``ForecastResultsByTime`` entry (``TimePeriod``, ``MeanValue``, ``PredictionInterval*Bound``);
  the amount (and bounds) are spread evenly over the days of ``[start, end)``, and later rows
  replace earlier ones per day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from skafu_tui.demo.ext.base import LOCK, AwsError, Call, PerAccount, SeedError, json_operation, seed_kind
from skafu_tui.demo.ext.paging import decode_token, encode_token, parse_day
from skafu_tui.demo.ext.shapes import check, parse_input, shape

SERVICE = "ce"
COST_METRICS = ("UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost")
FORECAST_METRICS = (
    "UNBLENDED_COST",
    "BLENDED_COST",
    "AMORTIZED_COST",
    "NET_UNBLENDED_COST",
    "NET_AMORTIZED_COST",
)
PAGE_ENTRIES = 500
"""Result entries (one per group per period) in one GetCostAndUsage page, whole periods only."""
MAX_PERIODS = 3700
MAX_SPAN_DAYS = 366

_DAILY: PerAccount[dict[tuple[date, str], tuple[float, str]]] = PerAccount(dict)
_FORECAST: PerAccount[dict[date, tuple[float, float, float, str]]] = PerAccount(dict)


def _invalid(message: str) -> AwsError:
    return AwsError("ValidationException", message)


def _day(value: Any, where: str) -> date:
    try:
        return parse_day(value, where)
    except ValueError as exc:
        raise _invalid(str(exc)) from None


def _amount(value: float) -> str:
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _periods(interval: dict[str, Any], granularity: str) -> list[tuple[date, date]]:
    start, end = _day(interval["Start"], "TimePeriod.Start"), _day(interval["End"], "TimePeriod.End")
    if start >= end:
        raise _invalid("Start date (and hour) should be before end date (and hour)")
    if granularity == "HOURLY":
        raise _invalid("Hourly granularity is not enabled for this account")
    periods: list[tuple[date, date]] = []
    cursor = start
    while cursor < end:
        if granularity == "DAILY":
            nxt = cursor + timedelta(days=1)
        else:
            nxt = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        periods.append((cursor, min(nxt, end)))
        cursor = nxt
        if len(periods) > MAX_PERIODS:
            raise _invalid(f"TimePeriod spans more than {MAX_PERIODS} periods")
    return periods


def _service_filter(expression: dict[str, Any] | None) -> Callable[[str], bool]:
    """The subset of Expression the table can answer: SERVICE dimensions under And/Or/Not."""
    if not expression:
        return lambda _service: True
    if "And" in expression:
        parts = [_service_filter(e) for e in expression["And"]]
        return lambda s: all(p(s) for p in parts)
    if "Or" in expression:
        parts = [_service_filter(e) for e in expression["Or"]]
        return lambda s: any(p(s) for p in parts)
    if "Not" in expression:
        inner = _service_filter(expression["Not"])
        return lambda s: not inner(s)
    dimension = expression.get("Dimensions", {})
    if dimension.get("Key") != "SERVICE" or set(dimension.get("MatchOptions") or ["EQUALS"]) != {"EQUALS"}:
        raise _invalid("Filter: only Dimensions SERVICE with EQUALS is supported by the demo server")
    values = set(dimension.get("Values") or [])
    return lambda s: s in values


@json_operation(SERVICE, "GetCostAndUsage")
def get_cost_and_usage(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "GetCostAndUsage", call)
    periods = _periods(req["TimePeriod"], req["Granularity"])
    metrics = req["Metrics"]
    unknown = [m for m in metrics if m not in COST_METRICS]
    if unknown or not metrics:
        raise _invalid(f"Metrics: {unknown or metrics} not supported; use {', '.join(COST_METRICS)}")
    groups = req.get("GroupBy") or []
    if groups not in ([], [{"Type": "DIMENSION", "Key": "SERVICE"}]):
        raise _invalid("GroupBy: only DIMENSION SERVICE is supported by the demo server")
    keep = _service_filter(req.get("Filter"))
    by_day: dict[date, list[tuple[str, float, str]]] = {}
    with LOCK:
        for (day, service), (amount, unit) in _DAILY.get(call.account).items():
            if keep(service):
                by_day.setdefault(day, []).append((service, amount, unit))
    start = 0
    if req.get("NextPageToken"):
        try:
            (last,) = decode_token(req["NextPageToken"])
            start = next((i for i, p in enumerate(periods) if p[0].isoformat() > last), len(periods))
        except (ValueError, TypeError):
            raise AwsError("InvalidNextTokenException", "Invalid NextPageToken") from None
    today = datetime.now(UTC).date()
    results: list[dict[str, Any]] = []
    used = 0
    for first, stop in periods[start:]:
        inside = [
            row for n in range((stop - first).days) for row in by_day.get(first + timedelta(days=n), [])
        ]
        unit = inside[0][2] if inside else "USD"
        entry: dict[str, Any] = {
            "TimePeriod": {"Start": first.isoformat(), "End": stop.isoformat()},
            "Total": {},
            "Groups": [],
            "Estimated": stop > today,
        }
        if groups:
            per_service: dict[str, float] = {}
            for service, amount, _ in inside:
                per_service[service] = per_service.get(service, 0.0) + amount
            entry["Groups"] = [
                {"Keys": [s], "Metrics": {m: {"Amount": _amount(a), "Unit": unit} for m in metrics}}
                for s, a in sorted(per_service.items())
            ]
        else:
            total = sum(amount for _, amount, _ in inside)
            entry["Total"] = {m: {"Amount": _amount(total), "Unit": unit} for m in metrics}
        size = max(1, len(entry["Groups"]))
        if results and used + size > PAGE_ENTRIES:
            break
        results.append(entry)
        used += size
    answer: dict[str, Any] = {
        "GroupDefinitions": groups,
        "ResultsByTime": results,
        "DimensionValueAttributes": [],
    }
    if start + len(results) < len(periods):
        answer["NextPageToken"] = encode_token((results[-1]["TimePeriod"]["Start"],))
    return answer


def spend(account: str, first: date, stop: date, services: set[str] | None = None) -> float | None:
    """Seeded cost in ``[first, stop)`` (only ``services`` if given); None when no row falls inside."""
    with LOCK:
        amounts = [
            amount
            for (day, service), (amount, _) in _DAILY.get(account).items()
            if first <= day < stop and (services is None or service in services)
        ]
    return sum(amounts) if amounts else None


@json_operation(SERVICE, "GetCostForecast")
def get_cost_forecast(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "GetCostForecast", call)
    if req["Metric"] not in FORECAST_METRICS:
        raise _invalid(f"Metric {req['Metric']} is not forecast by the demo server")
    periods = _periods(req["TimePeriod"], req["Granularity"])
    with LOCK:
        table = dict(_FORECAST.get(call.account))
    results, total, covered, unit = [], 0.0, False, "USD"
    for first, stop in periods:
        mean = lower = upper = 0.0
        day = first
        while day < stop:
            if day in table:
                covered = True
                m, lo, hi, unit = table[day]
                mean, lower, upper = mean + m, lower + lo, upper + hi
            day += timedelta(days=1)
        total += mean
        results.append(
            {
                "TimePeriod": {"Start": first.isoformat(), "End": stop.isoformat()},
                "MeanValue": _amount(mean),
                "PredictionIntervalLowerBound": _amount(lower),
                "PredictionIntervalUpperBound": _amount(upper),
            }
        )
    if not covered:
        raise AwsError(
            "DataUnavailableException", "Insufficient amount of historical data to generate forecast."
        )
    return {"Total": {"Amount": _amount(total), "Unit": unit}, "ForecastResultsByTime": results}


# --- seeds --------------------------------------------------------------------------------


def _fields(item: dict[str, Any], where: str, allowed: set[str]) -> None:
    for key in item:
        if key not in allowed:
            raise SeedError(f"{where}.{key}: unknown field (expected {', '.join(sorted(allowed))})")


def _seed_number(item: dict[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = item.get(key, default)
    if value is None:
        raise SeedError(f"{where}.{key}: missing")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise SeedError(f"{where}.{key}: expected number")
    return float(value)


def _seed_text(item: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = item.get(key, default)
    if value is None:
        raise SeedError(f"{where}.{key}: missing")
    if not isinstance(value, str) or not value:
        raise SeedError(f"{where}.{key}: expected a non-empty string")
    return value


def _seed_day(item: dict[str, Any], key: str, where: str) -> date:
    try:
        return parse_day(_seed_text(item, key, where), f"{where}.{key}")
    except ValueError as exc:
        raise SeedError(str(exc)) from None


@seed_kind("cost-daily")
def seed_cost_daily(account: str, items: list[dict[str, Any]]) -> int:
    rows = []
    for i, item in enumerate(items):
        where = f"[{i}]"
        _fields(item, where, {"date", "service", "amount", "unit"})
        rows.append(
            (
                (_seed_day(item, "date", where), _seed_text(item, "service", where)),
                (_seed_number(item, "amount", where), _seed_text(item, "unit", where, "USD")),
            )
        )
    with LOCK:
        _DAILY.get(account).update(rows)
    return len(rows)


def _forecast_row(item: dict[str, Any], where: str) -> dict[str, Any]:
    """A ``ForecastResultsByTime`` entry (amounts as decimal strings) as a ``start/end/amount`` row."""
    result = check(shape(SERVICE, "ForecastResult"), item, where)
    row: dict[str, Any] = {}
    for key, member in (("start", "Start"), ("end", "End")):
        if member not in result.get("TimePeriod", {}):
            raise SeedError(f"{where}.TimePeriod.{member}: missing")
        row[key] = result["TimePeriod"][member]
    for key, member in (
        ("amount", "MeanValue"),
        ("lower", "PredictionIntervalLowerBound"),
        ("upper", "PredictionIntervalUpperBound"),
    ):
        if member in result:
            try:
                row[key] = float(result[member])
            except ValueError:
                raise SeedError(f"{where}.{member}: expected a decimal string") from None
    if "amount" not in row:
        raise SeedError(f"{where}.MeanValue: missing")
    return row


@seed_kind("cost-forecast")
def seed_cost_forecast(account: str, items: list[dict[str, Any]]) -> int:
    """Rows ``{start, end, amount, unit?, lower?, upper?}`` or ``ForecastResultsByTime`` entries."""
    days: dict[date, tuple[float, float, float, str]] = {}
    for i, item in enumerate(items):
        where = f"[{i}]"
        if "TimePeriod" in item:
            item = _forecast_row(item, where)
        _fields(item, where, {"start", "end", "amount", "unit", "lower", "upper"})
        first, stop = _seed_day(item, "start", where), _seed_day(item, "end", where)
        span = (stop - first).days
        if not 0 < span <= MAX_SPAN_DAYS:
            raise SeedError(f"{where}.end: must be 1 to {MAX_SPAN_DAYS} days after start (end is exclusive)")
        amount = _seed_number(item, "amount", where)
        lower, upper = _seed_number(item, "lower", where, amount), _seed_number(item, "upper", where, amount)
        unit = _seed_text(item, "unit", where, "USD")
        for n in range(span):
            days[first + timedelta(days=n)] = (amount / span, lower / span, upper / span, unit)
    with LOCK:
        _FORECAST.get(account).update(days)
    return len(items)
