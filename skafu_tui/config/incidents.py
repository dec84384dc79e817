"""Incident classes (the seed's P0-P3) and the rules that map observed signals to them."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from skafu_tui.config._base import ConfigModel, NonEmptyStr, invalid


def _class_name(name: str) -> str:
    if not re.fullmatch(r"P[0-9]", name):
        invalid(f"{name!r} is not an incident class name (P0, the most severe, to P9)")
    return name


ClassName = Annotated[str, AfterValidator(_class_name)]
"""An incident class name: P0 (most severe) to P9."""


class Signal(StrEnum):
    """What the assessment observed; incident rules match on it."""

    PLATFORM_UNHEALTHY = "platform_unhealthy"
    """Overall status is unhealthy (too few services healthy)."""
    SERVICE_UNHEALTHY = "service_unhealthy"
    """A service is past an alert level or has an alarm in ALARM."""
    SERVICE_DEGRADED = "service_degraded"
    """A service is past a target."""
    DATABASE_UNAVAILABLE = "database_unavailable"
    """The database instance is not available."""
    FINDING = "finding"
    """A GuardDuty finding."""
    ALARM_IN_ALARM = "alarm_in_alarm"
    """A CloudWatch alarm not attached to any service is in ALARM."""
    ALARM_INSUFFICIENT_DATA = "alarm_insufficient_data"
    """An alarm has no data to evaluate (monitoring not firing)."""
    HEALTH_EVENT = "health_event"
    """An open AWS Health event affecting the account."""
    BACKUP_FAILED = "backup_failed"
    """A backup job failed or none completed within `backup.max_age_hours`."""
    CERTIFICATE_EXPIRING = "certificate_expiring"
    """A certificate expires within `security.certificate_critical_days`."""
    COMPLIANCE_VIOLATION = "compliance_violation"
    """An AWS Config rule is NON_COMPLIANT."""
    COST_ANOMALY = "cost_anomaly"
    """A Cost Explorer anomaly with impact of at least `cost.anomaly_min_impact_usd`."""
    CHANGE_OUTSIDE_WINDOW = "change_outside_window"
    """A change (see `changes.kinds`) to the `changes.environment` made outside its maintenance windows,
    unless it is an emergency change."""


_SERVICE_SIGNALS = frozenset({Signal.SERVICE_UNHEALTHY, Signal.SERVICE_DEGRADED})


class RuleCondition(ConfigModel):
    """When a rule applies: a signal and optional filters on it."""

    signal: Signal
    """The signal the rule reacts to."""

    min_severity: float | None = Field(default=None, ge=0, le=10)
    """For `finding`: the lowest GuardDuty severity (0-10) that matches."""

    type_prefixes: list[NonEmptyStr] = Field(default_factory=list)
    """For `finding`: match only finding types starting with one of these (e.g. `CredentialAccess:`)."""

    critical: bool | None = None
    """For service signals: match only critical (true) or non-critical (false) services."""

    service: NonEmptyStr | None = None
    """For service signals: match only this service."""

    @model_validator(mode="after")
    def _filters_fit_signal(self) -> Self:
        if self.signal is not Signal.FINDING:
            if self.min_severity is not None:
                invalid(f"only applies to signal 'finding', not {self.signal.value!r}", field="min_severity")
            if self.type_prefixes:
                invalid(f"only applies to signal 'finding', not {self.signal.value!r}", field="type_prefixes")
        if self.signal not in _SERVICE_SIGNALS:
            for name in ("critical", "service"):
                if getattr(self, name) is not None:
                    invalid(f"only applies to service signals, not {self.signal.value!r}", field=name)
        return self


class IncidentRule(ConfigModel):
    """Maps a signal to an incident class. Several rules may match; the most severe class wins."""

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    name: NonEmptyStr
    """Unique rule name, shown on the incident as the reason it was raised."""

    incident_class: ClassName = Field(alias="class")
    """The class (key of `incidents.classes`) an incident raised by this rule gets; written `class`."""

    when: RuleCondition
    """The condition that raises the incident."""


class IncidentClass(ConfigModel):
    """One incident class of the seed's Incident_Classifications."""

    description: NonEmptyStr
    """What incidents of this class are."""

    response_minutes: int = Field(gt=0)
    """Minutes within which someone must acknowledge it."""

    escalation_minutes: int = Field(gt=0)
    """Minutes after which it escalates to the stakeholders if unresolved."""

    stakeholders: list[NonEmptyStr] = Field(default_factory=list)
    """Who is told."""

    communication: str = ""
    """How they are told, e.g. `Immediate status page update`."""

    bell: bool = False
    """Ring the terminal bell when one is raised."""

    @model_validator(mode="after")
    def _escalates_after_response(self) -> Self:
        if self.escalation_minutes < self.response_minutes:
            invalid(
                f"{self.escalation_minutes} is shorter than response_minutes {self.response_minutes}",
                field="escalation_minutes",
            )
        return self


def _seed_classes() -> dict[str, IncidentClass]:
    def cls(text: str, response: int, escalation: int, who: list[str], how: str, bell: bool) -> IncidentClass:
        return IncidentClass(
            description=text,
            response_minutes=response,
            escalation_minutes=escalation,
            stakeholders=who,
            communication=how,
            bell=bell,
        )

    return {
        "P0": cls(
            "Complete service outage or security breach", 15, 30,
            ["CTO", "Engineering Manager", "Security Team"], "Immediate status page update", True,
        ),
        "P1": cls(
            "Major feature unavailable or significant degradation", 60, 120,
            ["Engineering Manager", "Product Manager"], "Status page update within 1 hour", True,
        ),
        "P2": cls(
            "Minor feature issues or moderate performance impact", 240, 480,
            ["Tech Lead", "QA Lead"], "Internal team notification", False,
        ),
        "P3": cls(
            "Cosmetic issues or minor inconveniences", 1440, 2880,
            ["Engineering Team"], "Ticket tracking system", False,
        ),
    }


class Incidents(ConfigModel):
    """Incident classes, the rules that raise incidents, and how they clear."""

    resolve_after_clear_minutes: int = Field(default=10, ge=0)
    """An incident resolves once its signal has been clear for this many minutes."""

    bell_in_maintenance_window: bool = False
    """Ring the bell for incidents raised during a maintenance window of the monitored environment."""

    classes: dict[ClassName, IncidentClass] = Field(default_factory=_seed_classes, min_length=1)
    """Class name (P0 most severe) to its response times, stakeholders and communication; default: the
    seed's four."""

    rules: list[IncidentRule] = Field(default_factory=list)
    """Signal-to-class rules; with none, no incident is raised."""

    def ordered_classes(self) -> list[str]:
        """Class names from most to least severe (P0 first)."""
        return sorted(self.classes)
