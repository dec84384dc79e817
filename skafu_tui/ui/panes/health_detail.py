"""``enter`` on a service in the health pane: its KPIs against target and alert, alarms and breaches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from skafu_tui.assess.common import Level
from skafu_tui.ui.panes.health_format import KPI_WORDS, clip, kpi_cell, mark, status_cell, threshold_words
from widgets.text import SafeStatic, plain

if TYPE_CHECKING:
    from skafu_tui.assess.health import ServiceHealth

# Keyed by AlarmState's values (a StrEnum looks up as its string): no pydantic import before first paint.
_ALARM_LEVEL: dict[str, Level] = {"OK": Level.OK, "ALARM": Level.FAIL, "INSUFFICIENT_DATA": Level.UNKNOWN}


def service_detail(svc: ServiceHealth, window_minutes: int) -> Text:
    """The whole detail as one Text (literal: names and alarm reasons come from AWS)."""
    out = Text(end="")
    out.append_text(plain(svc.name, style="bold"))
    out.append_text(plain(f" — {svc.feature}" + (" (critical)" if svc.critical else ""), style="dim"))
    out.append("\n")
    out.append_text(status_cell(svc.status.value))
    out.append(f" over the last {window_minutes} min\n\n")
    out.append(f"{'KPI':<14}{'value':<13}target (alert)\n", style="bold")
    for k in svc.kpis:
        cell = kpi_cell(k, unit=True)
        out.append(f"{KPI_WORDS.get(k.kpi, k.kpi):<14}")
        out.append_text(cell)
        out.append(" " * max(1, 13 - cell.cell_len))
        out.append(threshold_words(k) + (" (derived from the error rate)" if k.derived else ""), style="dim")
        out.append("\n")
    if svc.requests is not None:
        out.append(f"requests {svc.requests:,.0f} · errors {svc.errors or 0:,.0f} in the window\n", style="dim")
    out.append("\nAlarms\n", style="bold")
    for a in svc.alarms:
        out.append_text(mark(_ALARM_LEVEL.get(a.state, Level.UNKNOWN)))
        out.append_text(plain(f" {clip(a.name, 120)} {a.state.value}"))
        if a.reason:
            out.append_text(plain(f" — {clip(a.reason)}", style="dim"))
        out.append("\n")
    for name in svc.missing_alarms:
        out.append_text(mark(Level.UNKNOWN))
        out.append_text(plain(f" {clip(name, 120)} not found"))
        out.append("\n")
    if not svc.alarms and not svc.missing_alarms:
        out.append("none configured\n", style="dim")
    out.append("\nWhy\n", style="bold")
    reasons = svc.reasons
    for reason in reasons:
        out.append_text(plain(f"• {clip(reason)}\n"))
    if not reasons:
        out.append("every KPI within target, no alarm in ALARM\n", style="dim")
    out.append("\nesc closes", style="dim")
    return out


class ServiceDetailScreen(ModalScreen[None]):
    """A modal over the dashboard; escape, enter or q closes it."""

    DEFAULT_CSS = """
    ServiceDetailScreen { align: center middle; }
    ServiceDetailScreen > VerticalScroll { width: 100; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close", id="detail.close")]

    def __init__(self, svc: ServiceHealth, window_minutes: int) -> None:
        super().__init__()
        self.svc = svc
        self.window_minutes = window_minutes

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield SafeStatic(service_detail(self.svc, self.window_minutes), id="service-detail")
