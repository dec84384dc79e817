"""What surrounds one incident: related alarms, findings and Health events, the changes before its
start ranked by overlap, and the metric series to plot. Pure functions of a Snapshot, the config
and the incident (no Textual, no I/O), so the detail screen opens without scanning everything.

:class:`RelatedIndex` is built once per snapshot (on the assess thread): findings by resource and
by id, alarms by name, Health events by entity. Looking up one incident is then proportional to
what is related to it, not to 10,000 findings.

Changes are the change feed's (:mod:`skafu_tui.changes`): CloudTrail write events of a configured
kind, built once per snapshot and linked to the incident by :func:`skafu_tui.changes.changes_before`
(same service first, then same resource, then timing; the closer first among equals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from skafu_tui.assess.health import ERROR_RATE, P95, ServiceHealth
from skafu_tui.changes import Change, Link, build_changes, changes_before, link_window, prior_changes
from skafu_tui.config import Config
from skafu_tui.incidents.review import PriorChange
from skafu_tui.ledger import Incident
from skafu_tui.models import Alarm, Finding, HealthEvent
from skafu_tui.snapshot import Snapshot

MAX_FINDINGS_SHOWN = 50
"""Related findings listed in full; the rest are counted."""

@dataclass(frozen=True)
class Related:
    alarms: tuple[Alarm, ...]
    findings: tuple[Finding, ...]
    findings_total: int
    health: tuple[tuple[HealthEvent, str], ...]
    """Each event with why it is listed."""


@dataclass
class RelatedIndex:
    """Lookups over one snapshot, built once (see the module docstring)."""

    snapshot: Snapshot
    cfg: Config
    findings_by_resource: dict[str, list[Finding]] = field(default_factory=dict)
    findings_by_id: dict[str, Finding] = field(default_factory=dict)
    alarms_by_name: dict[str, Alarm] = field(default_factory=dict)
    health_by_entity: dict[str, list[HealthEvent]] = field(default_factory=dict)
    service_resources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    service_of: dict[str, str] = field(default_factory=dict)
    """Resource name to the service it belongs to (config)."""
    lambda_functions: frozenset[str] = frozenset()
    feed: tuple[Change, ...] = ()
    """The change feed of this snapshot, oldest first."""

    @classmethod
    def build(cls, snapshot: Snapshot, cfg: Config) -> RelatedIndex:
        index = cls(snapshot, cfg)
        for finding in snapshot.findings:
            if finding.archived:
                continue
            index.findings_by_id[finding.id] = finding
            if finding.resource_id:
                index.findings_by_resource.setdefault(finding.resource_id, []).append(finding)
        index.alarms_by_name = {alarm.name: alarm for alarm in snapshot.alarms}
        for event in snapshot.health_events:
            for entity in event.entities:
                index.health_by_entity.setdefault(entity, []).append(event)
        for svc in cfg.services:
            names = tuple(dict.fromkeys([svc.name, *svc.resources, *svc.lambda_functions]))
            index.service_resources[svc.name] = names
            for name in names:
                index.service_of.setdefault(name, svc.name)
        index.lambda_functions = frozenset(f for svc in cfg.services for f in svc.lambda_functions)
        index.feed = tuple(reversed(build_changes(snapshot.trail_events, cfg)))
        return index

    @property
    def window(self) -> timedelta:
        """How far before an incident's start changes are listed (``changes.link_window_minutes``)."""
        return link_window(self.cfg.changes.link_window_minutes)

    # --- one incident -----------------------------------------------------------------------

    def resources_of(self, incident: Incident) -> tuple[str, ...]:
        """The incident's resources and every resource of its services."""
        names = list(incident.resources)
        for service in incident.services:
            names += self.service_resources.get(service, ())
        return tuple(dict.fromkeys(names))

    def related(self, incident: Incident) -> Related:
        resources = self.resources_of(incident)
        alarm_names: list[str] = []
        for svc in self.cfg.services:
            if svc.name in incident.services:
                alarm_names += svc.alarms
        for prefix in ("alarm:", "alarm_insufficient:"):
            if incident.key.startswith(prefix):
                alarm_names.append(incident.key.removeprefix(prefix))
        alarms = [self.alarms_by_name[n] for n in dict.fromkeys(alarm_names) if n in self.alarms_by_name]

        findings: dict[str, Finding] = {}
        if incident.key.startswith("finding:"):
            own = self.findings_by_id.get(incident.key.removeprefix("finding:"))
            if own is not None:
                findings[own.id] = own
        for name in resources:
            for finding in self.findings_by_resource.get(name, ()):
                findings.setdefault(finding.id, finding)
        ranked = sorted(findings.values(), key=lambda f: (-f.severity, f.id))

        health: dict[str, tuple[HealthEvent, str]] = {}
        if incident.key.startswith("health:"):
            arn = incident.key.removeprefix("health:")
            for event in self.snapshot.health_events:
                if event.arn == arn:
                    health[arn] = (event, "the incident's own event")
        for name in resources:
            for event in self.health_by_entity.get(name, ()):
                health.setdefault(event.arn, (event, f"affects {name}"))
        uses_lambda = any(name in self.lambda_functions for name in resources)
        for event in self.snapshot.health_events:
            if event.arn in health or event.status not in ("open", "upcoming"):
                continue
            if uses_lambda and event.service.upper() == "LAMBDA":
                health[event.arn] = (event, "open AWS Health event for Lambda, which this service runs on")
        return Related(
            alarms=tuple(alarms),
            findings=tuple(ranked[:MAX_FINDINGS_SHOWN]),
            findings_total=len(ranked),
            health=tuple(health.values()),
        )

    def changes_before(self, incident: Incident) -> list[Link]:
        """Changes in the window before the incident's start, most overlapping first."""
        return changes_before(incident, self.feed, self.window)

    def prior_changes(self, incident: Incident) -> list[PriorChange]:
        """The same, in the shape the review export takes."""
        return prior_changes(incident, self.feed, self.window)

    def changes_between(self, start: datetime, end: datetime) -> list[Change]:
        return [change for change in self.feed if start <= change.when <= end]


@dataclass(frozen=True)
class PlotSeries:
    """One plot's data: a title, the series as (label, epoch xs, ys), and the plot's time range."""

    title: str
    label: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    target: float | None = None
    alert: float | None = None


def service_plots(health: ServiceHealth | None, start: datetime, end: datetime) -> tuple[PlotSeries, ...]:
    """Error rate and p95 of a service between `start` and `end` (empty when it has no data)."""
    if health is None:
        return ()
    out = []
    for kpi, title, unit in ((ERROR_RATE, "error rate", "%"), (P95, "p95 latency", "ms")):
        reading = health.kpi(kpi)
        if reading is None:
            continue
        points = [
            (t.timestamp(), v)
            for t, v in zip(reading.series.timestamps, reading.series.values, strict=False)
            if start <= t <= end
        ]
        out.append(
            PlotSeries(
                title=f"{health.name} {title} ({unit})",
                label=title,
                xs=tuple(x for x, _ in points),
                ys=tuple(y for _, y in points),
                target=reading.target,
                alert=reading.alert,
            )
        )
    return tuple(out)
