"""Incidents: signals from the assessment, classes from config rules, the lifecycle in the ledger,
response/escalation/review clocks, the playbook checklist and the review export."""

from skafu_tui.incidents.classify import Classification, check_class, classify, more_severe, rank
from skafu_tui.incidents.clocks import (
    NEAR_FRACTION,
    Clock,
    ClockStatus,
    IncidentClocks,
    escalation_clock,
    format_duration,
    incident_clocks,
    response_clock,
    review_clock,
)
from skafu_tui.incidents.lifecycle import (
    DEFAULT_REOPEN_WITHIN,
    ChangeKind,
    IncidentChange,
    IncidentEngine,
    rings_bell,
)
from skafu_tui.incidents.playbook import (
    Checklist,
    ChecklistItem,
    ChecklistStep,
    build_checklist,
    load_checklist,
    tick_item,
)
from skafu_tui.incidents.review import CHANGE_LOOKBACK, PriorChange, export_review, review_markdown
from skafu_tui.incidents.signals import Signal, SignalKind, extract_signals, service_key

__all__ = [
    "CHANGE_LOOKBACK",
    "DEFAULT_REOPEN_WITHIN",
    "NEAR_FRACTION",
    "ChangeKind",
    "Checklist",
    "ChecklistItem",
    "ChecklistStep",
    "Classification",
    "Clock",
    "ClockStatus",
    "IncidentChange",
    "IncidentClocks",
    "IncidentEngine",
    "PriorChange",
    "Signal",
    "SignalKind",
    "build_checklist",
    "check_class",
    "classify",
    "escalation_clock",
    "export_review",
    "extract_signals",
    "format_duration",
    "incident_clocks",
    "load_checklist",
    "more_severe",
    "rank",
    "response_clock",
    "review_clock",
    "review_markdown",
    "rings_bell",
    "service_key",
    "tick_item",
]
