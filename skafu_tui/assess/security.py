"""Security over the last 24 hours: GuardDuty findings, CloudTrail integrity, failed console
logins, certificate expiry and security-group changes."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from skafu_tui.assess.common import Level, Series, as_utc, worst
from skafu_tui.models import Certificate, Finding, TrailEvent, TrailStatus
from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.config import Config

DAY = timedelta(hours=24)

SECURITY_GROUP_EVENTS = frozenset({
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "ModifySecurityGroupRules",
})

TRAIL_TAMPERING_EVENTS = frozenset({"StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"})
"""Writes that can silence or narrow CloudTrail: a trail stopped and restarted leaves only these."""


@dataclass(frozen=True)
class CertificateExpiry:
    certificate: Certificate
    days_left: float | None
    """Fractional days until NotAfter (negative once expired); None when unknown."""
    level: Level

    @property
    def days(self) -> int | None:
        """Whole days left, as shown (floor: 9.9 days left is "9 days")."""
        return None if self.days_left is None else math.floor(self.days_left)


@dataclass(frozen=True)
class TrailIntegrity:
    trails: tuple[TrailStatus, ...]
    not_logging: tuple[str, ...]
    no_validation: tuple[str, ...]
    delivery_errors: tuple[str, ...]
    level: Level
    """fail without a logging trail or with one stopped; warn when validation is off or delivery fails."""


@dataclass(frozen=True)
class FailedLogins:
    count: int
    """Failed ConsoleLogin events in the last 24 h."""
    hourly: Series
    """24 hourly buckets (start of each hour), for the 24-hour plot."""
    by_user: tuple[tuple[str, int], ...]
    by_source_ip: tuple[tuple[str, int], ...]
    events: tuple[TrailEvent, ...]
    """Newest first."""
    level: Level


@dataclass(frozen=True)
class SecurityAssessment:
    findings: tuple[Finding, ...]
    """All non-archived findings, highest severity first, then newest."""
    suspicious: tuple[Finding, ...]
    """Active findings at or above ``security.finding_min_severity`` updated in the last 24 h."""
    new_findings: tuple[Finding, ...]
    """Active findings first seen (created) in the last 24 h."""
    findings_by_severity: tuple[tuple[str, int], ...]
    """(CRITICAL|HIGH|MEDIUM|LOW, count) of active findings."""
    trail: TrailIntegrity
    failed_logins: FailedLogins
    certificates: tuple[CertificateExpiry, ...]
    """Soonest expiry first."""
    security_group_changes: tuple[TrailEvent, ...]
    trail_tampering: tuple[TrailEvent, ...] = ()
    """StopLogging / DeleteTrail / UpdateTrail / PutEventSelectors in the last 24 h, newest first."""
    """In the last 24 h, newest first."""

    @property
    def suspicious_activity(self) -> int:
        return len(self.suspicious)

    @property
    def new_vulnerabilities(self) -> int:
        return len(self.new_findings)

    @property
    def findings_level(self) -> Level:
        if any(f.severity >= 7.0 for f in self.suspicious):
            return Level.FAIL
        return Level.WARN if self.suspicious else Level.OK


def _finding_order(f: Finding) -> tuple[float, float]:
    return (-f.severity, -as_utc(f.updated_at).timestamp())


def assess_trails(trails: tuple[TrailStatus, ...]) -> TrailIntegrity:
    not_logging = tuple(t.name for t in trails if not t.is_logging)
    no_validation = tuple(t.name for t in trails if not t.log_file_validation)
    errors = tuple(t.name for t in trails if t.latest_delivery_error)
    if not trails or not_logging:
        level = Level.FAIL
    elif no_validation or errors:
        level = Level.WARN
    else:
        level = Level.OK
    return TrailIntegrity(trails, not_logging, no_validation, errors, level)


def _failed_login(e: TrailEvent) -> bool:
    return e.name == "ConsoleLogin" and e.outcome.lower() == "failure"


def assess_failed_logins(events: tuple[TrailEvent, ...], cfg: Config, now: datetime) -> FailedLogins:
    now = as_utc(now)
    since = now - DAY
    failed = sorted(
        (e for e in events if _failed_login(e) and since <= as_utc(e.at) <= now),
        key=lambda e: as_utc(e.at),
        reverse=True,
    )
    # Hour buckets aligned to the clock: the last one is the hour in progress.
    last_hour = now.replace(minute=0, second=0, microsecond=0)
    starts = [last_hour - timedelta(hours=23 - i) for i in range(24)]
    counts = [0] * 24
    for e in failed:
        idx = 23 - int((last_hour - as_utc(e.at).replace(minute=0, second=0, microsecond=0))
                       .total_seconds() // 3600)
        if 0 <= idx < 24:
            counts[idx] += 1
    # "Warn when failed console logins in the last 24 h reach this count" (config).
    level = Level.WARN if len(failed) >= cfg.security.failed_login_warn_per_day else Level.OK
    return FailedLogins(
        count=len(failed),
        hourly=Series(tuple(starts), tuple(float(c) for c in counts)),
        by_user=tuple(Counter(e.username or "?" for e in failed).most_common()),
        by_source_ip=tuple(Counter(e.source_ip or "?" for e in failed).most_common()),
        events=tuple(failed),
        level=level,
    )


def certificate_expiry(cert: Certificate, cfg: Config, now: datetime) -> CertificateExpiry:
    if cert.not_after is None:
        return CertificateExpiry(cert, None, Level.UNKNOWN)
    days = (as_utc(cert.not_after) - as_utc(now)).total_seconds() / 86400.0
    # A level is reached, not passed, at its day count: 14 days left with critical_days 14 fails.
    if days <= cfg.security.certificate_critical_days:
        level = Level.FAIL
    elif days <= cfg.security.certificate_warn_days:
        level = Level.WARN
    else:
        level = Level.OK
    return CertificateExpiry(cert, days, level)


def assess_security(snapshot: Snapshot, cfg: Config, now: datetime) -> SecurityAssessment:
    now = as_utc(now)
    since = now - DAY
    active = sorted((f for f in snapshot.findings if not f.archived), key=_finding_order)
    min_sev = cfg.security.finding_min_severity
    suspicious = tuple(f for f in active if f.severity >= min_sev and as_utc(f.updated_at) >= since)
    new = tuple(f for f in active if as_utc(f.created_at) >= since)
    bands = Counter(f.severity_label for f in active)
    certs = sorted(
        (certificate_expiry(c, cfg, now) for c in snapshot.certificates),
        key=lambda c: math.inf if c.days_left is None else c.days_left,
    )
    sg = sorted(
        (e for e in snapshot.trail_events if e.name in SECURITY_GROUP_EVENTS and as_utc(e.at) >= since),
        key=lambda e: as_utc(e.at),
        reverse=True,
    )
    tampering = sorted(
        (e for e in snapshot.trail_events if e.name in TRAIL_TAMPERING_EVENTS and as_utc(e.at) >= since),
        key=lambda e: as_utc(e.at),
        reverse=True,
    )
    return SecurityAssessment(
        trail_tampering=tuple(tampering),
        findings=tuple(active),
        suspicious=suspicious,
        new_findings=new,
        findings_by_severity=tuple(
            (label, bands[label]) for label in ("CRITICAL", "HIGH", "MEDIUM", "LOW") if bands[label]
        ),
        trail=assess_trails(snapshot.trails),
        failed_logins=assess_failed_logins(snapshot.trail_events, cfg, now),
        certificates=tuple(certs),
        security_group_changes=tuple(sg),
    )


def certificates_level(certs: tuple[CertificateExpiry, ...]) -> Level:
    return worst((c.level for c in certs), default=Level.OK)

