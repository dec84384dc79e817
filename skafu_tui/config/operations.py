"""Change categories, maintenance windows and poll cadences: the operating calendar."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from skafu_tui.config._base import ConfigModel, NonEmptyStr, invalid

Day = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "daily"]
"""A weekday name, or `daily` for every day."""

WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

Frequency = Literal["daily", "weekly", "monthly", "as-needed"]
"""How often a window opens: `monthly` only in its `week_of_month`; the others on every listed day."""

_TIME = re.compile(r"(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)|24:00")
_CHANGE_PATTERN = re.compile(r"[a-z0-9-]+:[A-Za-z0-9*?]+")


class ChangeCategory(ConfigModel):
    """One change category of the seed's Change_Control_Process."""

    approval: NonEmptyStr
    """How long approval takes, as written in the procedures (e.g. `24-48 hours`)."""

    approvers: list[NonEmptyStr] = Field(default_factory=list)
    """Who approves a change of this category."""

    documentation: NonEmptyStr
    """When it is documented, e.g. `Pre-implementation`."""


def _seed_categories() -> dict[str, ChangeCategory]:
    def category(approval: str, approvers: list[str], documentation: str) -> ChangeCategory:
        return ChangeCategory(approval=approval, approvers=approvers, documentation=documentation)

    return {
        "emergency": category("< 1 hour", ["On-call engineer", "Engineering manager"], "Post-implementation"),
        "standard": category("24-48 hours", ["Tech lead", "Product manager"], "Pre-implementation"),
        "normal": category("1 week", ["Engineering manager", "Architecture review"], "Comprehensive"),
    }


def _patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        if not _CHANGE_PATTERN.fullmatch(pattern):
            invalid(f"{pattern!r} is not a 'service:EventName' pattern (e.g. 'lambda:UpdateAlias')")
    return patterns


class ChangeKindRule(ConfigModel):
    """Which CloudTrail write events make up one kind of change (e.g. deployments)."""

    description: NonEmptyStr
    """What the kind covers, in words (shown in the change detail)."""

    events: list[NonEmptyStr] = Field(min_length=1)
    """`service:EventName` patterns. `service` is the first label of the event source
    (`lambda` for lambda.amazonaws.com, `monitoring` for CloudWatch); the event part is matched
    against the start of the event name, so API version suffixes (`UpdateFunctionCode20150331v2`)
    need not be written and `rds:Modify` covers every RDS Modify call; `*` and `?` are wildcards."""

    @field_validator("events")
    @classmethod
    def _event_patterns(cls, patterns: list[str]) -> list[str]:
        return _patterns(patterns)


def _seed_kinds() -> dict[str, ChangeKindRule]:
    def kind(description: str, *events: str) -> ChangeKindRule:
        return ChangeKindRule(description=description, events=list(events))

    return {
        "deployment": kind(
            "Code and configuration deployments",
            "lambda:UpdateFunctionCode",
            "lambda:UpdateFunctionConfiguration",
            "lambda:PublishVersion",
            "lambda:UpdateAlias",
            "apigateway:CreateDeployment",
            "ecs:UpdateService",
            "codedeploy:CreateDeployment",
        ),
        "access": kind(
            "Network and access: security groups, IAM policies and roles, KMS key policies",
            "ec2:AuthorizeSecurityGroup",
            "ec2:RevokeSecurityGroup",
            "ec2:ModifySecurityGroupRules",
            "ec2:CreateSecurityGroup",
            "ec2:DeleteSecurityGroup",
            "iam:*Policy",
            "iam:CreateRole",
            "iam:DeleteRole",
            "iam:UpdateRole",
            "kms:PutKeyPolicy",
        ),
        "data": kind(
            "Data stores: RDS modifications, S3 bucket policy and encryption",
            "rds:Modify",
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:PutBucketEncryption",
            "s3:DeleteBucketEncryption",
        ),
        "monitoring": kind(
            "Monitoring: alarms deleted or disabled, CloudTrail logging stopped or trails deleted",
            "monitoring:DeleteAlarms",
            "monitoring:DisableAlarmActions",
            "cloudtrail:StopLogging",
            "cloudtrail:DeleteTrail",
        ),
    }


class Changes(ConfigModel):
    """How changes seen in CloudTrail are classified, categorised and linked to incidents."""

    categories: dict[NonEmptyStr, ChangeCategory] = Field(default_factory=_seed_categories)
    """Category name to its approval rules; default: the seed's emergency, standard and normal."""

    kinds: dict[NonEmptyStr, ChangeKindRule] = Field(default_factory=_seed_kinds)
    """Kind name to the CloudTrail write events of that kind; the first kind (in file order) whose
    patterns match an event gives its kind, and write events no kind matches are not changes.
    Default: deployment, access, data and monitoring as the change-feed issue lists them."""

    standard_patterns: list[NonEmptyStr] = Field(default_factory=list)
    """CloudTrail `service:EventName` patterns, matched as in `kinds` (prefix of the event name;
    `*` and `?` allowed, e.g. `lambda:UpdateAlias`), whose changes are standard (pre-approved) changes."""

    emergency_incident_classes: list[NonEmptyStr] = Field(default_factory=lambda: ["P0", "P1"])
    """A change made while an incident of one of these classes is open on the same service is an
    emergency change."""

    link_window_minutes: int = Field(default=60, ge=1, le=1440)
    """Incidents that began this many minutes after a change are linked to it (and the change to them)."""

    environment: NonEmptyStr = "production"
    """The environment whose maintenance windows decide whether a change was made inside a window."""

    @field_validator("standard_patterns")
    @classmethod
    def _patterns_name_service_and_event(cls, patterns: list[str]) -> list[str]:
        return _patterns(patterns)

    @model_validator(mode="after")
    def _categories_for_inference(self) -> Self:
        # Inference hands out these three names; a config without them would show categories
        # that have no approval rules.
        for name in ("emergency", "standard", "normal"):
            if name not in self.categories:
                invalid(f"needs a {name!r} category (inferred categories are emergency, standard, normal)",
                        field="categories")
        return self


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class MaintenanceWindow(ConfigModel):
    """A recurring maintenance window (times in UTC), or a continuous one."""

    environment: NonEmptyStr
    """The environment it applies to, e.g. `production`."""

    continuous: bool = False
    """Always open (the seed's development environment); then days, start and end are left out."""

    days: list[Day] = Field(default_factory=list)
    """Weekdays it opens on (lower-case names), or `[daily]`."""

    start: str | None = None
    """Opening time, "HH:MM" in UTC (quote it: YAML reads unquoted 12:30 as a number)."""

    end: str | None = None
    """Closing time, "HH:MM" in UTC; earlier than `start` means it closes the next day."""

    frequency: Frequency = "weekly"
    """`monthly` opens only in `week_of_month`; `daily`, `weekly` and `as-needed` open on every listed day."""

    week_of_month: int | None = Field(default=None, ge=1, le=5)
    """For monthly windows: which occurrence of the weekday in the month (1 = first, 5 = fifth)."""

    notice_days: int = Field(default=0, ge=0)
    """Advance notice of work in the window, in days."""

    @field_validator("days", mode="before")
    @classmethod
    def _lower_case_days(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [day.lower() if isinstance(day, str) else day for day in value]
        return value

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock_time(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            # PyYAML reads an unquoted 12:30 as the base-60 number 750.
            hours, minutes = divmod(value, 60)
            invalid(f'{value} is a number; write the time in quotes, e.g. "{hours:02d}:{minutes:02d}"')
        if isinstance(value, str) and not _TIME.fullmatch(value):
            invalid(f'{value!r} is not a time of day "HH:MM" (00:00 to 23:59)')
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.continuous:
            for name in ("days", "start", "end", "week_of_month"):
                if getattr(self, name):
                    invalid("a continuous window has no days, times or week", field=name)
            return self
        if not self.days:
            invalid("a window needs the days it opens on (or continuous: true)", field="days")
        if "daily" in self.days and len(self.days) > 1:
            invalid("'daily' cannot be combined with weekday names", field="days")
        for name in ("start", "end"):
            if getattr(self, name) is None:
                invalid(f"a window needs a{'n' if name == 'end' else ''} {name} time", field=name)
        if self.start == self.end:
            invalid(f"equals start {self.start}; the window would be empty", field="end")
        if self.frequency == "monthly" and self.week_of_month is None:
            invalid("a monthly window needs week_of_month (1-5)", field="week_of_month")
        if self.frequency != "monthly" and self.week_of_month is not None:
            invalid(f"only applies to monthly windows, not {self.frequency!r}", field="week_of_month")
        return self

    def _opens_on(self, day: datetime) -> bool:
        if "daily" not in self.days and WEEKDAYS[day.weekday()] not in self.days:
            return False
        return self.frequency != "monthly" or (day.day - 1) // 7 + 1 == self.week_of_month

    def openings(self, after: datetime, days: int = 62) -> list[tuple[datetime, datetime]]:
        """(opens, closes) of every opening that ends after `after`, within `days` days, in order."""
        if self.continuous:
            return []
        assert self.start is not None and self.end is not None
        moment = after.replace(tzinfo=UTC) if after.tzinfo is None else after.astimezone(UTC)
        start, end = _minutes(self.start), _minutes(self.end)
        length = end - start if end > start else end + 24 * 60 - start
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        out = []
        for offset in range(-1, days + 1):
            day = midnight + timedelta(days=offset)
            if self._opens_on(day):
                opens = day + timedelta(minutes=start)
                closes = opens + timedelta(minutes=length)
                if closes > moment:
                    out.append((opens, closes))
        return out

    def is_open(self, at: datetime) -> bool:
        """Whether the window is open at `at` (naive datetimes are taken as UTC)."""
        if self.continuous:
            return True
        assert self.start is not None and self.end is not None  # guaranteed by _consistent
        moment = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        start, end = _minutes(self.start), _minutes(self.end)
        length = end - start if end > start else end + 24 * 60 - start
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        # A window that crosses midnight may have opened the day before.
        for opening_day in (midnight, midnight - timedelta(days=1)):
            opens = opening_day + timedelta(minutes=start)
            if self._opens_on(opening_day) and opens <= moment < opens + timedelta(minutes=length):
                return True
        return False


class Cadence(ConfigModel):
    """Seconds between polls of each source; each poll is re-armed after the previous one ends."""

    alarms: int = Field(default=30, ge=1)
    """CloudWatch alarm states."""

    metrics: int = Field(default=60, ge=1)
    """CloudWatch metrics of service KPIs, database and infrastructure (GetMetricData is billed per
    metric requested)."""

    metrics_hot: int = Field(default=60, ge=1)
    """KPI metrics again for services that are not healthy or whose alarms are not OK."""

    lambda_metrics: int = Field(default=900, ge=1)
    """Per-function Lambda errors, invocations and duration."""

    metrics_daily: int = Field(default=3600, ge=1)
    """Business metrics (last 24 h) and capacity trends (14 days)."""

    cloudtrail: int = Field(default=120, ge=1)
    """CloudTrail trail status, changes and failed console logins (LookupEvents allows 2 requests/s)."""

    guardduty: int = Field(default=300, ge=1)
    """GuardDuty findings."""

    inventory: int = Field(default=600, ge=1)
    """Resource inventory: load balancer targets, RDS, Lambda, S3, CloudFront, ACM, Backup, Logs."""

    config: int = Field(default=900, ge=1)
    """AWS Config rule compliance."""

    health: int = Field(default=300, ge=1)
    """AWS Health events."""

    budgets: int = Field(default=3600, ge=1)
    """AWS Budgets."""

    cost: int = Field(default=21600, ge=1)
    """Cost Explorer cost by day and service, and the forecast ($0.01 a request; its data refreshes
    about 3 times a day)."""

    cost_anomalies: int = Field(default=86400, ge=1)
    """Cost Explorer anomalies ($0.01 a request)."""
