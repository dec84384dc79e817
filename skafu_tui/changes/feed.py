"""The change feed: CloudTrail write events classified into :class:`Change` records.

Each change carries its kind (config ``changes.kinds``), the service it belongs to (through
config ``services[].resources``, ``lambda_functions`` and ``name``), whether it was made inside a
maintenance window of ``changes.environment``, its category and where that came from, and whether
it is flagged (made outside every window). Pure: events, config, incidents and overrides in.

Category inference (an operator's override from the ledger always wins):

1. **emergency** when an incident of a class in ``changes.emergency_incident_classes`` (default
   P0, P1) was open on the same service (or a shared resource) when the change was made;
2. **standard** when the event matches one of ``changes.standard_patterns``;
3. **normal** otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from skafu_tui.changes.classify import any_match, base_name, event_service, kind_of
from skafu_tui.models import TrailEvent
from skafu_tui.windows import in_window

if TYPE_CHECKING:
    from skafu_tui.config import Config

EMERGENCY, STANDARD, NORMAL = "emergency", "standard", "normal"

FEED_SPAN = timedelta(hours=3)
"""How far back the change feed reaches: the CloudTrail source reads write events of the last 3 h."""


class CategorySource(StrEnum):
    INFERRED = "inferred"
    """The rules in the module docstring gave it."""
    OVERRIDE = "override"
    """An operator set it, with a reason (stored in the ledger)."""


class IncidentLike(Protocol):
    """What linking and inference need of an incident (``skafu_tui.ledger.Incident`` fits)."""

    @property
    def id(self) -> int: ...
    @property
    def incident_class(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def services(self) -> tuple[str, ...]: ...
    @property
    def resources(self) -> tuple[str, ...]: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def resolved_at(self) -> datetime | None: ...


class OverrideLike(Protocol):
    """An operator's category for a change (``skafu_tui.ledger.ChangeOverride`` fits)."""

    @property
    def category(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True)
class Change:
    """One change: a CloudTrail write event of a configured kind, judged against the rules."""

    event: TrailEvent
    kind: str
    service: str | None
    """The configured service it belongs to; ``None`` when no resource maps to one."""
    resources: tuple[str, ...]
    who: str
    when: datetime
    source_ip: str
    in_window: bool | None
    """Inside a maintenance window of the watched environment; ``None`` when that environment has
    no windows configured (nothing to hold the change against)."""
    category: str
    category_source: CategorySource
    category_reason: str
    """Why: the rule that inferred it, or the operator's reason."""
    flagged: bool
    """Made outside every maintenance window of the watched environment."""
    raw: str
    """The CloudTrail event JSON (already inert)."""
    override_by: str = ""
    override_at: datetime | None = None

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def name(self) -> str:
        """The event name without its API version suffix."""
        return base_name(self.event.name)

    @property
    def api(self) -> str:
        """``service:EventName``, e.g. ``lambda:UpdateFunctionCode``."""
        return f"{event_service(self.event.source)}:{self.name}"

    @property
    def resource(self) -> str:
        """The first resource, for one-line views."""
        return self.resources[0] if self.resources else ""

    @property
    def finding(self) -> bool:
        """Flagged and not an emergency change: a P2 finding of its own."""
        return self.flagged and self.category != EMERGENCY

    @property
    def summary(self) -> str:
        """``lambda:UpdateFunctionCode skafu-template-management-api``."""
        return f"{self.api} {self.resource}".strip()


def service_index(cfg: Config) -> dict[str, str]:
    """Resource name → service name, from each service's name, resources and Lambda functions."""
    index: dict[str, str] = {}
    for service in cfg.services:
        for name in (service.name, *service.resources, *service.lambda_functions):
            index.setdefault(name, service.name)
    return index


def _candidates(resource_id: str) -> Iterable[str]:
    """The id itself and, for ARNs and paths, its last segments (``…:function:name`` → ``name``)."""
    yield resource_id
    for separator in (":", "/"):
        if separator in resource_id:
            yield resource_id.rsplit(separator, 1)[1]


def map_service(resources: Iterable[str], index: Mapping[str, str]) -> str | None:
    for resource in resources:
        for candidate in _candidates(resource):
            if candidate in index:
                return index[candidate]
    return None


def open_at(incident: IncidentLike, at: datetime) -> bool:
    """Whether `incident` was open at `at`."""
    return incident.started_at <= at and (incident.resolved_at is None or at < incident.resolved_at)


def _emergency_cause(
    service: str | None, resources: tuple[str, ...], when: datetime,
    incidents: Iterable[IncidentLike], classes: Iterable[str],
) -> IncidentLike | None:
    wanted = set(classes)
    for incident in incidents:
        if incident.incident_class not in wanted or not open_at(incident, when):
            continue
        if (service is not None and service in incident.services) or set(resources) & set(incident.resources):
            return incident
    return None


def infer_category(
    event: TrailEvent,
    service: str | None,
    resources: tuple[str, ...],
    cfg: Config,
    incidents: Iterable[IncidentLike] = (),
) -> tuple[str, str]:
    """(category, why) by the rules in the module docstring."""
    cause = _emergency_cause(service, resources, event.at, incidents, cfg.changes.emergency_incident_classes)
    if cause is not None:
        where = service or ", ".join(resources)
        return EMERGENCY, f"made while {cause.incident_class} incident #{cause.id} was open on {where}"
    pattern = any_match(cfg.changes.standard_patterns, event)
    if pattern is not None:
        return STANDARD, f"matches standard-change pattern {pattern}"
    classes = "/".join(cfg.changes.emergency_incident_classes) or "no"
    return NORMAL, f"no {classes} incident open on its service and no standard-change pattern matches"


def to_change(
    event: TrailEvent,
    cfg: Config,
    *,
    kind: str,
    index: Mapping[str, str],
    incidents: Iterable[IncidentLike] = (),
    override: OverrideLike | None = None,
) -> Change:
    resources = tuple(dict.fromkeys(r.resource_id for r in event.resources if r.resource_id))
    service = map_service(resources, index)
    environment = cfg.changes.environment
    windows = cfg.windows_for(environment)
    inside = in_window(cfg, event.at, environment) if windows else None
    if override is not None:
        category, source, why = override.category, CategorySource.OVERRIDE, override.reason
    else:
        category, why = infer_category(event, service, resources, cfg, incidents)
        source = CategorySource.INFERRED
    return Change(
        event=event,
        kind=kind,
        service=service,
        resources=resources,
        who=event.username,
        when=event.at,
        source_ip=event.source_ip,
        in_window=inside,
        category=category,
        category_source=source,
        category_reason=why,
        flagged=inside is False,
        raw=event.raw,
        override_by=override.actor if override is not None else "",
        override_at=override.at if override is not None else None,
    )


def build_changes(
    events: Iterable[TrailEvent],
    cfg: Config,
    *,
    incidents: Iterable[IncidentLike] = (),
    overrides: Mapping[str, OverrideLike] | None = None,
) -> list[Change]:
    """Every event that is a change (see ``changes.kinds``), newest first.

    `incidents` are the incidents known (open and recently resolved: inference asks which were
    open when each change was made); `overrides` maps event id → the operator's latest category.
    """
    index = service_index(cfg)
    known = list(incidents)
    chosen = overrides or {}
    out: list[Change] = []
    seen: set[str] = set()
    for event in events:
        if event.id in seen:
            continue
        kind = kind_of(event, cfg.changes.kinds)
        if kind is None:
            continue
        seen.add(event.id)
        out.append(to_change(event, cfg, kind=kind, index=index, incidents=known, override=chosen.get(event.id)))
    out.sort(key=lambda c: (c.when, c.id), reverse=True)
    return out


def security_changes(changes: Iterable[Change]) -> list[Change]:
    """Security-group changes and CloudTrail logging stopped or trails deleted (for the security checks)."""
    wanted = ("ec2:AuthorizeSecurityGroup", "ec2:RevokeSecurityGroup", "ec2:ModifySecurityGroupRules",
              "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "cloudtrail:StopLogging",
              "cloudtrail:DeleteTrail")
    return [c for c in changes if any_match(wanted, c.event)]
