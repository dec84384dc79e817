"""Source states and the immutable Snapshot the poller publishes after every completed poll.

A source that fails never raises into its caller: it becomes a :class:`SourceState` with a
cause in words, and the Snapshot keeps that source's last good data (so a pane shows it stale,
with its age, instead of blanking out).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Type names only: the records (pydantic) are imported by whoever makes them, so the UI's
    # first paint can import this module without pydantic. ``snapshot_io`` resolves the hints.
    from skafu_tui.models import (
        Alarm,
        AlarmTransition,
        BackupJob,
        Bucket,
        Budget,
        Certificate,
        ConfigRuleCompliance,
        CostAnomaly,
        CostDay,
        CostForecast,
        DbInstance,
        Distribution,
        Finding,
        HealthEvent,
        LambdaFunction,
        LogGroup,
        MetricSeries,
        TargetHealth,
        TrailEvent,
        TrailStatus,
    )


class SourceStatus(StrEnum):
    PENDING = "pending"
    """Never polled yet (connecting)."""
    OK = "ok"
    STALE = "stale"
    """The last poll is older than twice the cadence (set by :func:`SourceState.effective`)."""
    THROTTLED = "throttled"
    DENIED = "denied"
    NOT_SUBSCRIBED = "not-subscribed"
    NOT_ENABLED = "not-enabled"
    CREDENTIALS_EXPIRED = "credentials-expired"
    UNREACHABLE = "unreachable"
    ERROR = "error"


class SourceName(StrEnum):
    """Every source the poller knows; the string is the key in :attr:`Snapshot.sources`."""

    METRICS = "metrics"
    ALARMS = "alarms"
    GUARDDUTY = "guardduty"
    CONFIG = "config"
    COST = "cost"
    BUDGETS = "budgets"
    CLOUDTRAIL = "cloudtrail"
    ACM = "acm"
    ELBV2 = "elbv2"
    RDS = "rds"
    LAMBDA = "lambda"
    S3 = "s3"
    CLOUDFRONT = "cloudfront"
    BACKUP = "backup"
    LOGS = "logs"
    HEALTH = "health"


@dataclass(frozen=True)
class SourceState:
    """How one source is doing, in words an operator can act on."""

    name: str
    status: SourceStatus = SourceStatus.PENDING
    fetched_at: datetime | None = None
    """When the data now held was fetched (the last good poll)."""
    attempted_at: datetime | None = None
    cadence_s: float = 60.0
    message: str = ""
    """The cause in words, e.g. ``access denied (guardduty:ListFindings)``."""
    action: str = ""
    """The IAM action that was denied, when that is the cause."""

    def age_s(self, now: datetime) -> float | None:
        return None if self.fetched_at is None else max(0.0, (now - self.fetched_at).total_seconds())

    def effective(self, now: datetime) -> SourceStatus:
        """The status to show now: ``ok`` turns ``stale`` past twice the cadence."""
        age = self.age_s(now)
        if self.status is SourceStatus.OK and age is not None and age > 2 * self.cadence_s:
            return SourceStatus.STALE
        return self.status

    @property
    def has_data(self) -> bool:
        return self.fetched_at is not None


_EMPTY: MappingProxyType[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Snapshot:
    """Everything known at one moment. Immutable: the poller publishes a new one per poll."""

    taken_at: datetime
    account: str = ""
    regions: tuple[str, ...] = ()
    profile: str = ""
    sources: MappingProxyType[str, SourceState] = field(default_factory=lambda: MappingProxyType({}))
    metrics: MappingProxyType[str, MetricSeries] = field(default_factory=lambda: MappingProxyType({}))
    alarms: tuple[Alarm, ...] = ()
    alarm_history: tuple[AlarmTransition, ...] = ()
    findings: tuple[Finding, ...] = ()
    config_rules: tuple[ConfigRuleCompliance, ...] = ()
    cost_days: tuple[CostDay, ...] = ()
    cost_forecast: CostForecast | None = None
    cost_anomalies: tuple[CostAnomaly, ...] = ()
    budgets: tuple[Budget, ...] = ()
    trails: tuple[TrailStatus, ...] = ()
    trail_events: tuple[TrailEvent, ...] = ()
    """Write events that matter to operations (the change feed) and ConsoleLogin events."""
    certificates: tuple[Certificate, ...] = ()
    target_health: tuple[TargetHealth, ...] = ()
    db_instances: tuple[DbInstance, ...] = ()
    lambda_functions: tuple[LambdaFunction, ...] = ()
    buckets: tuple[Bucket, ...] = ()
    distributions: tuple[Distribution, ...] = ()
    backup_jobs: tuple[BackupJob, ...] = ()
    log_groups: tuple[LogGroup, ...] = ()
    health_events: tuple[HealthEvent, ...] = ()
    api_calls: int = 0
    """API calls made since the poller started."""
    api_cost_usd: float = 0.0
    """Their modelled dollar cost (see :mod:`skafu_tui.aws.pricing`)."""

    def source(self, name: str) -> SourceState:
        return self.sources.get(name) or SourceState(name=name)

    def with_changes(self, **changes: Any) -> Snapshot:
        if "sources" in changes and not isinstance(changes["sources"], MappingProxyType):
            changes["sources"] = MappingProxyType(dict(changes["sources"]))
        if "metrics" in changes and not isinstance(changes["metrics"], MappingProxyType):
            changes["metrics"] = MappingProxyType(dict(changes["metrics"]))
        return replace(self, **changes)
