"""The incident lifecycle: signals in, incidents opened, kept, escalated, cleared, resolved, reopened.

Per poll, :meth:`IncidentEngine.update` compares the classified signals with the open incidents
in the ledger, in one transaction (so two instances sharing the ledger never open the same
incident twice):

- a signal whose key has no open incident **opens** one; if an incident with that key was
  resolved less than ``reopen_within`` ago (default 24 h) it is **reopened** instead
  (``reopened_count`` + 1, timeline entry). Older history is left closed and a new incident
  opens, so a problem that returns a week later gets its own timeline and review;
- while the signal is present, ``last_seen_at`` follows it, and if it had been marked clear the
  mark is dropped (a return within the clear time keeps the incident open);
- when a signal with a more severe class appears on the same key, the incident **escalates**
  (also over an operator's override, which was a judgement about the lesser signal). Classes are
  never lowered automatically: an operator lowers them with a reason;
- when the signal is absent, the incident is marked clear; once it has been clear for
  ``incidents.resolve_after_clear_minutes`` it **resolves**;
- incidents of kinds the caller says were not observed this poll (their source stale or failing)
  are left exactly as they are: a failing source is not a recovery.

The returned :class:`IncidentChange` list drives alerting: :attr:`IncidentChange.alert` is set
once per incident and class level, when an incident opens, reopens or escalates into a class with
``bell: true``. The acknowledgement does not change it; a repeated poll returns no changes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from skafu_tui.config.incidents import Incidents
from skafu_tui.incidents.classify import Classification, Classifier, check_class, more_severe
from skafu_tui.incidents.signals import Signal
from skafu_tui.ledger import Incident, Ledger, NewIncident, OpenIncidentState, details_digest

DEFAULT_REOPEN_WITHIN = timedelta(hours=24)
"""A signal returning this soon after its incident resolved reopens it (see the module docstring)."""


class ChangeKind(StrEnum):
    OPENED = "opened"
    REOPENED = "reopened"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class IncidentChange:
    kind: ChangeKind
    incident: Incident
    """The incident after the change."""
    previous_class: str | None = None
    """For escalations: the class before."""
    alert: bool = False
    """Ring the bell and raise the banner (the UI mutes the bell in maintenance windows)."""


def rings_bell(change: IncidentChange, cfg: Incidents, *, in_maintenance_window: bool) -> bool:
    """Whether to ring the terminal bell for `change` (the banner shows whenever ``change.alert``).

    During a maintenance window of the monitored environment the bell is muted unless
    ``incidents.bell_in_maintenance_window`` says otherwise.
    """
    return change.alert and (not in_maintenance_window or cfg.bell_in_maintenance_window)


@dataclass(frozen=True)
class _Observed:
    signal: Signal
    classification: Classification


def _merge(a: _Observed, b: _Observed, cfg: Incidents) -> _Observed:
    """Two signals with one key (should not happen, but must not open two incidents)."""
    first, second = (
        (b, a)
        if more_severe(cfg, b.classification.incident_class, a.classification.incident_class)
        else (a, b)
    )
    s1, s2 = first.signal, second.signal
    starts = [t for t in (s1.started_at, s2.started_at) if t is not None]
    merged = Signal(
        key=s1.key,
        kind=s1.kind,
        title=s1.title,
        services=tuple(dict.fromkeys(s1.services + s2.services)),
        resources=tuple(dict.fromkeys(s1.resources + s2.resources)),
        severity=max((v for v in (s1.severity, s2.severity) if v is not None), default=None),
        started_at=min(starts) if starts else None,
        evidence=tuple(dict.fromkeys(s1.evidence + s2.evidence)),
        critical=s1.critical,
        subtype=s1.subtype,
    )
    return _Observed(merged, first.classification)


class IncidentEngine:
    """Turns each poll's signals into incident records in the ledger. See the module docstring."""

    def __init__(
        self, ledger: Ledger, cfg: Incidents, *, reopen_within: timedelta = DEFAULT_REOPEN_WITHIN
    ) -> None:
        self.ledger = ledger
        self.cfg = cfg
        self.reopen_within = reopen_within
        self._classifier = Classifier(cfg)
        self._rank = {name: index for index, name in enumerate(cfg.ordered_classes())}

    @property
    def resolve_after(self) -> timedelta:
        return timedelta(minutes=self.cfg.resolve_after_clear_minutes)

    def classify(self, signal: Signal) -> Classification | None:
        return self._classifier(signal)

    def _severity(self, incident_class: str) -> int:
        """0 for the most severe class; classes no longer configured rank below all others."""
        return self._rank.get(incident_class, len(self._rank))

    def _alerts(self, incident_class: str) -> bool:
        found = self.cfg.classes.get(incident_class)
        return bool(found and found.bell)

    def update(
        self, signals: Iterable[Signal], now: datetime, *, unobserved: Collection[str] = ()
    ) -> list[IncidentChange]:
        """Apply one poll's signals at `now`; return what changed (see the module docstring).

        `unobserved` holds signal kinds (``SignalKind`` values) whose sources could not be read
        this time: their open incidents are neither refreshed nor cleared.
        """
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        now = now.astimezone(UTC)
        observed: dict[str, _Observed] = {}
        for signal in signals:
            found = self.classify(signal)
            if found is None:
                continue
            item = _Observed(signal, found)
            observed[signal.key] = (
                _merge(observed[signal.key], item, self.cfg) if signal.key in observed else item
            )
        skip = {str(kind) for kind in unobserved}
        changes: list[IncidentChange] = []
        with self.ledger.batch():
            open_by_key = {state.key: state for state in self.ledger.open_incident_states()}
            seen: list[int] = []
            for key, item in observed.items():
                current = open_by_key.get(key)
                if current is None:
                    changes.extend(self._appear(item, now))
                else:
                    seen.append(current.id)
                    changes.extend(self._present(current, item, now))
            self.ledger.touch_incidents(seen, at=now)
            for key, incident in open_by_key.items():
                if key not in observed and incident.kind not in skip:
                    changes.extend(self._absent(incident, now))
        return changes

    def _appear(self, item: _Observed, now: datetime) -> list[IncidentChange]:
        signal, cls = item.signal, item.classification
        previous = self.ledger.incident_by_key(signal.key)
        if (
            previous is not None
            and previous.resolved_at is not None
            and now - previous.resolved_at <= self.reopen_within
        ):
            reopened = self.ledger.reopen_incident(previous.id, at=now, evidence=signal.evidence)
            self._write_details(reopened.id, signal)
            reopened = self.ledger.incident(reopened.id) or reopened
            escalation = self._escalate(reopened.id, reopened.incident_class, reopened.rule_class, cls, now)
            if escalation is not None:
                reopened = escalation.incident
            changes = [
                IncidentChange(ChangeKind.REOPENED, reopened, alert=self._alerts(reopened.incident_class))
            ]
            # An escalation on reopening is one event: the reopen carries the alert for the new class.
            if escalation is not None:
                changes.append(replace(escalation, alert=False))
            return changes
        opened = self.ledger.open_incident(
            NewIncident(
                key=signal.key,
                kind=signal.kind.value,
                incident_class=cls.incident_class,
                rule=cls.rule,
                title=signal.title,
                services=signal.services,
                resources=signal.resources,
                evidence=signal.evidence,
                severity=signal.severity,
                started_at=signal.started_at,
            ),
            at=now,
        )
        return [IncidentChange(ChangeKind.OPENED, opened, alert=self._alerts(opened.incident_class))]

    def _present(self, state: OpenIncidentState, item: _Observed, now: datetime) -> list[IncidentChange]:
        signal = item.signal
        if state.cleared_at is not None:
            self.ledger.mark_present(state.id, at=now, evidence=signal.evidence)
        digest = details_digest(
            signal.kind.value,
            signal.title,
            signal.services,
            signal.resources,
            signal.evidence,
            signal.severity,
        )
        if digest != state.digest:
            self._write_details(state.id, signal)
        escalation = self._escalate(
            state.id, state.incident_class, state.rule_class, item.classification, now
        )
        return [] if escalation is None else [escalation]

    def _escalate(
        self, incident_id: int, current: str, rule_class: str, cls: Classification, now: datetime
    ) -> IncidentChange | None:
        new = self._severity(cls.incident_class)
        if new >= self._severity(rule_class):
            return None
        apply = new < self._severity(current)
        after = self.ledger.set_rule_class(incident_id, cls.incident_class, cls.rule, at=now, apply=apply)
        if not apply:
            return None
        return IncidentChange(
            ChangeKind.ESCALATED, after, previous_class=current, alert=self._alerts(after.incident_class)
        )

    def _write_details(self, incident_id: int, signal: Signal) -> None:
        self.ledger.update_details(
            incident_id,
            kind=signal.kind.value,
            title=signal.title,
            services=signal.services,
            resources=signal.resources,
            evidence=signal.evidence,
            severity=signal.severity,
        )

    def _absent(self, incident: OpenIncidentState, now: datetime) -> list[IncidentChange]:
        cleared_at = incident.cleared_at
        if cleared_at is None:
            self.ledger.mark_cleared(incident.id, at=now)
            cleared_at = now
        if now - cleared_at < self.resolve_after:
            return []
        minutes = self.cfg.resolve_after_clear_minutes
        resolved = self.ledger.resolve_incident(
            incident.id,
            at=now,
            text=f"resolved: signal clear for {minutes} min (since {cleared_at:%H:%M:%S} UTC)",
        )
        return [IncidentChange(ChangeKind.RESOLVED, resolved)]

    def override_class(
        self,
        incident_id: int,
        new_class: str,
        reason: str,
        *,
        actor: str | None = None,
        at: datetime | None = None,
    ) -> Incident:
        """The operator sets the class, with a reason; `new_class` must be a configured class."""
        return self.ledger.override_class(
            incident_id, check_class(self.cfg, new_class), reason, actor=actor, at=at
        )
