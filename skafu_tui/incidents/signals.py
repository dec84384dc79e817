"""Signals: what the assessment observed that may be an incident, each with a stable key.

The key decides identity: while a signal with the same key keeps appearing, it is the same
incident, however often the poller runs (and whichever instance runs it). Keys:

=========================  =====================================  ==================================
kind                       key                                    source
=========================  =====================================  ==================================
platform_unhealthy         ``platform``                           overall status unhealthy
service_unhealthy/degraded ``service:<name>``                     service assessment
database_unavailable       ``database:<instance>``                RDS instance status
finding                    ``finding:<id>``                       GuardDuty (not archived)
alarm_in_alarm             ``alarm:<name>``                       alarm in ALARM owned by no service
alarm_insufficient_data    ``alarm_insufficient:<name>``          alarm in INSUFFICIENT_DATA
health_event               ``health:<arn>``                       AWS Health event, status open
backup_failed              ``backup_failed:<job id>``             failed job with no later success
certificate_expiring       ``certificate:<arn>``                  see :mod:`.from_assessment`
compliance_violation       ``compliance:<rule name>``             see :mod:`.from_assessment`
cost_anomaly               ``cost_anomaly:<id>``                  see :mod:`.from_assessment`
=========================  =====================================  ==================================

A service's degraded and unhealthy signals share one key on purpose: a service sliding from
degraded (P2) to unhealthy (P1) is one incident that escalates, not two incidents of which the
first resolves while the service is at its worst.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from skafu_tui.config.incidents import Signal as SignalKind
from skafu_tui.models import Alarm, AlarmState, BackupJob, BackupState, Finding, HealthEvent

__all__ = [
    "DB_UNAVAILABLE_STATUSES",
    "DatabaseLike",
    "ServiceLike",
    "Signal",
    "SignalKind",
    "extract_signals",
    "service_key",
]

#: RDS instance statuses in which the database cannot serve queries.
DB_UNAVAILABLE_STATUSES = frozenset(
    {
        "stopped",
        "stopping",
        "starting",
        "rebooting",
        "failed",
        "deleting",
        "storage-full",
        "inaccessible-encryption-credentials",
        "inaccessible-encryption-credentials-recoverable",
        "incompatible-network",
        "incompatible-option-group",
        "incompatible-parameters",
        "incompatible-restore",
        "insufficient-capacity",
        "restore-error",
        "not found",
    }
)

_FAILED_BACKUP = frozenset({BackupState.FAILED, BackupState.ABORTED, BackupState.EXPIRED})


@dataclass(frozen=True)
class Signal:
    """One observation that incident rules may turn into an incident."""

    key: str
    kind: SignalKind
    title: str
    services: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    severity: float | None = None
    """GuardDuty severity (0-10) for findings; ``None`` otherwise."""
    started_at: datetime | None = None
    """When the condition began, if the source says (finding created, alarm state change…)."""
    evidence: tuple[str, ...] = ()
    """Why, in words (``error_rate_pct 5.2% (past alert 2%)``, ``alarm X in ALARM``)."""
    critical: bool | None = None
    """For service signals: whether the service is critical (rules can match on it)."""
    subtype: str = ""
    """The finding type for findings (rules match `type_prefixes` on it), the event type for Health."""


def service_key(name: str) -> str:
    return f"service:{name}"


class ServiceLike(Protocol):
    """What is needed of a service assessment (``skafu_tui.assess.health.ServiceHealth`` fits)."""

    @property
    def name(self) -> str: ...
    @property
    def critical(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...


class DatabaseLike(Protocol):
    """What is needed of a database assessment (``skafu_tui.assess.resources.DatabaseHealth`` fits)."""

    @property
    def instance_id(self) -> str: ...
    @property
    def status(self) -> str: ...


def _service_signals(services: Iterable[ServiceLike], resources: Mapping[str, Sequence[str]]) -> list[Signal]:
    out = []
    for svc in services:
        status = str(svc.status)
        if status == "unhealthy":
            kind, word = SignalKind.SERVICE_UNHEALTHY, "unhealthy"
        elif status == "degraded":
            kind, word = SignalKind.SERVICE_DEGRADED, "degraded"
        else:
            continue
        out.append(
            Signal(
                key=service_key(svc.name),
                kind=kind,
                title=f"{svc.name} is {word}",
                services=(svc.name,),
                resources=tuple(resources.get(svc.name, ())),
                evidence=tuple(svc.reasons),
                critical=svc.critical,
            )
        )
    return out


def _finding_signal(finding: Finding, service_of: Mapping[str, str]) -> Signal:
    service = service_of.get(finding.resource_id)
    return Signal(
        key=f"finding:{finding.id}",
        kind=SignalKind.FINDING,
        title=f"{finding.severity_label} finding: {finding.title}",
        services=(service,) if service else (),
        resources=(finding.resource_id,) if finding.resource_id else (),
        severity=finding.severity,
        started_at=finding.created_at,
        evidence=(
            f"{finding.type} severity {finding.severity:g}"
            + (f", seen {finding.count} times" if finding.count > 1 else ""),
        ),
        subtype=finding.type,
    )


def _alarm_signals(alarms: Iterable[Alarm], alarm_owners: Mapping[str, str]) -> list[Signal]:
    out = []
    for alarm in alarms:
        owner = alarm_owners.get(alarm.name)
        services = (owner,) if owner else ()
        evidence = (
            f"alarm {alarm.name} in {alarm.state.value}" + (f": {alarm.reason}" if alarm.reason else ""),
        )
        if alarm.state is AlarmState.INSUFFICIENT_DATA:
            out.append(
                Signal(
                    key=f"alarm_insufficient:{alarm.name}",
                    kind=SignalKind.ALARM_INSUFFICIENT_DATA,
                    title=f"alarm {alarm.name} has insufficient data (monitoring not firing)",
                    services=services,
                    resources=(alarm.name,),
                    started_at=alarm.updated_at,
                    evidence=evidence,
                )
            )
        elif alarm.state is AlarmState.ALARM and owner is None:
            # An owned alarm in ALARM already makes its service unhealthy (a service signal).
            out.append(
                Signal(
                    key=f"alarm:{alarm.name}",
                    kind=SignalKind.ALARM_IN_ALARM,
                    title=f"alarm {alarm.name} in ALARM",
                    resources=(alarm.name,),
                    started_at=alarm.updated_at,
                    evidence=evidence,
                )
            )
    return out


def _backup_signals(jobs: Sequence[BackupJob]) -> list[Signal]:
    latest_ok: dict[str, datetime] = {}
    for job in jobs:
        if job.state is BackupState.COMPLETED:
            seen = latest_ok.get(job.resource_arn)
            if seen is None or job.created_at > seen:
                latest_ok[job.resource_arn] = job.created_at
    out = []
    for job in jobs:
        if job.state not in _FAILED_BACKUP:
            continue
        recovered = latest_ok.get(job.resource_arn)
        if recovered is not None and recovered > job.created_at:
            continue  # a later backup of the same resource completed
        message = f": {job.status_message}" if job.status_message else ""
        what = job.resource_arn or job.resource_type or "a resource"
        out.append(
            Signal(
                key=f"backup_failed:{job.id}",
                kind=SignalKind.BACKUP_FAILED,
                title=f"backup of {what} {job.state.value.lower()}",
                resources=(job.resource_arn,) if job.resource_arn else (),
                started_at=job.created_at,
                evidence=(f"backup job {job.id} {job.state.value}{message}",),
            )
        )
    return out


def _health_signal(event: HealthEvent, service_of: Mapping[str, str]) -> Signal:
    services = tuple(dict.fromkeys(s for s in (service_of.get(e) for e in event.entities) if s))
    text = event.description.splitlines()[0] if event.description else ""
    return Signal(
        key=f"health:{event.arn}",
        kind=SignalKind.HEALTH_EVENT,
        title=f"AWS Health: {event.service} {event.event_type}",
        services=services,
        resources=event.entities,
        started_at=event.start,
        evidence=(f"{event.event_type} ({event.status}) {text}".strip(),),
        subtype=event.event_type,
    )


def extract_signals(
    *,
    overall_status: str | None = None,
    services: Iterable[ServiceLike] = (),
    database: DatabaseLike | None = None,
    alarms: Iterable[Alarm] = (),
    findings: Iterable[Finding] = (),
    health_events: Iterable[HealthEvent] = (),
    backup_jobs: Sequence[BackupJob] = (),
    alarm_owners: Mapping[str, str] | None = None,
    service_resources: Mapping[str, Sequence[str]] | None = None,
) -> list[Signal]:
    """Every signal in the current assessment.

    `alarm_owners` maps alarm name → service (``Config.alarm_owners()``); `service_resources`
    maps service → its resource names (config ``resources`` + ``lambda_functions``), used both to
    list a service incident's resources and to attribute findings and Health entities to services.
    Pass only data that is fresh: an input left out yields no signals, and the engine must then
    be told those kinds were not observed (see :meth:`IncidentEngine.update`).
    """
    owners = alarm_owners or {}
    resources = service_resources or {}
    service_of = {res: svc for svc, names in resources.items() for res in names}
    service_list = list(services)
    out: list[Signal] = []
    down = [s.name for s in service_list if str(s.status) == "unhealthy"]
    # Services without data count as not healthy in the availability share; without at least
    # one service actually unhealthy that would be a P0 raised by missing data.
    if overall_status is not None and str(overall_status) == "unhealthy" and down:
        out.append(
            Signal(
                key="platform",
                kind=SignalKind.PLATFORM_UNHEALTHY,
                title="platform unhealthy: too few services healthy",
                services=tuple(down),
                evidence=tuple(f"{name} unhealthy" for name in down),
            )
        )
    out.extend(_service_signals(service_list, resources))
    if database is not None and str(database.status) in DB_UNAVAILABLE_STATUSES:
        out.append(
            Signal(
                key=f"database:{database.instance_id}",
                kind=SignalKind.DATABASE_UNAVAILABLE,
                title=f"database {database.instance_id} unavailable",
                resources=(database.instance_id,),
                evidence=(f"RDS status {database.status}",),
            )
        )
    out.extend(_finding_signal(f, service_of) for f in findings if not f.archived)
    out.extend(_alarm_signals(alarms, owners))
    out.extend(_health_signal(e, service_of) for e in health_events if str(e.status).lower() == "open")
    out.extend(_backup_signals(backup_jobs))
    return out
