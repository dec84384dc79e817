"""The operational procedures as data, transcribed from the seed (operational-procedures.md).

The incident playbook, the post-incident review, deployment coordination, the recurring
maintenance tasks and the recovery runbooks. Screens and the ledger refer to items by stable ids
(slugs of the seed's wording), so a future config section can replace a :class:`Procedures`
wholesale without touching code; :data:`DEFAULT_PROCEDURES` is what the seed says.

Pure data and calendar arithmetic: no I/O.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


def slug(text: str) -> str:
    """A stable id from wording: ``"Acknowledge the incident"`` → ``acknowledge-the-incident``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Item:
    """One checklist line."""

    id: str
    text: str


def _items(*texts: str) -> tuple[Item, ...]:
    return tuple(Item(slug(text), text) for text in texts)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class PlaybookStep:
    id: str
    title: str
    sections: tuple[Section, ...]

    def items(self) -> tuple[tuple[Section, Item], ...]:
        """Every item of the step with its section, in order."""
        return tuple((section, item) for section in self.sections for item in section.items)


def _section(title: str, *texts: str) -> Section:
    return Section(slug(title), title, _items(*texts))


# --- Incident_Response_Playbook -----------------------------------------------------------

PLAYBOOK: tuple[PlaybookStep, ...] = (
    PlaybookStep(
        "detection",
        "Detection",
        (
            _section(
                "Automated detection",
                "CloudWatch alarms",
                "Application monitoring alerts",
                "Health check failures",
                "User reports",
            ),
            _section(
                "Manual detection",
                "Support ticket escalation",
                "Social media mentions",
                "Partner notifications",
                "Internal team reports",
            ),
            _section(
                "Initial actions",
                "Acknowledge the incident",
                "Assess severity level",
                "Create incident channel",
                "Notify response team",
            ),
        ),
    ),
    PlaybookStep(
        "response",
        "Response",
        (
            _section(
                "Immediate response",
                "Gather incident details",
                "Identify affected services",
                "Estimate user impact",
                "Begin mitigation efforts",
            ),
            _section(
                "Communication",
                "Update status page",
                "Notify stakeholders",
                "Inform customer success",
                "Prepare user communication",
            ),
            _section(
                "Investigation",
                "Review logs and metrics",
                "Identify root cause",
                "Assess scope of impact",
                "Document findings",
            ),
        ),
    ),
    PlaybookStep(
        "resolution",
        "Resolution",
        (
            _section(
                "Mitigation strategies",
                "Rollback to previous version",
                "Traffic rerouting",
                "Scaling up resources",
                "Temporary workarounds",
            ),
            _section(
                "Validation",
                "Verify fix effectiveness",
                "Monitor key metrics",
                "Test critical paths",
                "Confirm user impact reduction",
            ),
            _section(
                "Communication",
                "Update stakeholders",
                "Notify affected users",
                "Update status page",
                "Prepare incident summary",
            ),
        ),
    ),
    PlaybookStep(
        "recovery",
        "Recovery",
        (
            _section(
                "Service restoration",
                "Gradual traffic increase",
                "Monitor system stability",
                "Verify all functions",
                "Remove temporary fixes",
            ),
            _section(
                "Documentation",
                "Complete incident report",
                "Update runbooks",
                "Share lessons learned",
                "Schedule post-mortem",
            ),
        ),
    ),
)

# --- Post_Incident_Review_Process ---------------------------------------------------------


@dataclass(frozen=True)
class ReviewArea:
    id: str
    title: str
    questions: tuple[str, ...]


REVIEW_DUE = timedelta(hours=48)
"""Seed: the review happens "within 48 hours of incident resolution"."""

REVIEW_PARTICIPANTS: tuple[str, ...] = (
    "Incident Commander",
    "Technical responders",
    "Product stakeholders",
    "Customer Success (if customer-impacting)",
)

REVIEW_AREAS: tuple[ReviewArea, ...] = (
    ReviewArea(
        "detection",
        "Detection",
        (
            "How was the incident detected?",
            "Was detection timely?",
            "Could detection be improved?",
        ),
    ),
    ReviewArea(
        "response",
        "Response",
        (
            "Was the response appropriate?",
            "Did we follow procedures?",
            "Were communication timelines met?",
        ),
    ),
    ReviewArea(
        "resolution",
        "Resolution",
        (
            "Was the root cause identified?",
            "Was the fix appropriate?",
            "Could resolution be faster?",
        ),
    ),
    ReviewArea(
        "prevention",
        "Prevention",
        (
            "What could prevent this incident?",
            "Are there systemic issues?",
            "What monitoring is needed?",
        ),
    ),
)

ACTION_ITEM_KINDS: tuple[str, ...] = (
    "Immediate fixes required",
    "Process improvements",
    "Monitoring enhancements",
    "Training needs",
    "Documentation updates",
)

REVIEW_FOLLOW_UP: tuple[str, ...] = (
    "Assign owners for action items",
    "Set completion deadlines",
    "Schedule progress reviews",
    "Update incident procedures",
)

# --- Change management --------------------------------------------------------------------

CHANGE_APPROVAL_WORKFLOW: tuple[Item, ...] = _items(
    "Change request submission",
    "Impact assessment",
    "Risk evaluation",
    "Approval process",
    "Implementation planning",
    "Rollback planning",
    "Stakeholder notification",
    "Implementation execution",
    "Post-implementation review",
)

DEPLOYMENT_COORDINATION: dict[str, tuple[Item, ...]] = {
    # Keys are the ledger's deployment phases (pre / during / post).
    "pre": _items(
        "Code review completion",
        "Testing validation",
        "Security scan approval",
        "Performance testing",
        "Stakeholder notification",
        "Rollback plan preparation",
    ),
    "during": _items(
        "Monitoring system health",
        "Coordinating with team members",
        "Communicating progress",
        "Managing rollback if needed",
        "Documenting issues",
    ),
    "post": _items(
        "Validation testing",
        "Performance monitoring",
        "Error rate monitoring",
        "Stakeholder notification",
        "Documentation updates",
        "Lessons learned capture",
    ),
}

# --- Recurring maintenance ----------------------------------------------------------------


class Cadence(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


@dataclass(frozen=True)
class MaintenanceTask:
    id: str
    """``<area>.<cadence>.<slug>``, e.g. ``database.daily.backup-verification``."""
    area: str
    cadence: Cadence
    text: str


def _tasks(area: str, cadence: Cadence, *texts: str) -> tuple[MaintenanceTask, ...]:
    return tuple(MaintenanceTask(f"{area}.{cadence.value}.{slug(t)}", area, cadence, t) for t in texts)


MAINTENANCE_TASKS: tuple[MaintenanceTask, ...] = (
    # Database_Maintenance
    *_tasks(
        "database",
        Cadence.DAILY,
        "Connection pool monitoring",
        "Query performance review",
        "Backup verification",
        "Log file rotation",
        "Disk space monitoring",
    ),
    *_tasks(
        "database",
        Cadence.WEEKLY,
        "Index optimization",
        "Table statistics update",
        "Slow query analysis",
        "Connection audit",
        "Security patch review",
    ),
    *_tasks(
        "database",
        Cadence.MONTHLY,
        "Full database backup",
        "Performance tuning",
        "Capacity planning review",
        "Security assessment",
        "Disaster recovery testing",
    ),
    *_tasks(
        "database",
        Cadence.QUARTERLY,
        "Major version updates",
        "Database migration testing",
        "Capacity expansion planning",
        "Performance baseline review",
        "Security compliance audit",
    ),
    # Security_Maintenance
    *_tasks(
        "security",
        Cadence.DAILY,
        "Security alert review",
        "Failed authentication analysis",
        "Vulnerability scan results",
        "Certificate expiration check",
        "Access log review",
    ),
    *_tasks(
        "security",
        Cadence.WEEKLY,
        "Security patch assessment",
        "Access control review",
        "Incident trend analysis",
        "Threat intelligence update",
        "Security metrics review",
    ),
    *_tasks(
        "security",
        Cadence.MONTHLY,
        "Security audit",
        "Penetration testing",
        "Security training updates",
        "Policy compliance review",
        "Vendor security assessment",
    ),
    *_tasks(
        "security",
        Cadence.QUARTERLY,
        "Comprehensive security review",
        "Risk assessment update",
        "Disaster recovery testing",
        "Security procedure updates",
        "Compliance audit preparation",
    ),
    # Backup_Procedures.Database_Backups.verification. The seed dates only "Restore testing
    # (monthly)"; integrity checks follow the 4-hourly backups so they are daily, and recovery
    # time and data consistency are verified by the monthly restore test.
    *_tasks("backup", Cadence.DAILY, "Backup integrity checks"),
    *_tasks(
        "backup",
        Cadence.MONTHLY,
        "Restore testing",
        "Recovery time verification",
        "Data consistency validation",
    ),
    # Cost_Monitoring.Monthly_Cost_Review
    *_tasks(
        "cost",
        Cadence.MONTHLY,
        "Detailed cost breakdown by service",
        "Team/project cost allocation",
        "Cost optimization opportunities",
        "Budget forecasting update",
        "ROI analysis for major initiatives",
    ),
)


def period(cadence: Cadence, day: date) -> tuple[date, date]:
    """The period containing `day` a task of `cadence` is due in: ``[start, end]`` inclusive.

    Weeks start on Monday (ISO), quarters in January, April, July and October. The start is the
    ``due_date`` the ledger stores a tick under.
    """
    if cadence is Cadence.DAILY:
        return day, day
    if cadence is Cadence.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if cadence is Cadence.MONTHLY:
        return day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1])
    first_month = 3 * ((day.month - 1) // 3) + 1
    last_month = first_month + 2
    return (
        date(day.year, first_month, 1),
        date(day.year, last_month, monthrange(day.year, last_month)[1]),
    )


# --- Recovery_Procedures ------------------------------------------------------------------


@dataclass(frozen=True)
class Runbook:
    id: str
    area: str
    title: str
    steps: tuple[Item, ...]


RUNBOOKS: tuple[Runbook, ...] = (
    Runbook(
        "point-in-time-recovery",
        "Database recovery",
        "Point-in-time recovery",
        _items(
            "Identify recovery point",
            "Stop application traffic",
            "Restore from backup",
            "Apply transaction logs",
            "Validate data integrity",
            "Resume application traffic",
        ),
    ),
    Runbook(
        "cross-region-recovery",
        "Database recovery",
        "Cross-region recovery",
        _items(
            "Activate standby region",
            "Update DNS records",
            "Redirect application traffic",
            "Synchronize data",
            "Monitor system health",
            "Notify stakeholders",
        ),
    ),
    Runbook(
        "service-rollback",
        "Application recovery",
        "Service rollback",
        _items(
            "Identify last known good version",
            "Deploy previous version",
            "Validate deployment",
            "Monitor system health",
            "Update load balancer",
            "Notify development team",
        ),
    ),
    Runbook(
        "infrastructure-recovery",
        "Application recovery",
        "Infrastructure recovery",
        _items(
            "Assess infrastructure damage",
            "Deploy infrastructure from code",
            "Restore application services",
            "Restore database connections",
            "Validate system functionality",
            "Update monitoring systems",
        ),
    ),
)


@dataclass(frozen=True)
class Procedures:
    """Everything above as one value, so config can later supply its own."""

    playbook: tuple[PlaybookStep, ...] = PLAYBOOK
    review_areas: tuple[ReviewArea, ...] = REVIEW_AREAS
    review_due: timedelta = REVIEW_DUE
    action_item_kinds: tuple[str, ...] = ACTION_ITEM_KINDS
    deployment: tuple[tuple[str, tuple[Item, ...]], ...] = tuple(DEPLOYMENT_COORDINATION.items())
    maintenance: tuple[MaintenanceTask, ...] = MAINTENANCE_TASKS
    runbooks: tuple[Runbook, ...] = RUNBOOKS

    def step(self, step_id: str) -> PlaybookStep | None:
        return next((s for s in self.playbook if s.id == step_id), None)

    def runbook(self, runbook_id: str) -> Runbook | None:
        return next((r for r in self.runbooks if r.id == runbook_id), None)

    def task(self, task_id: str) -> MaintenanceTask | None:
        return next((t for t in self.maintenance if t.id == task_id), None)


DEFAULT_PROCEDURES = Procedures()
