"""The seed's daily checks, their evidence, source gating (never silently ok) and the top alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_assess_support import CFG, NOW, all_services_metrics, ok_sources, snap

from skafu_tui.assess import Health, Level, assess
from skafu_tui.assess.checks import AREAS
from skafu_tui.snapshot import SourceState, SourceStatus

K = CFG.kpis

# The seed's Daily_Health_Checks, transcribed (operational-procedures.md), thresholds from config.
SEED_DAILY_CHECKS = {
    "system": [
        "AWS Service Health Dashboard",
        "Application Load Balancer health",
        "Database connection status",
        "Lambda function error rates",
        "S3 bucket accessibility",
        "CloudFront distribution status",
    ],
    "performance": [
        f"API response times (< {K.response_time_p95_ms.target:g}ms P95)",
        f"Database query performance (< {K.db_query_ms.target:g}ms average)",
        f"Lambda function duration (< {K.lambda_duration_ms.alert / 1000:g}s timeout)",
        f"Error rates (< {K.error_rate_pct.target:g}% across all services)",
        f"Memory and CPU utilization (< {K.cpu_pct.target:g}%)",
    ],
    "security": [
        "GuardDuty findings review",
        "CloudTrail log integrity",
        "Failed authentication attempts",
        "Certificate expiration status",
        "Security group changes",
    ],
    "compliance": [
        "AWS Config compliance status",
        "Backup completion verification",
        "Log retention compliance",
        "Encryption status verification",
        "Access control audit",
    ],
}


def test_every_seed_daily_check_is_a_check_in_its_area() -> None:
    checks = assess(snap(), CFG, NOW).checks
    assert tuple(SEED_DAILY_CHECKS) == AREAS
    for area, titles in SEED_DAILY_CHECKS.items():
        assert [c.title for c in checks if c.area == area] == titles
    assert len({c.id for c in checks}) == len(checks) == sum(map(len, SEED_DAILY_CHECKS.values()))
    assert all(c.evidence for c in checks)


def test_without_any_data_every_check_is_unknown_with_a_cause() -> None:
    checks = assess(snap(metrics={}, sources={}), CFG, NOW).checks
    for c in checks:
        assert c.status is Level.UNKNOWN, c.id
        assert "no data yet" in c.evidence, c.id


def test_stale_source_makes_its_checks_unknown_with_age_and_last_known_verdict() -> None:
    old = NOW - timedelta(minutes=14)
    stale = SourceState(name="metrics", status=SourceStatus.OK, fetched_at=old, attempted_at=old,
                        cadence_s=60.0)
    metrics = all_services_metrics(**{CFG.services[0].name: {"error_pct": K.error_rate_pct.alert * 3}})
    a = assess(snap(metrics=metrics, sources=ok_sources(metrics=stale)), CFG, NOW)
    check = a.check("performance.error_rate")
    assert check is not None and check.status is Level.UNKNOWN
    assert check.evidence.startswith("metrics: stale (14 min old)")
    assert "last known: ✗" in check.evidence and CFG.services[0].name in check.evidence
    fresh = a.source("metrics")
    assert fresh is not None and fresh.status is SourceStatus.STALE
    # checks on other sources are unaffected
    other = a.check("security.guardduty")
    assert other is not None and other.status is Level.OK


@pytest.mark.parametrize(
    ("check_id", "source"),
    [
        ("security.guardduty", "guardduty"),
        ("compliance.encryption", "config"),
        ("system.alb", "elbv2"),
        ("compliance.backup", "backup"),
    ],
)
def test_failed_source_turns_check_unknown_naming_the_cause(check_id: str, source: str) -> None:
    denied = SourceState(name=source, status=SourceStatus.DENIED, message="access denied",
                         action=f"{source}:ListThings", fetched_at=None)
    a = assess(snap(sources=ok_sources(**{source: denied})), CFG, NOW)
    check = a.check(check_id)
    assert check is not None and check.status is Level.UNKNOWN
    assert check.evidence == f"{source}: access denied ({source}:ListThings)"


def test_evidence_states_numbers_and_thresholds() -> None:
    name = CFG.services[1].name
    err = 6.2
    metrics = all_services_metrics(**{name: {"error_pct": err}})
    check = assess(snap(metrics=metrics), CFG, NOW).check("performance.error_rate")
    assert check is not None and check.status is Level.FAIL
    assert f"{name}: error rate {err:.2f}% (alert {K.error_rate_pct.alert:g}%)" in check.evidence


def test_alerts_worst_first_then_area_then_critical_services_first() -> None:
    crit = next(s for s in CFG.services if s.critical)
    noncrit = next(s for s in CFG.services if not s.critical)
    metrics = all_services_metrics(**{
        noncrit.name: {"error_pct": K.error_rate_pct.alert * 2},
        crit.name: {"error_pct": K.error_rate_pct.alert * 2},
        CFG.services[2].name: {"p95": K.response_time_p95_ms.target + 50},
    })
    a = assess(snap(metrics=metrics), CFG, NOW)
    levels = [al.level.rank for al in a.alerts]
    assert levels == sorted(levels, reverse=True)
    fails = [al for al in a.alerts if al.level is Level.FAIL]
    assert [al.ref for al in fails[:2]] == [f"service:{crit.name}", f"service:{noncrit.name}"]
    warn_refs = [al.ref for al in a.alerts if al.level is Level.WARN]
    assert f"service:{CFG.services[2].name}" in warn_refs
    assert all(al.level in (Level.WARN, Level.FAIL) for al in a.alerts)
    # a service's KPI breaches are one alert, not repeated by the performance checks
    assert not any(al.ref == "check:performance.error_rate" for al in a.alerts)
    crit_health = a.system.service(crit.name)
    assert crit_health is not None and crit_health.status is Health.UNHEALTHY


def test_freshness_reports_age_and_effective_state() -> None:
    a = assess(snap(), CFG, NOW)
    metrics = a.source("metrics")
    assert metrics is not None and metrics.ok and metrics.age_s == 0.0
    names = [s.name for s in a.sources]
    assert len(names) == len(set(names)) and "health" in names
