"""What the dashboard's own API calls cost: a live meter and the steady-state model.

Prices (``../shared/notes/aws-facts.md``): GetMetricData $0.01 per 1,000 metrics requested;
Cost Explorer $0.01 per request (every page is a request); GetMetricStatistics and ListMetrics
$0.01 per 1,000 requests (ignoring their monthly free million); every other read here is free.

The meter counts calls through a botocore ``after-call`` hook registered on every client of the
pool; :func:`modelled_monthly_cost` is pure and computes what the configured plan and cadences
cost per operator-month, for the cost pane and the bench.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skafu_tui.metric_plan import (
    TIER_DAILY,
    TIER_HOT,
    TIER_LAMBDA,
    TIER_SERVICE,
    build_plan,
    service_queries,
    tiers,
)

if TYPE_CHECKING:
    from skafu_tui.config import Config

GET_METRIC_DATA_PER_METRIC = 0.01 / 1000
COST_EXPLORER_PER_REQUEST = 0.01
CLOUDWATCH_PER_REQUEST = 0.01 / 1000
"""GetMetricStatistics and ListMetrics."""

DAYS_PER_MONTH = 30.0
_METRICS_KEY = "skafu_metrics_requested"
_PER_REQUEST_OPS = frozenset({("cloudwatch", "GetMetricStatistics"), ("cloudwatch", "ListMetrics")})


def metrics_requested(params: dict[str, Any]) -> int:
    """How many metrics a GetMetricData request is billed for: its queries with a MetricStat."""
    return sum(1 for q in params.get("MetricDataQueries") or () if isinstance(q, dict) and "MetricStat" in q)


def call_cost(service: str, operation: str, metrics: int = 0) -> float:
    """Dollar cost of one successful call."""
    if service == "ce":
        return COST_EXPLORER_PER_REQUEST
    if (service, operation) == ("cloudwatch", "GetMetricData"):
        return metrics * GET_METRIC_DATA_PER_METRIC
    if (service, operation) in _PER_REQUEST_OPS:
        return CLOUDWATCH_PER_REQUEST
    return 0.0


class ApiMeter:
    """Counts API calls per (service, operation) and their modelled cost, since it was made."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.errors: Counter[tuple[str, str]] = Counter()
        self.metrics_requested = 0
        self.cost_usd = 0.0

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def record(self, service: str, operation: str, *, ok: bool = True, metrics: int = 0) -> None:
        self.calls[(service, operation)] += 1
        if not ok:
            # AWS does not bill a refused or throttled request.
            self.errors[(service, operation)] += 1
            return
        self.metrics_requested += metrics
        self.cost_usd += call_cost(service, operation, metrics)

    # --- botocore event handlers (registered by the client pool) ------------------------

    def on_params(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        """``provide-client-params``: note how many metrics a GetMetricData call asks for."""
        if model.name == "GetMetricData":
            context[_METRICS_KEY] = metrics_requested(params)

    def on_after_call(self, http_response: Any, model: Any, context: dict[str, Any], **_: Any) -> None:
        """``after-call``: one HTTP answer received for one API call (retries included in it)."""
        ok = int(getattr(http_response, "status_code", 500)) < 300
        self.record(
            str(model.service_model.service_name),
            str(model.name),
            ok=ok,
            metrics=int(context.get(_METRICS_KEY, 0)),
        )


# --- the steady-state model ----------------------------------------------------------------


@dataclass(frozen=True)
class CostLine:
    """One billed activity per operator-month."""

    name: str
    interval_s: float
    requests: float
    """Billed requests per month."""
    metrics: float
    """Metrics requested per month (GetMetricData only)."""
    usd: float


@dataclass(frozen=True)
class CostBreakdown:
    hours_per_day: float
    lines: tuple[CostLine, ...]

    @property
    def total_usd(self) -> float:
        return sum(line.usd for line in self.lines)

    @property
    def requests(self) -> float:
        return sum(line.requests for line in self.lines)


def _cadence(cfg: Config, key: str) -> float:
    return float(getattr(cfg.cadence, key))


def _polls(interval_s: float, hours_per_day: float, days: float) -> float:
    # A session polls everything at start, then once per interval: ceil, not a fraction.
    if hours_per_day <= 0:
        return 0.0
    return math.ceil(hours_per_day * 3600.0 / interval_s) * days


def modelled_monthly_cost(
    cfg: Config, hours_per_day: float = 24.0, *, hot_services: int = 0, days: float = DAYS_PER_MONTH
) -> CostBreakdown:
    """Steady-state AWS API cost of one operator running the dashboard ``hours_per_day`` for a month.

    Metrics: each tier's metric count x its polls (one GetMetricData page each: the plan stays far
    under 500 queries and 100,800 datapoints). ``hot_services`` services not healthy all month add
    the hot tier. Cost Explorer: one GetCostAndUsage per ``cadence.cost``; GetCostForecast and
    GetAnomalies each once per ``cadence.cost_anomalies``. Every other call is free.
    """
    plan = tiers(build_plan(cfg))
    lines: list[CostLine] = []
    for tier in (TIER_SERVICE, TIER_LAMBDA, TIER_DAILY):
        count = len(plan.get(tier, ()))
        if not count:
            continue
        interval = _cadence(cfg, tier)
        polls = _polls(interval, hours_per_day, days)
        lines.append(
            CostLine(
                f"GetMetricData {tier} ({count} metrics)",
                interval,
                polls,
                polls * count,
                polls * count * GET_METRIC_DATA_PER_METRIC,
            )
        )
    if hot_services:
        per_service = len(service_queries(cfg, cfg.services[0].name)) if cfg.services else 0
        count = per_service * hot_services
        interval = _cadence(cfg, TIER_HOT)
        polls = _polls(interval, hours_per_day, days)
        lines.append(
            CostLine(
                f"GetMetricData {TIER_HOT} ({count} metrics)",
                interval,
                polls,
                polls * count,
                polls * count * GET_METRIC_DATA_PER_METRIC,
            )
        )
    for name, key, per_poll in (
        ("GetCostAndUsage", "cost", 1),
        ("GetCostForecast", "cost_anomalies", 1),
        ("GetAnomalies", "cost_anomalies", 1),
    ):
        interval = _cadence(cfg, key)
        requests = _polls(interval, hours_per_day, days) * per_poll
        lines.append(CostLine(name, interval, requests, 0.0, requests * COST_EXPLORER_PER_REQUEST))
    return CostBreakdown(hours_per_day, tuple(lines))
