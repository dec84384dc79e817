"""Changes: the CloudTrail change feed classified by config, categories, maintenance windows,
links to incidents, out-of-window findings, the maintenance calendar and recovery runbooks.

Pure: no Textual, no AWS, no I/O; the clock and the ledger's records are passed in.
"""

from skafu_tui.changes.classify import any_match, base_name, event_service, kind_of, pattern_matches
from skafu_tui.changes.feed import (
    EMERGENCY,
    NORMAL,
    STANDARD,
    CategorySource,
    Change,
    IncidentLike,
    build_changes,
    infer_category,
    map_service,
    open_at,
    security_changes,
    service_index,
)
from skafu_tui.changes.link import DEFAULT_WINDOW, Link, changes_before, incidents_after, link_window, prior_changes
from skafu_tui.changes.maintenance import DueTask, TaskStatus, calendar, history_start, overdue, tracking_since
from skafu_tui.changes.runbooks import StepState, progress, runbook_markdown, steps
from skafu_tui.changes.signals import change_key, change_signals

__all__ = [
    "DEFAULT_WINDOW",
    "EMERGENCY",
    "NORMAL",
    "STANDARD",
    "CategorySource",
    "Change",
    "DueTask",
    "IncidentLike",
    "Link",
    "StepState",
    "TaskStatus",
    "any_match",
    "base_name",
    "build_changes",
    "calendar",
    "change_key",
    "change_signals",
    "changes_before",
    "event_service",
    "history_start",
    "incidents_after",
    "infer_category",
    "kind_of",
    "link_window",
    "map_service",
    "open_at",
    "overdue",
    "pattern_matches",
    "prior_changes",
    "progress",
    "runbook_markdown",
    "security_changes",
    "service_index",
    "steps",
    "tracking_since",
]
