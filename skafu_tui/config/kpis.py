"""KPI thresholds (target and alert levels) and the rule that turns service health into overall status.

Defaults are the operational procedures' figures, so a config that leaves `kpis` out still judges by them.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from skafu_tui.config._base import ConfigModel, invalid


class Threshold(ConfigModel):
    """A KPI's target and alert levels.

    Past the target a KPI is *degraded*; past the alert level it is *unhealthy*. "Past" means above
    for a lower-is-better KPI (latency, error rate) and below for a higher-is-better one (throughput,
    availability). A value exactly at a level is not past it.
    """

    target: float
    """The level the KPI should stay on the good side of."""

    alert: float
    """The level beyond which the KPI is unhealthy; at or beyond the target, never before it."""

    higher_is_better: bool
    """True when bigger values are better (throughput, availability); false for latency, error rate, usage."""

    @model_validator(mode="after")
    def _alert_beyond_target(self) -> Self:
        if self.higher_is_better and self.alert > self.target:
            invalid(
                f"{self.alert:g} is above target {self.target:g}; a higher-is-better KPI alerts "
                "at or below its target",
                field="alert",
            )
        if not self.higher_is_better and self.alert < self.target:
            invalid(
                f"{self.alert:g} is below target {self.target:g}; a lower-is-better KPI alerts "
                "at or above its target",
                field="alert",
            )
        return self

    def past_target(self, value: float) -> bool:
        """True when `value` is on the wrong side of the target (degraded or worse)."""
        return value < self.target if self.higher_is_better else value > self.target

    def past_alert(self, value: float) -> bool:
        """True when `value` is on the wrong side of the alert level (unhealthy)."""
        return value < self.alert if self.higher_is_better else value > self.alert


def _lower(target: float, alert: float) -> Threshold:
    return Threshold(target=target, alert=alert, higher_is_better=False)


def _higher(target: float, alert: float) -> Threshold:
    return Threshold(target=target, alert=alert, higher_is_better=True)


class Kpis(ConfigModel):
    """The KPI thresholds every service and the platform are judged by."""

    response_time_p95_ms: Threshold = Field(default_factory=lambda: _lower(200, 500))
    """p95 API response time in milliseconds (seed: < 200 ms P95, alert at 500 ms)."""

    error_rate_pct: Threshold = Field(default_factory=lambda: _lower(1.0, 2.0))
    """5xx errors as a percentage of requests (seed: < 1 %, alert above 2 %)."""

    throughput_rps: Threshold = Field(default_factory=lambda: _higher(1000, 500))
    """Requests per second (seed: > 1000 rps, alert below 500 rps)."""

    availability_pct: Threshold = Field(default_factory=lambda: _higher(99.9, 99.5))
    """Health-check success rate in percent (seed: 99.9 %, alert below 99.5 %)."""

    db_query_ms: Threshold = Field(default_factory=lambda: _lower(100, 250))
    """Average database query time in milliseconds (seed: < 100 ms average)."""

    lambda_duration_ms: Threshold = Field(default_factory=lambda: _lower(30000, 30000))
    """Lambda function duration in milliseconds (seed: < 30 s timeout)."""

    cpu_pct: Threshold = Field(default_factory=lambda: _lower(80, 90))
    """CPU utilisation in percent (seed: < 80 %)."""

    memory_pct: Threshold = Field(default_factory=lambda: _lower(80, 90))
    """Memory utilisation in percent (seed: < 80 %)."""

    def with_overrides(self, overrides: KpiOverrides) -> Kpis:
        """These thresholds with a service's overrides applied on top."""
        changed = {name: value for name, value in overrides if value is not None}
        return self.model_copy(update=changed) if changed else self


class KpiOverrides(ConfigModel):
    """Per-service replacements for some KPI thresholds; a KPI left out keeps the platform-wide threshold."""

    response_time_p95_ms: Threshold | None = None
    """Replaces `kpis.response_time_p95_ms` for this service."""

    error_rate_pct: Threshold | None = None
    """Replaces `kpis.error_rate_pct` for this service."""

    throughput_rps: Threshold | None = None
    """Replaces `kpis.throughput_rps` for this service."""

    availability_pct: Threshold | None = None
    """Replaces `kpis.availability_pct` for this service."""

    db_query_ms: Threshold | None = None
    """Replaces `kpis.db_query_ms` for this service."""

    lambda_duration_ms: Threshold | None = None
    """Replaces `kpis.lambda_duration_ms` for this service."""

    cpu_pct: Threshold | None = None
    """Replaces `kpis.cpu_pct` for this service."""

    memory_pct: Threshold | None = None
    """Replaces `kpis.memory_pct` for this service."""


class OverallStatusRule(ConfigModel):
    """How the share of healthy services becomes the platform's overall status (seed: 95 % / 80 %)."""

    healthy_at_pct: float = Field(default=95, ge=0, le=100)
    """Overall status is healthy when at least this percentage of services is healthy."""

    degraded_at_pct: float = Field(default=80, ge=0, le=100)
    """Otherwise degraded when at least this percentage is healthy; below it, unhealthy."""

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.degraded_at_pct > self.healthy_at_pct:
            invalid(
                f"{self.degraded_at_pct:g} is above healthy_at_pct {self.healthy_at_pct:g}",
                field="degraded_at_pct",
            )
        return self
