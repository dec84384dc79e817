"""Security assessment: findings, failed logins, trail integrity, certificates, SG changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_assess_support import CFG, NOW, snap

from skafu_tui.assess import Level, assess
from skafu_tui.assess.security import SECURITY_GROUP_EVENTS, assess_security
from skafu_tui.models import Certificate, Finding, TrailEvent, TrailStatus

SEC = CFG.security
DAY = timedelta(hours=24)


def finding(fid: str, severity: float, *, created_ago: timedelta, updated_ago: timedelta,
            archived: bool = False, ftype: str = "Recon:EC2/PortProbeUnprotectedPort") -> Finding:
    return Finding(id=fid, type=ftype, severity=severity, title=f"finding {fid}",
                   created_at=NOW - created_ago, updated_at=NOW - updated_ago, archived=archived)


def login(eid: str, ago: timedelta, outcome: str = "Failure", user: str = "ops-admin") -> TrailEvent:
    return TrailEvent(id=eid, name="ConsoleLogin", source="signin.amazonaws.com", at=NOW - ago,
                      username=user, outcome=outcome, source_ip="192.0.2.1")


def test_suspicious_activity_counts_active_recent_findings_at_or_above_min_severity() -> None:
    minimum = SEC.finding_min_severity
    findings = (
        finding("at-min", minimum, created_ago=timedelta(days=3), updated_ago=timedelta(hours=1)),
        finding("below-min", minimum - 0.1, created_ago=timedelta(hours=1), updated_ago=timedelta(hours=1)),
        finding("archived", 8.0, created_ago=timedelta(hours=1), updated_ago=timedelta(hours=1),
                archived=True),
        finding("old", 8.0, created_ago=timedelta(days=3), updated_ago=DAY + timedelta(seconds=1)),
        finding("edge", 7.5, created_ago=DAY, updated_ago=DAY),
    )
    s = assess_security(snap(findings=findings), CFG, NOW)
    assert [f.id for f in s.suspicious] == ["edge", "at-min"]  # by severity
    assert s.suspicious_activity == 2
    # first seen in the last 24 h, not archived: below-min and edge (at exactly 24 h)
    assert sorted(f.id for f in s.new_findings) == ["below-min", "edge"]
    assert s.findings_level is Level.FAIL  # a high (≥ 7) suspicious finding


def test_findings_sorted_by_severity_then_newest() -> None:
    findings = (
        finding("a", 5.0, created_ago=DAY, updated_ago=timedelta(hours=5)),
        finding("b", 8.0, created_ago=DAY, updated_ago=timedelta(hours=9)),
        finding("c", 5.0, created_ago=DAY, updated_ago=timedelta(hours=1)),
    )
    s = assess_security(snap(findings=findings), CFG, NOW)
    assert [f.id for f in s.findings] == ["b", "c", "a"]
    assert dict(s.findings_by_severity) == {"HIGH": 1, "MEDIUM": 2}


def test_failed_logins_24h_with_hourly_buckets_and_warn_level() -> None:
    n = SEC.failed_login_warn_per_day
    events = tuple(login(f"f{i}", timedelta(minutes=10 + i)) for i in range(n - 1))
    events += (
        login("ok", timedelta(minutes=5), outcome="Success"),
        login("outside", DAY + timedelta(minutes=1)),
        login("older-hour", timedelta(hours=5, minutes=1), user="maria"),
    )
    s = assess_security(snap(trail_events=events), CFG, NOW)
    fl = s.failed_logins
    assert fl.count == n  # n-1 recent + the one 5 h ago
    assert fl.level is Level.WARN  # reaching the configured count warns
    assert sum(fl.hourly.values) == fl.count and len(fl.hourly.values) == 24
    assert fl.hourly.timestamps[-1] == NOW.replace(minute=0, second=0)
    assert fl.by_user[0] == ("ops-admin", n - 1)

    fewer = assess_security(snap(trail_events=events[1:]), CFG, NOW).failed_logins
    assert fewer.count == n - 1 and fewer.level is Level.OK


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (SEC.certificate_warn_days + 1, Level.OK),
        (SEC.certificate_warn_days, Level.WARN),
        (SEC.certificate_critical_days + 1, Level.WARN),
        (SEC.certificate_critical_days, Level.FAIL),
        (-1, Level.FAIL),
    ],
)
def test_certificate_levels_at_their_day_counts(days: int, expected: Level) -> None:
    cert = Certificate(arn="arn:cert", domain="api.example.com", not_after=NOW + timedelta(days=days))
    s = assess_security(snap(certificates=(cert,)), CFG, NOW)
    assert s.certificates[0].level is expected
    assert s.certificates[0].days == days


def test_certificate_check_evidence_names_domain_and_days() -> None:
    soon = SEC.certificate_critical_days - 5
    certs = (
        Certificate(arn="a", domain="far.example.com", not_after=NOW + timedelta(days=300)),
        Certificate(arn="b", domain="soon.example.com", not_after=NOW + timedelta(days=soon, hours=5)),
    )
    check = assess(snap(certificates=certs), CFG, NOW).check("security.certificates")
    assert check is not None and check.status is Level.FAIL
    assert "soon.example.com" in check.evidence and f"{soon} days" in check.evidence
    assert "far.example.com" not in check.evidence


@pytest.mark.parametrize(
    ("trail", "expected"),
    [
        (TrailStatus(name="t", is_logging=True, log_file_validation=True), Level.OK),
        (TrailStatus(name="t", is_logging=True, log_file_validation=False), Level.WARN),
        (TrailStatus(name="t", is_logging=False, log_file_validation=True), Level.FAIL),
        (None, Level.FAIL),
    ],
)
def test_cloudtrail_integrity(trail: TrailStatus | None, expected: Level) -> None:
    trails = () if trail is None else (trail,)
    a = assess(snap(trails=trails), CFG, NOW)
    assert a.security.trail.level is expected
    check = a.check("security.cloudtrail")
    assert check is not None and check.status is expected


def test_security_group_changes_in_24h_newest_first() -> None:
    names = sorted(SECURITY_GROUP_EVENTS)
    events = (
        *(TrailEvent(id=f"e{i}", name=name, source="ec2.amazonaws.com", at=NOW - timedelta(hours=i + 1),
                     username="jordan")
          for i, name in enumerate(names)),
        TrailEvent(id="old", name=names[0], source="ec2.amazonaws.com", at=NOW - DAY - timedelta(hours=1)),
        TrailEvent(id="other", name="RunInstances", source="ec2.amazonaws.com", at=NOW),
    )
    a = assess(snap(trail_events=events), CFG, NOW)
    assert [e.id for e in a.security.security_group_changes] == [f"e{i}" for i in range(len(names))]
    check = a.check("security.security_groups")
    assert check is not None and check.status is Level.WARN and f"{len(names)} in 24 h" in check.evidence
    quiet = assess(snap(), CFG, NOW).check("security.security_groups")
    assert quiet is not None and quiet.status is Level.OK


def test_a_trail_stopped_and_restarted_still_fails_log_integrity() -> None:
    trail = TrailStatus(name="skafu-trail", is_logging=True, log_file_validation=True)
    stopped = TrailEvent(id="t1", name="StopLogging", source="cloudtrail.amazonaws.com",
                         at=NOW - timedelta(hours=2), username="mallory")
    restarted = TrailEvent(id="t2", name="StartLogging", source="cloudtrail.amazonaws.com",
                           at=NOW - timedelta(hours=1), username="mallory")
    clean = assess(snap(trails=(trail,)), CFG, NOW).check("security.cloudtrail")
    assert clean is not None and clean.status is Level.OK
    check = assess(snap(trails=(trail,), trail_events=(stopped, restarted)), CFG, NOW).check("security.cloudtrail")
    assert check is not None and check.status is Level.FAIL
    assert "StopLogging by mallory" in check.evidence
    old = stopped.model_copy(update={"at": NOW - DAY - timedelta(minutes=1)})
    aged = assess(snap(trails=(trail,), trail_events=(old,)), CFG, NOW).check("security.cloudtrail")
    assert aged is not None and aged.status is Level.OK
