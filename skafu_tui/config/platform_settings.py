"""The platform's identity, AWS access settings and the resources, capacity, security, backup and cost
settings the checks are judged by."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from skafu_tui.config._base import ConfigModel, NonEmptyStr, invalid
from skafu_tui.config.metrics import MetricRef
from skafu_tui.config.patterns import REGION_PATTERN as REGION_PATTERN  # re-exported


class PlatformInfo(ConfigModel):
    """Which platform this is."""

    name: NonEmptyStr
    """Platform name shown in the title bar and the report."""

    environment: NonEmptyStr = "production"
    """The environment monitored; maintenance windows for it silence the bell."""

    operator: str = ""
    """Name recorded on acknowledgements and notes; empty means the login name ($USER)."""


class AwsSettings(ConfigModel):
    """How to reach AWS. The command line (`--profile`, `--region`) overrides these."""

    regions: list[str] = Field(default_factory=list)
    """Regions to read; empty means the credential chain's default region."""

    profile: NonEmptyStr | None = None
    """Named profile from ~/.aws/config; unset uses the standard credential chain."""

    retry_mode: Literal["standard", "adaptive"] = "standard"
    """botocore retry mode; `adaptive` adds a client-side rate limiter."""

    max_attempts: int = Field(default=3, ge=1, le=10)
    """Total attempts per call, the first included."""

    connect_timeout_s: float = Field(default=5, gt=0)
    """Seconds to wait for a connection."""

    read_timeout_s: float = Field(default=20, gt=0)
    """Seconds to wait for a response."""

    ca_bundle: Path | None = None
    """PEM bundle of CA certificates to trust (relative paths are relative to the config file)."""

    @field_validator("regions")
    @classmethod
    def _region_names(cls, regions: list[str]) -> list[str]:
        seen: set[str] = set()
        for region in regions:
            if not REGION_PATTERN.fullmatch(region):
                invalid(f"{region!r} is not a region name like 'us-east-1'")
            if region in seen:
                invalid(f"region {region!r} is listed twice")
            seen.add(region)
        return regions

    @field_validator("ca_bundle")
    @classmethod
    def _readable_bundle(cls, path: Path | None, info: ValidationInfo) -> Path | None:
        if path is None:
            return None
        base = info.context.get("base_dir") if isinstance(info.context, dict) else None
        path = path.expanduser()
        if not path.is_absolute() and isinstance(base, Path):
            path = base / path
        if not path.is_file():
            invalid(f"{str(path)!r} is not a readable file")
        return path


class DatabaseMetrics(ConfigModel):
    """CloudWatch metrics of the database instance; any left out is not shown."""

    connections: MetricRef | None = None
    """Open connections (DatabaseConnections)."""

    query_latency_ms: MetricRef | None = None
    """Query latency in milliseconds (RDS reports seconds: set scale 1000)."""

    cpu: MetricRef | None = None
    """CPU utilisation in percent."""

    free_storage_bytes: MetricRef | None = None
    """Free storage space in bytes."""

    def items(self) -> list[tuple[str, MetricRef]]:
        """(role, metric) for each metric that is configured, in field order."""
        return [(role, ref) for role, ref in self if isinstance(ref, MetricRef)]


class Database(ConfigModel):
    """The platform's database instance."""

    instance: NonEmptyStr
    """RDS DB instance identifier."""

    max_connections: int = Field(default=100, gt=0)
    """Connection limit the connection count is measured against (seed: 100)."""

    metrics: DatabaseMetrics = Field(default_factory=DatabaseMetrics)
    """Where its connections, latency, CPU and storage come from."""


class LoadBalancer(ConfigModel):
    """The platform's Application Load Balancer."""

    name: NonEmptyStr
    """Load balancer name."""

    target_groups: list[NonEmptyStr] = Field(default_factory=list)
    """Target group names whose target health is checked."""


class ComputeCapacity(ConfigModel):
    """Compute utilisation planning levels (seed: Resource_Planning.compute_resources)."""

    current_pct: float = Field(default=60, ge=0, le=100)
    """Utilisation at the time of planning, for comparison."""

    optimal_pct: float = Field(default=70, ge=0, le=100)
    """The utilisation to aim for."""

    scaling_threshold_pct: float = Field(default=80, ge=0, le=100)
    """Utilisation at which to scale out."""

    @model_validator(mode="after")
    def _optimal_below_scaling(self) -> Self:
        if self.optimal_pct > self.scaling_threshold_pct:
            invalid(
                f"{self.scaling_threshold_pct:g} is below optimal_pct {self.optimal_pct:g}",
                field="scaling_threshold_pct",
            )
        return self


class ConnectionCapacity(ConfigModel):
    """Database connection planning levels (seed: Resource_Planning.database_resources)."""

    baseline: int = Field(default=50, ge=0)
    """Connections in normal use."""

    max: int = Field(default=100, gt=0)
    """Connection limit."""

    @model_validator(mode="after")
    def _baseline_within_max(self) -> Self:
        if self.baseline > self.max:
            invalid(f"{self.baseline} is above max {self.max}", field="baseline")
        return self


class StorageCapacity(ConfigModel):
    """Storage planning levels (seed: Resource_Planning.storage_resources)."""

    allocated_gb: float | None = Field(default=None, gt=0)
    """Storage provisioned, for the months-until-full projection; unset: no projection."""

    baseline_usage_gb: float = Field(default=500, ge=0)
    """Usage at the time of planning (seed: 500 GB)."""

    growth_gb_per_month: float = Field(default=50, ge=0)
    """Expected growth (seed: 50 GB/month)."""

    metric: MetricRef | None = None
    """Where current usage (bytes) comes from; unset: the baseline is used."""


class Projection(ConfigModel):
    """A growth forecast (seed: Capacity_Planning.Forecasting_Metrics)."""

    current: float = Field(ge=0)
    """Value at the time of planning."""

    in_6_months: float = Field(ge=0)
    """Projected value six months on."""

    in_12_months: float = Field(ge=0)
    """Projected value twelve months on."""

    unit: NonEmptyStr
    """Unit of the values, e.g. `active users`."""


def _seed_projections() -> dict[str, Projection]:
    def projection(now: float, six: float, twelve: float, unit: str) -> Projection:
        return Projection(current=now, in_6_months=six, in_12_months=twelve, unit=unit)

    return {
        "user_growth": projection(1000, 5000, 10000, "active users"),
        "traffic_growth": projection(1_000_000, 10_000_000, 50_000_000, "requests/month"),
        "data_growth": projection(100, 1000, 5000, "GB"),
    }


class Capacity(ConfigModel):
    """Capacity planning thresholds and forecasts (seed: Capacity_Planning)."""

    compute: ComputeCapacity = Field(default_factory=ComputeCapacity)
    """Compute utilisation levels."""

    database_connections: ConnectionCapacity = Field(default_factory=ConnectionCapacity)
    """Database connection levels."""

    storage: StorageCapacity = Field(default_factory=StorageCapacity)
    """Storage usage and growth."""

    projections: dict[NonEmptyStr, Projection] = Field(default_factory=_seed_projections)
    """Named growth forecasts; default: the seed's users, traffic and data."""


class HealthSettings(ConfigModel):
    """Where AWS Health events come from."""

    log_group: str | None = None
    """A CloudWatch Logs group receiving `aws.health` events through an EventBridge rule; read instead
    of the Health API, which needs a Business support plan or above. Unset: the Health API."""


class Security(ConfigModel):
    """Security check levels."""

    finding_min_severity: float = Field(default=4.0, ge=0, le=10)
    """GuardDuty findings at or above this severity count as suspicious activity."""

    certificate_warn_days: int = Field(default=30, ge=0)
    """Warn when a certificate expires within this many days."""

    certificate_critical_days: int = Field(default=14, ge=0)
    """Fail when a certificate expires within this many days."""

    log_retention_min_days: int = Field(default=30, ge=1)
    """Log groups must keep logs at least this long (never-expire passes)."""

    failed_login_warn_per_day: int = Field(default=10, ge=0)
    """Warn when failed console logins in the last 24 h reach this count."""

    encryption_rule_names: list[NonEmptyStr] = Field(default_factory=list)
    """AWS Config rules whose compliance is the encryption status check."""

    @model_validator(mode="after")
    def _critical_within_warn(self) -> Self:
        if self.certificate_critical_days > self.certificate_warn_days:
            invalid(
                f"{self.certificate_critical_days} is above "
                f"certificate_warn_days {self.certificate_warn_days}",
                field="certificate_critical_days",
            )
        return self


class Backup(ConfigModel):
    """Backup verification."""

    max_age_hours: float = Field(default=24, gt=0)
    """The check fails when no backup job completed within this many hours."""


class Cost(ConfigModel):
    """Budget and cost anomaly settings."""

    budget_name: NonEmptyStr | None = None
    """AWS Budgets budget to track; unset: no budget check."""

    monthly_budget_usd: float | None = Field(default=None, gt=0)
    """Monthly budget in USD when no AWS budget is configured (or to compare with it)."""

    anomaly_min_impact_usd: float = Field(default=50, ge=0)
    """Cost anomalies with a smaller total impact are not shown."""
