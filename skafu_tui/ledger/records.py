"""What the ledger hands out: frozen dataclasses, never rows or cursors.

Times are timezone-aware UTC. Every record carries who did it and when, because the timeline
and the shift handover are built from these.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path


class IncidentStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class ClassSource(StrEnum):
    """Where an incident's class came from."""

    RULE = "rule"
    """The config rules classified its signal."""
    OVERRIDE = "override"
    """An operator set it, with a reason."""


class TimelineKind(StrEnum):
    SIGNAL = "signal"
    OPENED = "opened"
    REOPENED = "reopened"
    RESOLVED = "resolved"
    CLASS_CHANGE = "class-change"
    ACK = "ack"
    COMMANDER = "commander"
    NOTE = "note"
    CHECKLIST = "checklist"
    REVIEW = "review"


class DeploymentPhase(StrEnum):
    PRE = "pre"
    DURING = "during"
    POST = "post"


SYSTEM_ACTOR = "skafu-tui"
"""The actor recorded on entries the incident engine writes by itself (opened, cleared, resolved)."""


@dataclass(frozen=True)
class LedgerProblem:
    """Something wrong with the ledger file that was dealt with, in words for the operator."""

    message: str
    path: Path
    moved_to: Path | None = None
    """Where the unusable file now is (never deleted)."""


class LedgerError(Exception):
    """The ledger cannot do what was asked; the message says why in words."""


class LedgerBusy(LedgerError):
    """Another process held the write lock for longer than the busy timeout."""


@dataclass(frozen=True)
class Incident:
    id: int
    key: str
    """Stable key from the signal (``service:template-management-api``, ``finding:<id>``)."""
    kind: str
    """The signal kind that last matched (a :class:`skafu_tui.config.incidents.Signal` value)."""
    incident_class: str
    class_source: ClassSource
    rule_class: str
    """The most severe class the rules gave while open; an override leaves it as it was."""
    rule: str
    """The rule that gave :attr:`rule_class`."""
    title: str
    services: tuple[str, ...]
    resources: tuple[str, ...]
    evidence: tuple[str, ...]
    severity: float | None
    status: IncidentStatus
    started_at: datetime
    """When the problem began, as far as the signal knows (else when it was first seen)."""
    opened_at: datetime
    last_seen_at: datetime
    cleared_at: datetime | None
    """When the signal was last seen gone; ``None`` while it is present."""
    resolved_at: datetime | None
    reopened_count: int
    commander: str | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    review_completed_at: datetime | None
    review_completed_by: str | None

    @property
    def is_open(self) -> bool:
        return self.status is IncidentStatus.OPEN

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


def details_digest(
    kind: str,
    title: str,
    services: Sequence[str],
    resources: Sequence[str],
    evidence: Sequence[str],
    severity: float | None,
) -> str:
    """A fingerprint of what a signal says, so a poll can skip rewriting unchanged incidents."""
    # repr of str/float tuples is stable across processes (unlike hash()), so every instance
    # sharing the ledger computes the same digest and none rewrites what another just wrote.
    payload = repr((kind, title, tuple(services), tuple(resources), tuple(evidence), severity))
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class OpenIncidentState:
    """The little the incident engine needs per open incident on every poll (cheap to load)."""

    id: int
    key: str
    kind: str
    incident_class: str
    rule_class: str
    cleared_at: datetime | None
    digest: str
    """:func:`details_digest` of the details last written."""


@dataclass(frozen=True)
class NewIncident:
    """What the engine knows when it opens an incident."""

    key: str
    kind: str
    incident_class: str
    rule: str
    title: str
    services: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    severity: float | None = None
    started_at: datetime | None = None

    @property
    def digest(self) -> str:
        return details_digest(
            self.kind, self.title, self.services, self.resources, self.evidence, self.severity
        )


@dataclass(frozen=True)
class TimelineEntry:
    id: int
    incident_id: int
    at: datetime
    kind: TimelineKind
    actor: str
    text: str


@dataclass(frozen=True)
class Note:
    id: int
    incident_id: int
    at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class Tick:
    """The latest tick state of one checklist item (playbook, deployment, maintenance or runbook)."""

    item: str
    ticked: bool
    actor: str
    at: datetime
    step: str = ""
    """The playbook step or deployment phase; empty where the checklist has none."""


@dataclass(frozen=True)
class ClassOverride:
    id: int
    incident_id: int
    from_class: str
    to_class: str
    reason: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class ReviewAnswer:
    incident_id: int
    area: str
    question: str
    answer: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class ActionItem:
    id: int
    incident_id: int
    text: str
    owner: str
    deadline: date | None
    done: bool
    created_by: str
    created_at: datetime
    done_by: str | None = None
    done_at: datetime | None = None


@dataclass(frozen=True)
class ChangeOverride:
    """An operator's category for a change event (the latest one wins)."""

    event_id: str
    category: str
    reason: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class MaintenanceTick:
    task_id: str
    due_date: date
    """The start of the period the task was due in (see :mod:`skafu_tui.procedures`)."""
    ticked: bool
    actor: str
    at: datetime


@dataclass(frozen=True)
class RunbookRun:
    id: int
    runbook_id: str
    started_at: datetime
    started_by: str
    incident_id: int | None = None
    finished_at: datetime | None = None
    finished_by: str | None = None
    ticks: tuple[Tick, ...] = ()
    """Latest state per item, in the order items were first ticked."""


@dataclass(frozen=True)
class ChangeEntry:
    """One write, as another instance sees it: what entity and which one."""

    rev: int
    at: datetime
    origin: str
    """The writing :class:`Ledger` object's ``origin`` (so an instance can tell its own writes)."""
    entity: str
    """``incident``, ``change``, ``maintenance`` or ``runbook``."""
    ref: str
    """The incident id, change event id, task id or run id, as text."""
    action: str
    """What happened, e.g. ``opened``, ``ack``, ``note``, ``tick``."""


@dataclass(frozen=True)
class LedgerChanges:
    """Writes after a known version (see :meth:`Ledger.changes_since`)."""

    version: int
    """Pass this to the next ``changes_since`` call."""
    entries: tuple[ChangeEntry, ...] = field(default=())
    truncated: bool = False
    """Older entries were pruned: refresh everything."""

    def __bool__(self) -> bool:
        return bool(self.entries) or self.truncated

    def foreign(self, origin: str) -> tuple[ChangeEntry, ...]:
        """Entries written by other Ledger objects (another app instance)."""
        return tuple(entry for entry in self.entries if entry.origin != origin)

    def incident_ids(self) -> frozenset[int]:
        return frozenset(int(e.ref) for e in self.entries if e.entity == "incident")

    def refs(self, entity: str) -> frozenset[str]:
        return frozenset(e.ref for e in self.entries if e.entity == entity)
