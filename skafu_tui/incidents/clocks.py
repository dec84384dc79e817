"""Response, escalation and review clocks: pure arithmetic on an incident, its class and `now`.

- **Response**: due ``opened_at + response_minutes`` of the current class; stopped by the
  acknowledgement (``responded_at = acknowledged_at``), or by resolution if nobody acknowledged.
- **Escalation**: due ``opened_at + escalation_minutes``; stopped by resolution (the seed
  escalates an incident that is still unresolved).
- **Review**: due ``resolved_at + 48 h`` (seed); stopped when the review is marked complete.

Both incident clocks count from ``opened_at`` in the class the incident has *now*: an incident
that escalates late (or reopens) can be overdue at once, which is what its class demands.

A running clock is ``ok``, then ``near`` in the last quarter of its span (amber), then
``overdue`` from the deadline itself (red). A stopped clock is ``met`` when stopped at or before
the deadline, else ``missed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from skafu_tui.config.incidents import IncidentClass, Incidents
from skafu_tui.ledger import Incident
from skafu_tui.procedures import REVIEW_DUE

NEAR_FRACTION = 0.25
"""A running clock turns ``near`` when at most this share of its span remains."""


class ClockStatus(StrEnum):
    OK = "ok"
    NEAR = "near"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"

    @property
    def running(self) -> bool:
        return self in (ClockStatus.OK, ClockStatus.NEAR, ClockStatus.OVERDUE)


@dataclass(frozen=True)
class Clock:
    name: str
    """``response``, ``escalation`` or ``review``."""
    started_at: datetime
    deadline: datetime
    status: ClockStatus
    remaining: timedelta
    """Time left at `now` (negative once overdue); for a stopped clock, the margin it stopped with."""
    stopped_at: datetime | None = None

    @property
    def text(self) -> str:
        """Words for a table cell: ``12m left``, ``overdue 1h05m``, ``met``, ``missed by 3m``."""
        if self.status is ClockStatus.MET:
            return "met"
        if self.status is ClockStatus.MISSED:
            return f"missed by {format_duration(-self.remaining)}"
        if self.status is ClockStatus.OVERDUE:
            return f"overdue {format_duration(-self.remaining)}"
        return f"{format_duration(self.remaining)} left"


def format_duration(span: timedelta) -> str:
    """``45s``, ``12m``, ``1h05m``, ``2d03h`` (rounded down; never negative)."""
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def clock(
    name: str, started_at: datetime, span: timedelta, now: datetime, stopped_at: datetime | None
) -> Clock:
    """The state at `now` of a clock that started at `started_at` and is due `span` later."""
    deadline = started_at + span
    if stopped_at is not None:
        status = ClockStatus.MET if stopped_at <= deadline else ClockStatus.MISSED
        return Clock(name, started_at, deadline, status, deadline - stopped_at, stopped_at)
    remaining = deadline - now
    if remaining <= timedelta(0):
        status = ClockStatus.OVERDUE
    elif remaining <= span * NEAR_FRACTION:
        status = ClockStatus.NEAR
    else:
        status = ClockStatus.OK
    return Clock(name, started_at, deadline, status, remaining)


def response_clock(incident: Incident, cls: IncidentClass, now: datetime) -> Clock:
    stopped = incident.acknowledged_at or incident.resolved_at
    return clock("response", incident.opened_at, timedelta(minutes=cls.response_minutes), now, stopped)


def escalation_clock(incident: Incident, cls: IncidentClass, now: datetime) -> Clock:
    return clock(
        "escalation", incident.opened_at, timedelta(minutes=cls.escalation_minutes), now, incident.resolved_at
    )


def review_clock(incident: Incident, now: datetime, due: timedelta = REVIEW_DUE) -> Clock | None:
    """The post-incident review clock; ``None`` until the incident is resolved."""
    if incident.resolved_at is None:
        return None
    return clock("review", incident.resolved_at, due, now, incident.review_completed_at)


@dataclass(frozen=True)
class IncidentClocks:
    response: Clock | None
    """``None`` when the incident's class is no longer configured."""
    escalation: Clock | None
    review: Clock | None


def incident_clocks(
    incident: Incident, cfg: Incidents, now: datetime, review_due: timedelta = REVIEW_DUE
) -> IncidentClocks:
    cls = cfg.classes.get(incident.incident_class)
    return IncidentClocks(
        response=None if cls is None else response_clock(incident, cls, now),
        escalation=None if cls is None else escalation_clock(incident, cls, now),
        review=review_clock(incident, now, review_due),
    )
