"""Cost Explorer anomaly detection: GetAnomalies and GetAnomalyMonitors over seeded records.

Seeds: ``cost-anomalies`` (CE ``Anomaly``) and ``cost-anomaly-monitors`` (CE ``AnomalyMonitor``,
``MonitorArn`` required). AWS has no write call for anomalies, and moto has no monitors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from skafu_tui.demo.ext.base import LOCK, AwsError, Call, PerAccount, SeedError, json_operation, seed_kind
from skafu_tui.demo.ext.paging import limit, page, parse_day
from skafu_tui.demo.ext.shapes import check, parse_input, shape

SERVICE = "ce"
_ANOMALIES: PerAccount[dict[str, dict[str, Any]]] = PerAccount(dict)
_MONITORS: PerAccount[dict[str, dict[str, Any]]] = PerAccount(dict)


def _day(value: Any, where: str) -> date:
    try:
        return parse_day(value, where)
    except ValueError as exc:
        raise AwsError("ValidationException", str(exc)) from None


_IMPACT: dict[str, Callable[[float, float, float], bool]] = {
    "EQUAL": lambda v, a, _b: v == a,
    "GREATER_THAN_OR_EQUAL": lambda v, a, _b: v >= a,
    "LESS_THAN_OR_EQUAL": lambda v, a, _b: v <= a,
    "GREATER_THAN": lambda v, a, _b: v > a,
    "LESS_THAN": lambda v, a, _b: v < a,
    "BETWEEN": lambda v, a, b: a <= v <= b,
}


@json_operation(SERVICE, "GetAnomalies")
def get_anomalies(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "GetAnomalies", call)
    interval = req["DateInterval"]
    first = _day(interval["StartDate"], "DateInterval.StartDate")
    last = _day(interval["EndDate"], "DateInterval.EndDate") if interval.get("EndDate") else date.max
    impact = req.get("TotalImpact")
    if impact and impact["NumericOperator"] == "BETWEEN" and impact.get("EndValue") is None:
        raise AwsError("ValidationException", "TotalImpact.EndValue is required with BETWEEN")
    size = limit(
        req.get("MaxResults"), default=100, low=1, high=1000, code="ValidationException", name="MaxResults"
    )
    with LOCK:
        anomalies = list(_ANOMALIES.get(call.account).values())

    def wanted(a: dict[str, Any]) -> bool:
        ends = parse_day(a.get("AnomalyEndDate") or a.get("AnomalyStartDate") or first.isoformat(), "date")
        if not first <= ends <= last:
            return False
        if req.get("MonitorArn") and a["MonitorArn"] != req["MonitorArn"]:
            return False
        if req.get("Feedback") and a.get("Feedback") != req["Feedback"]:
            return False
        if impact:
            value = a["Impact"].get("TotalImpact", 0.0)
            return _IMPACT[impact["NumericOperator"]](
                value, impact["StartValue"], impact.get("EndValue") or 0.0
            )
        return True

    chunk, token = page(
        [a for a in anomalies if wanted(a)],
        lambda a: (a.get("AnomalyStartDate", ""), a["AnomalyId"]),
        size,
        req.get("NextPageToken"),
        descending=True,
        bad_token=lambda m: AwsError("InvalidNextTokenException", m),
    )
    return {"Anomalies": chunk, **({"NextPageToken": token} if token else {})}


@json_operation(SERVICE, "GetAnomalyMonitors")
def get_anomaly_monitors(call: Call) -> dict[str, Any]:
    req = parse_input(SERVICE, "GetAnomalyMonitors", call)
    size = limit(
        req.get("MaxResults"), default=100, low=1, high=1000, code="ValidationException", name="MaxResults"
    )
    with LOCK:
        monitors = dict(_MONITORS.get(call.account))
    arns = req.get("MonitorArnList") or []
    missing = [a for a in arns if a not in monitors]
    if missing:
        raise AwsError("UnknownMonitorException", f"Cost anomaly monitor {missing[0]} does not exist")
    chosen = [monitors[a] for a in arns] if arns else list(monitors.values())
    chunk, token = page(
        chosen,
        lambda m: (m["MonitorArn"],),
        size,
        req.get("NextPageToken"),
        bad_token=lambda m: AwsError("InvalidNextTokenException", m),
    )
    return {"AnomalyMonitors": chunk, **({"NextPageToken": token} if token else {})}


@seed_kind("cost-anomalies")
def seed_cost_anomalies(account: str, items: list[dict[str, Any]]) -> int:
    anomaly_shape = shape(SERVICE, "Anomaly")
    anomalies = []
    for i, item in enumerate(items):
        anomaly = check(anomaly_shape, item, f"[{i}]")
        for key in ("AnomalyStartDate", "AnomalyEndDate"):
            if key in anomaly:
                try:
                    parse_day(anomaly[key], f"[{i}].{key}")
                except ValueError as exc:
                    raise SeedError(str(exc)) from None
        anomalies.append(anomaly)
    with LOCK:
        _ANOMALIES.get(account).update((a["AnomalyId"], a) for a in anomalies)
    return len(anomalies)


@seed_kind("cost-anomaly-monitors")
def seed_anomaly_monitors(account: str, items: list[dict[str, Any]]) -> int:
    monitor_shape = shape(SERVICE, "AnomalyMonitor")
    monitors = []
    for i, item in enumerate(items):
        monitor = check(monitor_shape, item, f"[{i}]")
        if "MonitorArn" not in monitor:
            raise SeedError(f"[{i}].MonitorArn: missing")
        monitors.append(monitor)
    with LOCK:
        _MONITORS.get(account).update((m["MonitorArn"], m) for m in monitors)
    return len(monitors)
