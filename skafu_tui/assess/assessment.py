"""``assess(snapshot, cfg, now)``: every area's assessment in one immutable value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from skafu_tui.assess.alerts import Alert, rank_alerts
from skafu_tui.assess.business import BusinessMetric, assess_business
from skafu_tui.assess.capacity import CapacityAssessment, assess_capacity
from skafu_tui.assess.checks import Check, Parts, run_checks
from skafu_tui.assess.common import as_utc
from skafu_tui.assess.compliance import ComplianceAssessment, assess_compliance
from skafu_tui.assess.cost import CostAssessment, assess_cost
from skafu_tui.assess.freshness import SourceFreshness, all_freshness
from skafu_tui.assess.health import SystemHealth, assess_system
from skafu_tui.assess.resources import Resources, assess_resources
from skafu_tui.assess.security import SecurityAssessment, assess_security
from skafu_tui.snapshot import Snapshot

if TYPE_CHECKING:
    from skafu_tui.config import Config


@dataclass(frozen=True)
class Assessment:
    """What the panes and the report draw: judged, ordered, with evidence."""

    generated_at: datetime
    account: str
    regions: tuple[str, ...]
    evaluation_window_minutes: int
    sources: tuple[SourceFreshness, ...]
    system: SystemHealth
    resources: Resources
    business: tuple[BusinessMetric, ...]
    security: SecurityAssessment
    compliance: ComplianceAssessment
    cost: CostAssessment
    capacity: CapacityAssessment
    checks: tuple[Check, ...]
    alerts: tuple[Alert, ...]

    def source(self, name: str) -> SourceFreshness | None:
        return next((s for s in self.sources if s.name == name), None)

    def check(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def business_metric(self, name: str) -> BusinessMetric | None:
        return next((b for b in self.business if b.name == name), None)


def assess(snapshot: Snapshot, cfg: Config, now: datetime) -> Assessment:
    now = as_utc(now)
    system = assess_system(snapshot, cfg, now)
    resources = assess_resources(snapshot, cfg, now)
    security = assess_security(snapshot, cfg, now)
    compliance = assess_compliance(snapshot, cfg, now)
    capacity = assess_capacity(snapshot, cfg, now)
    cost = assess_cost(snapshot, cfg, now)
    checks = run_checks(Parts(system, resources, security, compliance, capacity), snapshot, cfg, now)
    return Assessment(
        generated_at=now,
        account=snapshot.account,
        regions=snapshot.regions,
        evaluation_window_minutes=cfg.evaluation_window_minutes,
        sources=all_freshness(snapshot, now),
        system=system,
        resources=resources,
        business=assess_business(snapshot, cfg, now),
        security=security,
        compliance=compliance,
        cost=cost,
        capacity=capacity,
        checks=checks,
        alerts=rank_alerts(system, checks, capacity, cost, cfg),
    )
