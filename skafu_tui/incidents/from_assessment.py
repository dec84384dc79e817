"""From one poll's Assessment and Snapshot to the engine's input: signals, and the kinds not observed.

    signals, unobserved = signals_from_assessment(assessment, snapshot, cfg)
    changes = engine.update(signals, assessment.generated_at, unobserved=unobserved)

A kind is *unobserved* when a source it is read from is not ok right now (stale, throttled,
denied, not subscribed, never fetched): the engine then leaves its incidents as they are instead
of clearing them, because a source that stopped answering is not a recovery. Signals from a
source that has never delivered data are dropped; a stale source's last good data still counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from skafu_tui.assess.assessment import Assessment
from skafu_tui.config import Config
from skafu_tui.incidents.signals import Signal, SignalKind, extract_signals
from skafu_tui.models import Compliance
from skafu_tui.snapshot import Snapshot, SourceName

SOURCES_BY_KIND: Mapping[SignalKind, tuple[SourceName, ...]] = {
    SignalKind.PLATFORM_UNHEALTHY: (SourceName.METRICS, SourceName.ALARMS),
    SignalKind.SERVICE_UNHEALTHY: (SourceName.METRICS, SourceName.ALARMS),
    SignalKind.SERVICE_DEGRADED: (SourceName.METRICS, SourceName.ALARMS),
    SignalKind.DATABASE_UNAVAILABLE: (SourceName.RDS,),
    SignalKind.FINDING: (SourceName.GUARDDUTY,),
    SignalKind.ALARM_IN_ALARM: (SourceName.ALARMS,),
    SignalKind.ALARM_INSUFFICIENT_DATA: (SourceName.ALARMS,),
    SignalKind.HEALTH_EVENT: (SourceName.HEALTH,),
    SignalKind.BACKUP_FAILED: (SourceName.BACKUP,),
    SignalKind.CERTIFICATE_EXPIRING: (SourceName.ACM,),
    SignalKind.COMPLIANCE_VIOLATION: (SourceName.CONFIG,),
    SignalKind.COST_ANOMALY: (SourceName.COST,),
    SignalKind.CHANGE_OUTSIDE_WINDOW: (SourceName.CLOUDTRAIL,),
}
"""The sources each signal kind is read from."""


def unobserved_kinds(assessment: Assessment) -> frozenset[str]:
    """Signal kinds at least one of whose sources is not ok at the assessment's time."""
    ok = {f.name for f in assessment.sources if f.ok}
    return frozenset(
        kind.value for kind, sources in SOURCES_BY_KIND.items() if any(s.value not in ok for s in sources)
    )


def _certificates(snapshot: Snapshot, cfg: Config, now: datetime) -> list[Signal]:
    limit = now + timedelta(days=cfg.security.certificate_critical_days)
    out = []
    for cert in snapshot.certificates:
        if cert.not_after is None or cert.not_after > limit:
            continue
        days = (cert.not_after - now).total_seconds() / 86400
        state = "expired" if days < 0 else f"expires in {days:.1f} days"
        out.append(
            Signal(
                key=f"certificate:{cert.arn}",
                kind=SignalKind.CERTIFICATE_EXPIRING,
                title=f"certificate for {cert.domain} {state}",
                resources=(cert.arn,),
                evidence=(f"not after {cert.not_after:%Y-%m-%d %H:%M} UTC",),
            )
        )
    return out


def _compliance(snapshot: Snapshot) -> list[Signal]:
    return [
        Signal(
            key=f"compliance:{rule.rule_name}",
            kind=SignalKind.COMPLIANCE_VIOLATION,
            title=f"AWS Config rule {rule.rule_name} is non-compliant",
            resources=tuple(r.resource_id for r in rule.non_compliant),
            evidence=tuple(f"{r.resource_type} {r.resource_id}" for r in rule.non_compliant[:20]),
        )
        for rule in snapshot.config_rules
        if rule.compliance is Compliance.NON_COMPLIANT
    ]


def _cost(snapshot: Snapshot, cfg: Config) -> list[Signal]:
    return [
        Signal(
            key=f"cost_anomaly:{anomaly.id}",
            kind=SignalKind.COST_ANOMALY,
            title=f"cost anomaly in {anomaly.service or 'an unnamed service'}: ${anomaly.impact:,.0f}",
            resources=(anomaly.usage_type,) if anomaly.usage_type else (),
            evidence=(f"expected ${anomaly.expected:,.2f}, actual ${anomaly.actual:,.2f}",),
        )
        for anomaly in snapshot.cost_anomalies
        if anomaly.impact >= cfg.cost.anomaly_min_impact_usd and anomaly.end is None
    ]


def signals_from_assessment(
    assessment: Assessment, snapshot: Snapshot, cfg: Config
) -> tuple[list[Signal], frozenset[str]]:
    """Every signal in this poll, and the signal kinds whose sources could not be trusted."""
    resources = {s.name: [*s.resources, *s.lambda_functions] for s in cfg.services}
    signals = extract_signals(
        overall_status=assessment.system.overall_status,
        services=assessment.system.services,
        database=assessment.resources.database,
        alarms=snapshot.alarms,
        findings=snapshot.findings,
        health_events=snapshot.health_events,
        backup_jobs=snapshot.backup_jobs,
        alarm_owners=cfg.alarm_owners(),
        service_resources=resources,
    )
    signals += _certificates(snapshot, cfg, assessment.generated_at)
    signals += _compliance(snapshot)
    signals += _cost(snapshot, cfg)
    # A source that never delivered says nothing (its "database not found" is not an outage);
    # one that delivered and went stale still stands behind its last good data.
    have = {f.name for f in assessment.sources if f.has_data}
    blind = {kind for kind, sources in SOURCES_BY_KIND.items() if any(s.value not in have for s in sources)}
    return [s for s in signals if s.kind not in blind], unobserved_kinds(assessment)
