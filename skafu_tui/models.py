"""Typed records: what the sources hand to the poller, assessment, report and UI.

AWS responses are converted into these once, at the edge (``skafu_tui.aws.sources``);
nothing downstream touches a raw response. Every string from AWS is a :data:`SafeStr`, so
it is inert (no terminal escapes) from the moment it exists. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from skafu_tui.sanitize import SafeStr


class Record(BaseModel):
    """Base of every record: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- CloudWatch ------------------------------------------------------------------------

class MetricSeries(Record):
    """One metric (or metric-math) series, oldest point first."""

    key: str
    """The plan key it answers (see :mod:`skafu_tui.metric_plan`), e.g. ``svc/<service>/errors``."""
    label: SafeStr = ""
    period_s: int = 60
    timestamps: tuple[datetime, ...] = ()
    values: tuple[float, ...] = ()
    region: str = ""

    def last(self) -> float | None:
        return self.values[-1] if self.values else None


class AlarmState(StrEnum):
    OK = "OK"
    ALARM = "ALARM"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"


class Alarm(Record):
    name: SafeStr
    state: AlarmState
    reason: SafeStr = ""
    updated_at: datetime | None = None
    namespace: SafeStr = ""
    metric_name: SafeStr = ""
    dimensions: tuple[tuple[SafeStr, SafeStr], ...] = ()
    actions_enabled: bool = True
    region: str = ""


class AlarmTransition(Record):
    """One state change from DescribeAlarmHistory."""

    alarm_name: SafeStr
    at: datetime
    summary: SafeStr
    old_state: AlarmState | None = None
    new_state: AlarmState | None = None
    region: str = ""


# --- GuardDuty -------------------------------------------------------------------------

class Finding(Record):
    id: SafeStr
    type: SafeStr
    severity: float
    title: SafeStr
    description: SafeStr = ""
    resource_type: SafeStr = ""
    resource_id: SafeStr = ""
    account: SafeStr = ""
    region: str = ""
    created_at: datetime
    updated_at: datetime
    archived: bool = False
    count: int = 1
    raw: SafeStr = ""
    """The finding as JSON, for the full-text view."""

    @property
    def severity_label(self) -> str:
        # GuardDuty's own bands: 7.0-8.9 high, 4.0-6.9 medium, 1.0-3.9 low, 9+ critical.
        if self.severity >= 9.0:
            return "CRITICAL"
        if self.severity >= 7.0:
            return "HIGH"
        if self.severity >= 4.0:
            return "MEDIUM"
        return "LOW"


# --- AWS Config ------------------------------------------------------------------------

class Compliance(StrEnum):
    COMPLIANT = "COMPLIANT"
    NON_COMPLIANT = "NON_COMPLIANT"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"


class ResourceRef(Record):
    resource_type: SafeStr
    resource_id: SafeStr


class ConfigRuleCompliance(Record):
    rule_name: SafeStr
    compliance: Compliance
    non_compliant: tuple[ResourceRef, ...] = ()
    region: str = ""


# --- Cost Explorer and Budgets ---------------------------------------------------------

class CostDay(Record):
    day: date
    service: SafeStr
    amount: float
    unit: str = "USD"


class CostForecast(Record):
    start: date
    end: date
    """Exclusive, as Cost Explorer's TimePeriod."""
    amount: float
    unit: str = "USD"


class CostAnomaly(Record):
    id: SafeStr
    start: date
    end: date | None = None
    service: SafeStr = ""
    """The root cause's service, when Cost Explorer names one."""
    region: SafeStr = ""
    usage_type: SafeStr = ""
    impact: float = 0.0
    max_impact: float = 0.0
    expected: float = 0.0
    actual: float = 0.0


class Budget(Record):
    name: SafeStr
    limit: float
    actual: float
    forecast: float | None = None
    unit: str = "USD"


# --- CloudTrail ------------------------------------------------------------------------

class TrailStatus(Record):
    name: SafeStr
    arn: SafeStr = ""
    is_logging: bool
    log_file_validation: bool
    multi_region: bool = False
    home_region: str = ""
    latest_delivery_at: datetime | None = None
    latest_delivery_error: SafeStr = ""


class TrailEvent(Record):
    """A CloudTrail event from LookupEvents."""

    id: SafeStr
    name: SafeStr
    source: SafeStr
    at: datetime
    username: SafeStr = ""
    source_ip: SafeStr = ""
    resources: tuple[ResourceRef, ...] = ()
    read_only: bool = False
    error_code: SafeStr = ""
    error_message: SafeStr = ""
    outcome: SafeStr = ""
    """For ConsoleLogin: ``Success`` or ``Failure`` (from responseElements)."""
    region: str = ""
    raw: SafeStr = ""
    """The CloudTrailEvent JSON, inert, for the full-text view."""


# --- Inventory: ACM, ELBv2, RDS, Lambda, S3, CloudFront, Backup, Logs ---------------------

class Certificate(Record):
    arn: SafeStr
    domain: SafeStr
    not_after: datetime | None
    status: SafeStr = ""
    in_use: bool = False
    region: str = ""


class TargetHealth(Record):
    target_group: SafeStr
    target_id: SafeStr
    port: int | None = None
    state: SafeStr
    reason: SafeStr = ""
    description: SafeStr = ""
    region: str = ""


class DbInstance(Record):
    id: SafeStr
    status: SafeStr
    engine: SafeStr = ""
    encrypted: bool
    allocated_storage_gb: int = 0
    multi_az: bool = False
    region: str = ""


class LambdaFunction(Record):
    name: SafeStr
    runtime: SafeStr = ""
    memory_mb: int = 0
    timeout_s: int = 0
    last_modified: datetime | None = None
    state: SafeStr = ""
    region: str = ""


class Bucket(Record):
    name: SafeStr
    accessible: bool
    encryption: SafeStr | None = None
    """Algorithm of an explicit default-encryption rule; ``None`` when none is set (S3 then
    applies SSE-S3 by default since 2023, so ``None`` is not the same as unencrypted)."""
    error: SafeStr = ""
    region: str = ""


class Distribution(Record):
    id: SafeStr
    domain: SafeStr
    status: SafeStr
    enabled: bool


class BackupState(StrEnum):
    CREATED = "CREATED"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    ABORTING = "ABORTING"
    ABORTED = "ABORTED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"
    PARTIAL = "PARTIAL"


class BackupJob(Record):
    id: SafeStr
    state: BackupState
    resource_arn: SafeStr = ""
    resource_type: SafeStr = ""
    created_at: datetime
    completed_at: datetime | None = None
    status_message: SafeStr = ""
    region: str = ""


class LogGroup(Record):
    name: SafeStr
    retention_days: int | None
    """``None`` means never expire."""
    stored_bytes: int = 0
    region: str = ""


class HealthEvent(Record):
    arn: SafeStr
    service: SafeStr
    event_type: SafeStr
    category: SafeStr = ""
    region: str = ""
    status: SafeStr = ""
    start: datetime | None = None
    end: datetime | None = None
    last_updated: datetime | None = None
    description: SafeStr = ""
    entities: tuple[SafeStr, ...] = ()


class Identity(Record):
    account: SafeStr
    arn: SafeStr = ""
