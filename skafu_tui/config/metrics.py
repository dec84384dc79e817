"""CloudWatch metric references and the services whose health they measure."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from skafu_tui.config._base import ConfigModel, NonEmptyStr, invalid
from skafu_tui.config.kpis import KpiOverrides

Aggregate = Literal["sum", "avg", "max", "min", "last"]
"""How datapoints over a period combine into one figure."""

_BASIC_STATS = frozenset({"SampleCount", "Average", "Sum", "Minimum", "Maximum", "IQM"})
# A percentage 0-100 with optional decimals: p95, p99.9, tm90, p100.
_PERCENT = r"(?:100(?:\.0+)?|\d{1,2}(?:\.\d+)?)"
_SHORTHAND = re.compile(rf"(?:p|tm|wm|tc|ts|TM|WM|TC|TS){_PERCENT}")
# Range forms: TM(10%:90%), WM(:95%), TC(0.005:0.030), PR(:300); at least one bound.
_BOUND = r"(?:\d+(?:\.\d+)?%?)"
_RANGE = re.compile(rf"(?:TM|WM|TC|TS|PR)\(({_BOUND})?:({_BOUND})?\)")


def is_statistic(stat: str) -> bool:
    """True when CloudWatch accepts `stat` as a statistic (standard, percentile, trimmed or ranged)."""
    if stat in _BASIC_STATS or _SHORTHAND.fullmatch(stat):
        return True
    match = _RANGE.fullmatch(stat)
    if match is None:
        return False
    low, high = match.groups()
    if low is None and high is None:
        return False
    bounds = [bound for bound in (low, high) if bound is not None]
    if any(bound.endswith("%") and float(bound[:-1]) > 100 for bound in bounds):
        return False
    if low is not None and high is not None and low.endswith("%") == high.endswith("%"):
        return float(low.rstrip("%")) < float(high.rstrip("%"))
    return True


class MetricRef(ConfigModel):
    """One CloudWatch metric and the statistic to read from it."""

    # Dimension values such as health-check or API ids may be written unquoted as numbers.
    model_config = ConfigDict(coerce_numbers_to_str=True)

    namespace: NonEmptyStr
    """CloudWatch namespace, e.g. `AWS/ApiGateway` or a custom one such as `Skafu/Business`."""

    metric: NonEmptyStr
    """Metric name within the namespace, e.g. `Latency`."""

    dimensions: dict[NonEmptyStr, NonEmptyStr] = Field(default_factory=dict, max_length=30)
    """Dimension name to value; must match the metric's dimensions exactly (CloudWatch allows up to 30)."""

    stat: NonEmptyStr
    """CloudWatch statistic: SampleCount, Average, Sum, Minimum, Maximum, pNN(.N), tmNN, TM(a%:b%), ..."""

    scale: float = Field(default=1.0, gt=0)
    """Multiplier applied to every datapoint, e.g. 1000 to turn RDS seconds into milliseconds."""

    per_second: bool = False
    """Divide each datapoint by its period in seconds, turning a Sum into a rate."""

    aggregate: Aggregate | None = None
    """How the period's datapoints combine into one figure; unset lets the reader choose for its KPI."""

    @field_validator("stat")
    @classmethod
    def _known_statistic(cls, stat: str) -> str:
        if not is_statistic(stat):
            invalid(f"{stat!r} is not a statistic")
        return stat

    def __hash__(self) -> int:
        # The dimensions dict is unhashable; hash its sorted items so equal refs share one query.
        return hash(
            (
                self.namespace,
                self.metric,
                tuple(sorted(self.dimensions.items())),
                self.stat,
                self.scale,
                self.per_second,
                self.aggregate,
            )
        )


class ServiceMetrics(ConfigModel):
    """The CloudWatch metrics that give one service's KPIs."""

    requests: MetricRef
    """Request count (a Sum); the denominator of the error rate and the source of throughput."""

    errors: MetricRef
    """Server-side (5xx) error count (a Sum)."""

    latency: MetricRef
    """Response time in milliseconds, usually with a percentile stat such as p95."""

    availability: MetricRef | None = None
    """Health-check success in percent (e.g. Route 53 HealthCheckPercentageHealthy); unset: not judged."""

    throughput: MetricRef | None = None
    """Requests per second when measured apart from `requests` (e.g. at a load balancer); unset: derived
    from `requests` over the evaluation window."""


class Service(ConfigModel):
    """A service of the platform: what it does, how to measure it and what belongs to it."""

    name: NonEmptyStr
    """Unique service name, as shown in the dashboard and the report."""

    feature: NonEmptyStr
    """The user-facing feature it provides, e.g. `Project creation`."""

    critical: bool = True
    """Whether losing it is a major incident (incident rules can match on it)."""

    metrics: ServiceMetrics
    """Where its requests, errors, latency and optional availability and throughput come from."""

    lambda_functions: list[NonEmptyStr] = Field(default_factory=list)
    """Names of the Lambda functions that implement it (for duration, errors and changes)."""

    alarms: list[NonEmptyStr] = Field(default_factory=list)
    """Names of the CloudWatch alarms that belong to it; one in ALARM makes it unhealthy."""

    resources: list[NonEmptyStr] = Field(default_factory=list)
    """Names or ids of other resources (APIs, tables, buckets) used to attribute changes and findings."""

    kpis: KpiOverrides = Field(default_factory=KpiOverrides)
    """Thresholds that differ for this service; unset KPIs use the platform-wide `kpis`."""
