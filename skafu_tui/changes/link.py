"""Changes and incidents, linked both ways: what changed before an incident began, and what
began after a change. Pure functions the incident and change screens both call.

A change and an incident are linked when the incident began within ``window`` (default: config
``changes.link_window_minutes``, 60) after the change. Links are ranked by overlap: a shared
service counts more than a shared resource, which counts more than mere timing; among equals the
closer in time comes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from skafu_tui.changes.feed import Change, IncidentLike
from skafu_tui.incidents.review import PriorChange

DEFAULT_WINDOW = timedelta(minutes=60)

_SERVICE_WEIGHT, _RESOURCE_WEIGHT = 10, 3


@dataclass(frozen=True)
class Link:
    change: Change
    incident: IncidentLike
    gap: timedelta
    """How long after the change the incident began (≥ 0)."""
    shared_services: tuple[str, ...]
    shared_resources: tuple[str, ...]

    @property
    def score(self) -> int:
        return _SERVICE_WEIGHT * len(self.shared_services) + _RESOURCE_WEIGHT * len(self.shared_resources)

    @property
    def overlap(self) -> str:
        """Why they are linked, in words: ``same service template-management-api``…"""
        parts = []
        if self.shared_services:
            parts.append("same service " + ", ".join(self.shared_services))
        if self.shared_resources:
            parts.append("same resource " + ", ".join(self.shared_resources))
        return "; ".join(parts) or "timing only"

    @property
    def gap_text(self) -> str:
        minutes = int(self.gap.total_seconds() // 60)
        return f"{minutes} min"


def _link(change: Change, incident: IncidentLike) -> Link:
    change_services = (change.service,) if change.service else ()
    shared_services = tuple(s for s in change_services if s in incident.services)
    incident_resources = set(incident.resources)
    shared_resources = tuple(r for r in change.resources if r in incident_resources)
    return Link(change, incident, incident.started_at - change.when, shared_services, shared_resources)


def _ranked(links: Iterable[Link]) -> list[Link]:
    return sorted(links, key=lambda link: (-link.score, link.gap, link.change.id, link.incident.id))


def changes_before(
    incident: IncidentLike, changes: Iterable[Change], window: timedelta = DEFAULT_WINDOW
) -> list[Link]:
    """Changes made in the `window` before `incident` began (inclusive), most relevant first."""
    start = incident.started_at
    return _ranked(_link(c, incident) for c in changes if start - window <= c.when <= start)


def incidents_after(
    change: Change, incidents: Iterable[IncidentLike], window: timedelta = DEFAULT_WINDOW
) -> list[Link]:
    """Incidents that began in the `window` after `change` (inclusive), most relevant first."""
    return _ranked(_link(change, i) for i in incidents if change.when <= i.started_at <= change.when + window)


def prior_changes(
    incident: IncidentLike, changes: Iterable[Change], window: timedelta = DEFAULT_WINDOW
) -> list[PriorChange]:
    """:func:`changes_before` in the shape the post-incident review export takes."""
    return [
        PriorChange(
            at=link.change.when,
            summary=link.change.summary,
            who=link.change.who,
            services=(link.change.service,) if link.change.service else (),
            overlap=link.overlap if link.score else "",
        )
        for link in changes_before(incident, changes, window)
    ]


def link_window(minutes: int) -> timedelta:
    """The link window from config (``cfg.changes.link_window_minutes``)."""
    return timedelta(minutes=minutes)
