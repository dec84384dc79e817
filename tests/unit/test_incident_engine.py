"""The incident lifecycle against config.yaml's classes and rules, with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skafu_tui.config import Config, load_config
from skafu_tui.incidents import ChangeKind, IncidentEngine, Signal, SignalKind, rings_bell, service_key
from skafu_tui.ledger import ClassSource, IncidentStatus, Ledger, TimelineKind

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SERVICE = "template-management-api"


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(REPO / "config.yaml").config


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger.open(tmp_path / "ledger.db", actor="alice", clock=lambda: T0)


@pytest.fixture
def engine(ledger: Ledger, config: Config) -> IncidentEngine:
    return IncidentEngine(ledger, config.incidents)


def unhealthy(critical: bool = True, evidence: str = "error_rate_pct 5.2% (past alert 2%)") -> Signal:
    return Signal(
        key=service_key(SERVICE),
        kind=SignalKind.SERVICE_UNHEALTHY,
        title=f"{SERVICE} is unhealthy",
        services=(SERVICE,),
        evidence=(evidence,),
        critical=critical,
    )


def degraded() -> Signal:
    return Signal(
        key=service_key(SERVICE),
        kind=SignalKind.SERVICE_DEGRADED,
        title=f"{SERVICE} is degraded",
        services=(SERVICE,),
        evidence=("p95 260 ms (past target 200)",),
        critical=True,
    )


def finding(severity: float, type_: str = "Recon:EC2/PortProbeUnprotectedPort") -> Signal:
    return Signal(
        key="finding:f-1", kind=SignalKind.FINDING, title="finding", severity=severity, subtype=type_
    )


def bell(config: Config, cls: str) -> bool:
    return config.incidents.classes[cls].bell


def test_opens_once_and_a_repoll_changes_nothing(
    engine: IncidentEngine, ledger: Ledger, config: Config
) -> None:
    [change] = engine.update([unhealthy()], T0)
    assert change.kind is ChangeKind.OPENED
    incident = change.incident
    assert (incident.key, incident.incident_class, incident.rule) == (
        service_key(SERVICE),
        "P1",
        "service-unhealthy",
    )
    assert change.alert is bell(config, "P1") is True

    for minutes in (1, 2, 3):
        assert engine.update([unhealthy()], T0 + timedelta(minutes=minutes)) == []
    [still] = ledger.open_incidents()
    assert still.id == incident.id and still.last_seen_at == T0 + timedelta(minutes=3)
    assert [e.kind for e in ledger.timeline(incident.id)] == [TimelineKind.SIGNAL, TimelineKind.OPENED]


def test_resolves_after_the_configured_clear_time(
    engine: IncidentEngine, ledger: Ledger, config: Config
) -> None:
    wait = timedelta(minutes=config.incidents.resolve_after_clear_minutes)
    [opened] = engine.update([unhealthy()], T0)
    clear = T0 + timedelta(minutes=5)
    assert engine.update([], clear) == []
    cleared = ledger.incident(opened.incident.id)
    assert cleared is not None and cleared.is_open and cleared.cleared_at == clear

    assert engine.update([], clear + wait - timedelta(seconds=1)) == []
    [resolved] = engine.update([], clear + wait)
    assert resolved.kind is ChangeKind.RESOLVED and not resolved.alert
    assert resolved.incident.status is IncidentStatus.RESOLVED
    assert (resolved.incident.resolved_at, resolved.incident.cleared_at) == (clear + wait, clear)
    assert ledger.timeline(opened.incident.id)[-1].kind is TimelineKind.RESOLVED
    assert engine.update([], clear + 2 * wait) == []


def test_return_within_clear_time_keeps_it_open(
    engine: IncidentEngine, ledger: Ledger, config: Config
) -> None:
    wait = timedelta(minutes=config.incidents.resolve_after_clear_minutes)
    [opened] = engine.update([unhealthy()], T0)
    engine.update([], T0 + timedelta(minutes=1))
    back = T0 + timedelta(minutes=1) + wait - timedelta(seconds=1)
    assert engine.update([unhealthy()], back) == []
    incident = ledger.incident(opened.incident.id)
    assert incident is not None and incident.is_open and incident.cleared_at is None
    assert incident.reopened_count == 0
    # The clear clock starts again from the next absence, not the first one.
    engine.update([], back + timedelta(minutes=1))
    assert engine.update([], back + timedelta(minutes=1) + wait - timedelta(seconds=1)) == []
    texts = [e.text for e in ledger.timeline(opened.incident.id) if e.kind is TimelineKind.SIGNAL]
    assert texts[1:] == [
        "signal cleared",
        "signal present again: error_rate_pct 5.2% (past alert 2%)",
        "signal cleared",
    ]


def test_reoccurrence_after_resolution_reopens_within_the_grace(
    engine: IncidentEngine, ledger: Ledger, config: Config
) -> None:
    wait = timedelta(minutes=config.incidents.resolve_after_clear_minutes)
    [opened] = engine.update([unhealthy()], T0)
    engine.update([], T0 + timedelta(minutes=1))
    [_] = engine.update([], T0 + timedelta(minutes=1) + wait)
    again = T0 + timedelta(minutes=1) + wait + engine.reopen_within
    [reopened] = engine.update([unhealthy()], again)
    assert reopened.kind is ChangeKind.REOPENED and reopened.incident.id == opened.incident.id
    assert reopened.incident.reopened_count == 1 and reopened.incident.is_open
    assert reopened.incident.resolved_at is None and reopened.alert is bell(config, "P1")
    assert ledger.timeline(opened.incident.id)[-1].kind is TimelineKind.REOPENED
    assert engine.update([unhealthy()], again + timedelta(minutes=1)) == []


def test_reoccurrence_long_after_resolution_is_a_new_incident(
    engine: IncidentEngine, ledger: Ledger, config: Config
) -> None:
    wait = timedelta(minutes=config.incidents.resolve_after_clear_minutes)
    [first] = engine.update([unhealthy()], T0)
    engine.update([], T0 + timedelta(minutes=1))
    resolved_at = T0 + timedelta(minutes=1) + wait
    engine.update([], resolved_at)
    [later] = engine.update([unhealthy()], resolved_at + engine.reopen_within + timedelta(seconds=1))
    assert later.kind is ChangeKind.OPENED and later.incident.id != first.incident.id
    old = ledger.incident(first.incident.id)
    assert old is not None and old.status is IncidentStatus.RESOLVED and old.reopened_count == 0


def test_escalates_on_the_same_key_and_never_lowers(
    engine: IncidentEngine, ledger: Ledger, config: Config
) -> None:
    [opened] = engine.update([degraded()], T0)
    assert opened.incident.incident_class == "P2" and opened.alert is bell(config, "P2") is False
    [escalated] = engine.update([unhealthy()], T0 + timedelta(minutes=2))
    assert escalated.kind is ChangeKind.ESCALATED and escalated.previous_class == "P2"
    assert escalated.incident.incident_class == "P1" and escalated.alert is bell(config, "P1")
    assert escalated.incident.id == opened.incident.id
    assert engine.update([degraded()], T0 + timedelta(minutes=3)) == []
    current = ledger.incident(opened.incident.id)
    assert current is not None and current.incident_class == "P1" and current.kind == "service_degraded"
    change = [e for e in ledger.timeline(opened.incident.id) if e.kind is TimelineKind.CLASS_CHANGE]
    assert [e.text for e in change] == ["P2 → P1 by rule service-unhealthy"]


def test_override_is_recorded_and_only_a_more_severe_signal_outranks_it(
    engine: IncidentEngine, ledger: Ledger
) -> None:
    [opened] = engine.update([finding(5.0)], T0)
    assert opened.incident.incident_class == "P3"
    overridden = engine.override_class(opened.incident.id, "P2", "touches the build role", actor="bob")
    assert (overridden.incident_class, overridden.class_source) == ("P2", ClassSource.OVERRIDE)
    entry = ledger.timeline(opened.incident.id)[-1]
    assert entry.kind is TimelineKind.CLASS_CHANGE and entry.actor == "bob"
    assert "touches the build role" in entry.text
    assert engine.update([finding(5.0)], T0 + timedelta(minutes=1)) == []  # the override holds

    [up] = engine.update([finding(8.0)], T0 + timedelta(minutes=2))
    assert up.kind is ChangeKind.ESCALATED and up.previous_class == "P2"
    assert (up.incident.incident_class, up.incident.class_source) == ("P1", ClassSource.RULE)
    [top] = engine.update(
        [finding(8.0, "CredentialAccess:IAMUser/AnomalousBehavior")], T0 + timedelta(minutes=3)
    )
    assert top.incident.incident_class == "P0" and top.incident.rule == "credentials-compromised"

    with pytest.raises(ValueError, match="not an incident class"):
        engine.override_class(opened.incident.id, "P7", "typo")


def test_an_override_down_is_not_undone_by_the_same_signal(engine: IncidentEngine, ledger: Ledger) -> None:
    [opened] = engine.update([unhealthy()], T0)
    engine.override_class(opened.incident.id, "P3", "staging traffic only")
    assert engine.update([unhealthy()], T0 + timedelta(minutes=1)) == []
    current = ledger.incident(opened.incident.id)
    assert current is not None and current.incident_class == "P3"


def test_bell_rings_once_per_new_bell_class_incident(engine: IncidentEngine, config: Config) -> None:
    signals = [
        unhealthy(),
        finding(2.0),
        Signal(key="platform", kind=SignalKind.PLATFORM_UNHEALTHY, title="down"),
    ]
    changes = engine.update(signals, T0)
    alerted = sorted(c.incident.incident_class for c in changes if c.alert)
    expected = sorted(c.incident.incident_class for c in changes if bell(config, c.incident.incident_class))
    assert alerted == expected == ["P0", "P1"]
    for minutes in range(1, 4):
        assert [c for c in engine.update(signals, T0 + timedelta(minutes=minutes)) if c.alert] == []


def test_unobserved_sources_neither_clear_nor_resolve(
    engine: IncidentEngine, ledger: Ledger, config: Config
) -> None:
    wait = timedelta(minutes=config.incidents.resolve_after_clear_minutes)
    [opened] = engine.update([finding(8.0)], T0)
    for minutes in (1, 2 * wait.seconds // 60 + 1):
        assert engine.update([], T0 + timedelta(minutes=minutes), unobserved={SignalKind.FINDING}) == []
    current = ledger.incident(opened.incident.id)
    assert current is not None and current.is_open and current.cleared_at is None


def test_signals_no_rule_matches_raise_nothing(engine: IncidentEngine, ledger: Ledger) -> None:
    assert engine.update([Signal(key="cost:1", kind=SignalKind.COST_ANOMALY, title="spend")], T0) == []
    assert ledger.open_incidents() == []


def test_two_instances_never_duplicate(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "shared.db"
    first = IncidentEngine(Ledger.open(path), config.incidents)
    second = IncidentEngine(Ledger.open(path), config.incidents)
    assert [c.kind for c in first.update([unhealthy()], T0)] == [ChangeKind.OPENED]
    assert second.update([unhealthy()], T0 + timedelta(seconds=5)) == []
    assert len(second.ledger.open_incidents()) == 1


def test_duplicate_keys_in_one_poll_make_one_incident(engine: IncidentEngine, ledger: Ledger) -> None:
    changes = engine.update([degraded(), unhealthy()], T0)
    assert [(c.kind, c.incident.incident_class) for c in changes] == [(ChangeKind.OPENED, "P1")]
    assert len(ledger.open_incidents()) == 1


def test_bell_is_muted_in_a_maintenance_window_but_the_banner_stays(
    engine: IncidentEngine, config: Config
) -> None:
    [change] = engine.update([unhealthy()], T0)
    assert change.alert
    assert rings_bell(change, config.incidents, in_maintenance_window=False)
    muted = rings_bell(change, config.incidents, in_maintenance_window=True)
    assert muted is config.incidents.bell_in_maintenance_window
    allowed = config.incidents.model_copy(update={"bell_in_maintenance_window": True})
    assert rings_bell(change, allowed, in_maintenance_window=True)


def test_reopening_at_a_higher_class_alerts_once(engine: IncidentEngine, config: Config) -> None:
    wait = timedelta(minutes=config.incidents.resolve_after_clear_minutes)
    engine.update([finding(2.0)], T0)
    engine.update([], T0 + timedelta(minutes=1))
    engine.update([], T0 + timedelta(minutes=1) + wait)
    changes = engine.update([finding(8.0)], T0 + timedelta(minutes=2) + wait)
    assert [c.kind for c in changes] == [ChangeKind.REOPENED, ChangeKind.ESCALATED]
    assert all(c.incident.incident_class == "P1" for c in changes)
    assert [c.alert for c in changes] == [bell(config, "P1"), False]
