"""Signals from the assessment's inputs, and the classes config.yaml's rules give them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skafu_tui.assess.assessment import assess
from skafu_tui.config import Config, load_config
from skafu_tui.incidents import Signal, SignalKind, classify, extract_signals, service_key
from skafu_tui.incidents.from_assessment import signals_from_assessment
from skafu_tui.models import Alarm, AlarmState, BackupJob, BackupState, DbInstance, Finding, HealthEvent
from skafu_tui.snapshot import Snapshot, SourceName, SourceState, SourceStatus

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(REPO / "config.yaml").config


@dataclass(frozen=True)
class FakeService:
    name: str
    critical: bool
    status: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class FakeDatabase:
    instance_id: str
    status: str


def make_finding(
    fid: str, severity: float, type_: str, resource: str = "", archived: bool = False
) -> Finding:
    return Finding(
        id=fid,
        type=type_,
        severity=severity,
        title=f"title {fid}",
        resource_id=resource,
        created_at=T0,
        updated_at=T0,
        archived=archived,
    )


def finding_signal(severity: float, type_: str) -> Signal:
    return Signal(key="finding:x", kind=SignalKind.FINDING, title="t", severity=severity, subtype=type_)


# --- classification -----------------------------------------------------------------------


def test_most_severe_matching_class_wins_whatever_the_rule_order(config: Config) -> None:
    credential = finding_signal(8.0, "CredentialAccess:IAMUser/AnomalousBehavior")
    got = classify(credential, config.incidents)
    assert got is not None and (got.incident_class, got.rule) == ("P0", "credentials-compromised")
    reversed_rules = config.incidents.model_copy(update={"rules": list(reversed(config.incidents.rules))})
    again = classify(credential, reversed_rules)
    assert again is not None and again.incident_class == "P0"


@pytest.mark.parametrize(
    ("severity", "type_", "expected"),
    [
        (8.0, "Exfiltration:S3/AnomalousBehavior", "P0"),
        (8.0, "Recon:EC2/PortProbeUnprotectedPort", "P1"),
        (6.9, "CredentialAccess:IAMUser/AnomalousBehavior", "P3"),  # below the P0/P1 min severity
        (2.0, "Recon:EC2/PortProbeUnprotectedPort", "P3"),
    ],
)
def test_findings_by_severity_and_type(config: Config, severity: float, type_: str, expected: str) -> None:
    got = classify(finding_signal(severity, type_), config.incidents)
    assert got is not None and got.incident_class == expected


def test_service_signals_follow_criticality(config: Config) -> None:
    def cls(kind: SignalKind, critical: bool) -> str | None:
        got = classify(Signal(key="s", kind=kind, title="t", critical=critical), config.incidents)
        return None if got is None else got.incident_class

    assert cls(SignalKind.SERVICE_UNHEALTHY, True) == "P1"
    assert cls(SignalKind.SERVICE_UNHEALTHY, False) == "P2"
    assert cls(SignalKind.SERVICE_DEGRADED, True) == "P2"
    for kind, expected in [
        (SignalKind.PLATFORM_UNHEALTHY, "P0"),
        (SignalKind.DATABASE_UNAVAILABLE, "P0"),
        (SignalKind.ALARM_INSUFFICIENT_DATA, "P2"),
        (SignalKind.HEALTH_EVENT, "P2"),
        (SignalKind.BACKUP_FAILED, "P2"),
    ]:
        got = classify(Signal(key="k", kind=kind, title="t"), config.incidents)
        assert got is not None and got.incident_class == expected, kind


# --- extraction ---------------------------------------------------------------------------


def test_extract_signals_keys_and_kinds(config: Config) -> None:
    owners = config.alarm_owners()
    owned_alarm = next(iter(owners))
    resources = {s.name: [*s.resources, *s.lambda_functions] for s in config.services}
    signals = extract_signals(
        overall_status="unhealthy",
        services=[
            FakeService("template-management-api", True, "unhealthy", ("alarm x in ALARM",)),
            FakeService("observability-service", False, "degraded"),
            FakeService("project-management-api", True, "healthy"),
        ],
        database=FakeDatabase("skafu-prod-db", "stopped"),
        alarms=[
            Alarm(name=owned_alarm, state=AlarmState.ALARM),  # its service's signal covers it
            Alarm(name=owned_alarm + "-other", state=AlarmState.ALARM),
            Alarm(name="billing-alarm", state=AlarmState.INSUFFICIENT_DATA),
            Alarm(name="quiet", state=AlarmState.OK),
        ],
        findings=[
            make_finding("f1", 8.0, "Recon:EC2/PortProbe", resource="skafu-template-management-api"),
            make_finding("f2", 8.0, "Recon:EC2/PortProbe", archived=True),
        ],
        health_events=[
            HealthEvent(
                arn="arn:h1", service="LAMBDA", event_type="AWS_LAMBDA_OPERATIONAL_ISSUE", status="open"
            ),
            HealthEvent(arn="arn:h2", service="EC2", event_type="AWS_EC2_X", status="closed"),
        ],
        backup_jobs=[
            BackupJob(
                id="b1", state=BackupState.FAILED, resource_arn="arn:db", created_at=T0 - timedelta(hours=8)
            ),
            BackupJob(
                id="b2",
                state=BackupState.COMPLETED,
                resource_arn="arn:db",
                created_at=T0 - timedelta(hours=4),
            ),
            BackupJob(id="b3", state=BackupState.FAILED, resource_arn="arn:bucket", created_at=T0),
        ],
        alarm_owners=owners,
        service_resources=resources,
    )
    by_key = {s.key: s for s in signals}
    assert set(by_key) == {
        "platform",
        service_key("template-management-api"),
        service_key("observability-service"),
        "database:skafu-prod-db",
        "finding:f1",
        f"alarm:{owned_alarm}-other",
        "alarm_insufficient:billing-alarm",
        "health:arn:h1",
        "backup_failed:b3",
    }
    assert by_key[service_key("observability-service")].kind is SignalKind.SERVICE_DEGRADED
    assert by_key[service_key("template-management-api")].critical is True
    assert by_key["finding:f1"].services == ("template-management-api",)
    assert by_key["platform"].services == ("template-management-api",)


def test_from_assessment_drops_blind_sources_and_reports_unobserved(config: Config) -> None:
    def ok(name: SourceName) -> SourceState:
        return SourceState(name=name.value, status=SourceStatus.OK, fetched_at=T0, cadence_s=60)

    snapshot = Snapshot(taken_at=T0).with_changes(
        sources={
            SourceName.ALARMS.value: ok(SourceName.ALARMS),
            SourceName.RDS.value: ok(SourceName.RDS),
            SourceName.GUARDDUTY.value: SourceState(name="guardduty", status=SourceStatus.DENIED),
        },
        alarms=(Alarm(name="billing-alarm", state=AlarmState.INSUFFICIENT_DATA),),
        db_instances=(DbInstance(id="skafu-prod-db", status="stopped", encrypted=True),),
        findings=(make_finding("f9", 8.0, "Recon:EC2/PortProbe"),),
    )
    signals, unobserved = signals_from_assessment(assess(snapshot, config, T0), snapshot, config)
    assert {s.key for s in signals} == {"alarm_insufficient:billing-alarm", "database:skafu-prod-db"}
    assert SignalKind.FINDING.value in unobserved and SignalKind.SERVICE_UNHEALTHY.value in unobserved
    assert SignalKind.DATABASE_UNAVAILABLE.value not in unobserved
    assert SignalKind.ALARM_INSUFFICIENT_DATA.value not in unobserved
