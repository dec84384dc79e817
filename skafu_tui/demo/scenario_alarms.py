"""The scenario's CloudWatch alarms and their states, derived from the scenario's own datapoints.

An alarm is evaluated each minute over its last ``evaluation_periods`` one-minute datapoints and
is in ALARM when at least ``datapoints_to_alarm`` of them breach (as CloudWatch does), so the
states and the transitions in the alarm history always agree with the metrics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from skafu_tui.demo.scenario_metrics import (
    ALB_DIMS,
    DB_DIMS,
    NS_ALB,
    NS_APIGW,
    NS_BUSINESS,
    NS_RDS,
    Dims,
    Point,
    minute_points,
    percentile,
)
from skafu_tui.demo.scenario_model import HOUR, MINUTE, Scenario

OK = "OK"
ALARM = "ALARM"
INSUFFICIENT_DATA = "INSUFFICIENT_DATA"

INSUFFICIENT_ALARM = "skafu-business-active-users-low"
"""Watches a series nobody publishes (a dimension typo): "monitoring alerts not firing"."""
INSUFFICIENT_SINCE_HOURS = 6


@dataclass(frozen=True)
class AlarmSpec:
    name: str
    namespace: str
    metric: str
    dims: Dims
    stat: str
    """``Sum``/``Maximum``/… or a percentile such as ``p95`` (an ExtendedStatistic)."""
    threshold: float
    comparison: str
    description: str
    service: str = ""
    evaluation_periods: int = 3
    datapoints_to_alarm: int = 2

    def put_kwargs(self) -> dict[str, Any]:
        """Arguments of ``put_metric_alarm``."""
        kw: dict[str, Any] = {
            "AlarmName": self.name,
            "AlarmDescription": self.description,
            "Namespace": self.namespace,
            "MetricName": self.metric,
            "Dimensions": [{"Name": k, "Value": v} for k, v in self.dims],
            "Period": 60,
            "EvaluationPeriods": self.evaluation_periods,
            "DatapointsToAlarm": self.datapoints_to_alarm,
            "Threshold": self.threshold,
            "ComparisonOperator": self.comparison,
            "TreatMissingData": "missing",
            "ActionsEnabled": False,
        }
        if self.stat.startswith("p"):
            kw["ExtendedStatistic"] = self.stat
        else:
            kw["Statistic"] = self.stat
        return kw


def alarm_specs(sc: Scenario) -> tuple[AlarmSpec, ...]:
    out: list[AlarmSpec] = []
    for svc in sc.services:
        api = (("ApiName", svc.api_name),)
        out.append(
            AlarmSpec(
                svc.alarm_5xx,
                NS_APIGW,
                "5XXError",
                api,
                "Sum",
                svc.errors_alarm_threshold,
                "GreaterThanThreshold",
                f"{svc.name}: 5xx above 2 % of normal traffic",
                svc.name,
            )
        )
        out.append(
            AlarmSpec(
                svc.alarm_p95,
                NS_APIGW,
                "Latency",
                api,
                "p95",
                500.0,
                "GreaterThanThreshold",
                f"{svc.name}: p95 latency above 500 ms",
                svc.name,
            )
        )
    out.append(
        AlarmSpec(
            "skafu-prod-db-connections-high",
            NS_RDS,
            "DatabaseConnections",
            DB_DIMS,
            "Maximum",
            90.0,
            "GreaterThanThreshold",
            "skafu-prod-db: connections above 90 of 100",
        )
    )
    out.append(
        AlarmSpec(
            "skafu-prod-alb-5xx",
            NS_ALB,
            "HTTPCode_Target_5XX_Count",
            ALB_DIMS,
            "Sum",
            500.0,
            "GreaterThanThreshold",
            "skafu-prod-alb: target 5xx",
        )
    )
    out.append(
        AlarmSpec(
            INSUFFICIENT_ALARM,
            NS_BUSINESS,
            "ActiveUsers",
            (("Environment", "production"),),
            "Maximum",
            100.0,
            "LessThanThreshold",
            "Active users collapse",
        )
    )
    return tuple(out)


def alarm_spec(sc: Scenario, name: str) -> AlarmSpec:
    for spec in alarm_specs(sc):
        if spec.name == name:
            return spec
    raise KeyError(name)


@lru_cache(maxsize=512)
def _minute_series(sc: Scenario, i: int) -> dict[tuple[str, str, Dims], Point]:
    """Minute i's datapoints by (namespace, metric, sorted dimensions); the first of each, as a scan finds it."""
    out: dict[tuple[str, str, Dims], Point] = {}
    for p in minute_points(sc, i):
        out.setdefault((p.namespace, p.metric, tuple(sorted(p.dims))), p)
    return out


def minute_stat(sc: Scenario, spec: AlarmSpec, i: int) -> float | None:
    """The alarm's statistic over minute i, or None when the series has no datapoint."""
    p = _minute_series(sc, i).get((spec.namespace, spec.metric, tuple(sorted(spec.dims))))
    if p is None:
        return None
    vals = p.values()
    if spec.stat.startswith("p"):
        return percentile(vals, float(spec.stat[1:]))
    if spec.stat == "Sum":
        return sum(vals)
    if spec.stat == "Maximum":
        return max(vals)
    return sum(vals) / len(vals)


def _breaches(spec: AlarmSpec, value: float) -> bool:
    if spec.comparison == "GreaterThanThreshold":
        return value > spec.threshold
    if spec.comparison == "LessThanThreshold":
        return value < spec.threshold
    raise ValueError(spec.comparison)


def state_after(sc: Scenario, spec: AlarmSpec, i: int) -> str:
    """The alarm's state once minute i has been published and evaluated."""
    stats = [minute_stat(sc, spec, j) for j in range(i - spec.evaluation_periods + 1, i + 1)]
    if any(v is None for v in stats):
        return INSUFFICIENT_DATA
    breaching = sum(1 for v in stats if v is not None and _breaches(spec, v))
    return ALARM if breaching >= spec.datapoints_to_alarm else OK


def evaluation_time(sc: Scenario, i: int) -> datetime:
    """When CloudWatch evaluates after minute i closes."""
    return sc.minute_time(i) + MINUTE + timedelta(seconds=20)


@dataclass(frozen=True)
class Transition:
    alarm: str
    time: datetime
    old: str
    new: str
    reason: str
    minute: int | None = None


def _reason(spec: AlarmSpec, new: str) -> str:
    if new == INSUFFICIENT_DATA:
        return "Insufficient Data: 3 datapoints were unknown."
    word = "greater than" if spec.comparison == "GreaterThanThreshold" else "less than"
    if new == ALARM:
        return (
            f"Threshold Crossed: {spec.datapoints_to_alarm} out of the last {spec.evaluation_periods} "
            f"datapoints were {word} the threshold ({spec.threshold})."
        )
    return (
        f"Threshold Crossed: no more than {spec.datapoints_to_alarm - 1} out of the last "
        f"{spec.evaluation_periods} datapoints were {word} the threshold ({spec.threshold})."
    )


def transitions(sc: Scenario, first: int, last: int) -> list[Transition]:
    """State changes of the metric alarms evaluated at minutes first+1 … last, oldest first."""
    out: list[Transition] = []
    for spec in alarm_specs(sc):
        if spec.name == INSUFFICIENT_ALARM:
            continue
        prev = state_after(sc, spec, first)
        for i in range(first + 1, last + 1):
            cur = state_after(sc, spec, i)
            if cur != prev:
                out.append(Transition(spec.name, evaluation_time(sc, i), prev, cur, _reason(spec, cur), i))
            prev = cur
    out.sort(key=lambda t: (t.time, t.alarm))
    return out


def seeded_states(sc: Scenario) -> dict[str, str]:
    """Every alarm's state at start (after minute -1 was evaluated)."""
    return {
        spec.name: INSUFFICIENT_DATA if spec.name == INSUFFICIENT_ALARM else state_after(sc, spec, -1)
        for spec in alarm_specs(sc)
    }


def older_transitions(sc: Scenario) -> list[Transition]:
    """Transitions before the one-minute history: yesterday's blip and the alarm that went quiet."""
    blip = sc.start - 26 * HOUR - timedelta(minutes=17)
    spec = next(s for s in alarm_specs(sc) if s.service == "project-management-api" and s.stat == "p95")
    quiet = sc.start - INSUFFICIENT_SINCE_HOURS * HOUR - timedelta(minutes=10)
    return [
        Transition(spec.name, blip, OK, ALARM, _reason(spec, ALARM)),
        Transition(spec.name, blip + timedelta(minutes=9), ALARM, OK, _reason(spec, OK)),
        Transition(INSUFFICIENT_ALARM, quiet, OK, INSUFFICIENT_DATA, _reason(spec, INSUFFICIENT_DATA)),
    ]


def history_item(sc: Scenario, t: Transition) -> dict[str, Any]:
    """A CloudWatch ``AlarmHistoryItem`` for a transition (Timestamp as epoch seconds)."""
    data = {
        "version": "1.0",
        "oldState": {"stateValue": t.old},
        "newState": {"stateValue": t.new, "stateReason": t.reason},
    }
    return {
        "AlarmName": t.alarm,
        "AlarmType": "MetricAlarm",
        "Timestamp": t.time.timestamp(),
        "HistoryItemType": "StateUpdate",
        "HistorySummary": f"Alarm updated from {t.old} to {t.new}",
        "HistoryData": json.dumps(data),
    }


def seeded_history(sc: Scenario) -> list[Transition]:
    return older_transitions(sc) + transitions(sc, sc.first_minute_index + 2, -1)
