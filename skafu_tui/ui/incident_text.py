"""Incident facts as styled Rich ``Text`` for tables and headers: class, state, clocks.

Status is never carried by colour alone: every styled cell also has a symbol and words
(``⚠ 12m left`` amber, ``✖ OVERDUE 5m`` red and bold, ``✓ met``).
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from skafu_tui.incidents.clocks import Clock, ClockStatus, format_duration
from skafu_tui.ledger import Incident
from widgets.text import plain

CLASS_STYLE = {"P0": "bold reverse red", "P1": "bold red", "P2": "bold yellow", "P3": "bold"}

STATE_SYMBOL = {"open": "●", "clearing": "◌", "resolved": "✓"}
"""The state legend shown by the list: open, signal clear but not yet resolved, resolved."""


def state_of(incident: Incident) -> str:
    if not incident.is_open:
        return "resolved"
    return "clearing" if incident.cleared_at is not None else "open"


def class_text(incident: Incident) -> Text:
    """``● P1``: the state symbol and the class, styled by class (dim once resolved)."""
    state = state_of(incident)
    style = "dim" if state == "resolved" else CLASS_STYLE.get(incident.incident_class, "bold")
    text = Text(f"{STATE_SYMBOL[state]} ", end="")
    text.append_text(plain(incident.incident_class, style))
    return text


def clock_text(found: Clock | None, *, long: bool = False, short: bool = False) -> Text:
    """A clock as symbol and words; `long` adds the deadline (detail header), `short` keeps only the
    symbol and the time (narrow tables: ``⚠ 12m``, ``✖ 1h05m``; the legend explains the symbols)."""
    if found is None:
        return Text("— (class not configured)" if long else "—", style="dim", end="")
    left = format_duration(found.remaining)
    late = format_duration(-found.remaining)
    words, style = {
        ClockStatus.OK: (f"{left} left", ""),
        ClockStatus.NEAR: (f"⚠ {left} left", "bold yellow"),
        ClockStatus.OVERDUE: (f"✖ OVERDUE {late}", "bold red"),
        ClockStatus.MET: ("✓ met", "green"),
        ClockStatus.MISSED: (f"✗ missed by {late}", "red"),
    }[found.status]
    if short:
        words = {ClockStatus.OK: left, ClockStatus.NEAR: f"⚠ {left}", ClockStatus.OVERDUE: f"✖ {late}",
                 ClockStatus.MET: "✓ met", ClockStatus.MISSED: f"✗ {late}"}[found.status]
    text = Text(end="")
    text.append(words, style=style)
    if long:
        if found.status.running:
            text.append(f" (due {found.deadline:%H:%M})", style="dim")
        elif found.stopped_at is not None:
            text.append(f" (due {found.deadline:%H:%M}, stopped {found.stopped_at:%H:%M})", style="dim")
    return text


def age_text(incident: Incident, now: datetime) -> str:
    return format_duration(now - incident.started_at)


def ack_text(incident: Incident) -> Text:
    if incident.acknowledged_by:
        return plain(incident.acknowledged_by)
    if incident.is_open:
        return Text("✖ not yet", style="bold", end="")
    return Text("—", style="dim", end="")
