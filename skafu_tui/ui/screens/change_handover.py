"""The shift handover in the app (`h`): the same content as ``skafu-tui handover``, from this app's
ledger and latest poll. ``+``/``-`` widen or narrow the span; ``e`` writes the Markdown.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from skafu_tui.handover import Handover, build_handover, handover_markdown
from skafu_tui.ledger import Incident, LedgerError
from skafu_tui.output import write_atomic
from skafu_tui.ui.incident_service import hub_of
from skafu_tui.ui.incident_text import CLASS_STYLE
from skafu_tui.ui.screens.change_format import category_text, window_text
from widgets.text import plain

if TYPE_CHECKING:
    from skafu_tui.config import Config

SPANS = (timedelta(hours=1), timedelta(hours=4), timedelta(hours=8), timedelta(hours=12), timedelta(hours=24))
DEFAULT_SPAN = timedelta(hours=8)


def _when(value: datetime | None) -> str:
    return "—" if value is None else f"{value:%m-%d %H:%M}"


def _incident(text: Text, incident: Incident, at: datetime | None, extra: str = "") -> None:
    text.append(f"  {_when(at)}  ")
    text.append(incident.incident_class, style=CLASS_STYLE.get(incident.incident_class, "bold"))
    text.append_text(plain(f" #{incident.id} {incident.title} [{', '.join(incident.services) or '—'}]{extra}"))
    text.append("\n")


def handover_text(h: Handover) -> Text:
    """The handover as styled, literal text (everything from AWS or operators is shown inert)."""
    text = Text(end="")

    def heading(title: str) -> None:
        text.append(f"\n{title}\n", style="bold underline")

    def none() -> None:
        text.append("  none\n", style="dim")

    hours = (h.generated_at - h.since).total_seconds() / 3600
    text.append_text(plain(f"{h.platform} shift handover — {_when(h.since)} to {_when(h.generated_at)} UTC "
                           f"({hours:g} h)", "bold"))
    if h.overall_status:
        text.append_text(plain(f" — overall {h.overall_status}"))
    text.append("\n")
    for remark in h.remarks:
        text.append_text(plain(f"note: {remark}\n", "dim"))

    heading(f"Incidents open now ({len(h.open_now)})")
    for i in h.open_now:
        _incident(text, i, i.opened_at, "" if i.acknowledged else " — NOT ACKNOWLEDGED")
    if not h.open_now:
        none()
    for title, items, attr in (("Opened", h.opened, "opened_at"), ("Acknowledged", h.acknowledged,
                                "acknowledged_at"), ("Resolved", h.resolved, "resolved_at")):
        heading(f"{title} ({len(items)})")
        for i in items:
            extra = f" by {i.acknowledged_by}" if attr == "acknowledged_at" and i.acknowledged_by else ""
            _incident(text, i, getattr(i, attr), extra)
        if not items:
            none()

    flagged = sum(1 for c in h.changes if c.flagged)
    heading(f"Changes ({len(h.changes)}, {flagged} outside a maintenance window)")
    for change in h.changes:
        text.append(f"  {_when(change.when)}  ")
        text.append_text(window_text(change))
        text.append_text(plain(f"  {change.kind}: {change.summary} by {change.who or '—'} — "))
        text.append_text(category_text(change))
        text.append("\n")
    if not h.changes:
        none()

    heading(f"Checks that failed ({len(h.failed_checks)})")
    for check in h.failed_checks:
        text.append("  ✗ ", style="bold red")
        text.append_text(plain(f"{check.title}: {check.evidence}\n"))
    if not h.failed_checks:
        none()
    if h.unknown_checks:
        text.append_text(plain(f"  ? could not be checked: {', '.join(c.title for c in h.unknown_checks)}\n", "dim"))

    heading(f"Maintenance done ({len(h.maintenance_done)}) and overdue ({len(h.maintenance_overdue)})")
    for done in h.maintenance_done:
        text.append("  ✓ ", style="green")
        text.append_text(plain(f"{done.task.text} ({done.task.area}, {done.task.cadence.value}) "
                               f"by {done.actor} {_when(done.at)}\n"))
    for item in h.maintenance_overdue:
        text.append("  ✖ OVERDUE ", style="bold red")
        text.append_text(plain(f"{item.task.text} ({item.task.area}, {item.task.cadence.value})\n"))
    if not h.maintenance_done and not h.maintenance_overdue:
        none()
    for run in h.runbooks:
        state = f"finished {_when(run.finished_at)}" if run.finished_at else "in progress"
        text.append_text(plain(f"  runbook #{run.id} {run.runbook_id}: started {_when(run.started_at)} "
                               f"by {run.started_by}, {state}\n"))

    heading(f"Notes ({len(h.notes)})")
    for note in h.notes:
        text.append_text(plain(f"  {_when(note.at)} #{note.incident_id} {note.author}: ", "bold"))
        text.append_text(plain(note.text.replace("\n", "\n    ") + "\n"))
    if not h.notes:
        none()
    return text


class HandoverScreen(Screen[None]):
    DEFAULT_CSS = """
    HandoverScreen #handover-hint { height: 1; background: $panel; padding: 0 1; }
    HandoverScreen #handover-body { height: 1fr; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,h", "back", "Back", id="handover.back"),
        Binding("plus,equals_sign", "span(1)", "Longer", id="handover.longer"),
        Binding("minus", "span(-1)", "Shorter", id="handover.shorter"),
        Binding("e", "export", "Export", id="handover.export"),
        Binding("j", "scroll('down')", "Down", show=False, id="handover.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="handover.up"),
    ]

    def __init__(self, cfg: Config, span: timedelta = DEFAULT_SPAN) -> None:
        super().__init__()
        self.cfg = cfg
        self.span = span
        self.handover: Handover | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="handover-hint")
        with VerticalScroll(id="handover-body"):
            yield Static("", id="handover-text")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None)
        return clock() if callable(clock) else datetime.now().astimezone()

    def reload(self) -> None:
        hub = hub_of(self.app)
        ledger = hub.ledger if hub is not None else None
        try:
            self.handover = build_handover(
                ledger, self.cfg, now=self._now(), span=self.span,
                snapshot=getattr(self.app, "snapshot", None), assessment=getattr(self.app, "assessment", None),
            )
        except LedgerError as error:
            self.query_one("#handover-text", Static).update(plain(f"The ledger could not be read: {error}", "bold"))
            return
        hours = int(self.span.total_seconds() // 3600)
        self.query_one("#handover-hint", Static).update(
            Text(f"Shift handover: last {hours} h   +/-: longer/shorter · e: export Markdown · esc: back",
                 style="bold", end="")
        )
        self.query_one("#handover-text", Static).update(handover_text(self.handover))

    def action_span(self, step: int) -> None:
        index = min(range(len(SPANS)), key=lambda i: abs(SPANS[i] - self.span))
        self.span = SPANS[max(0, min(len(SPANS) - 1, index + step))]
        self.reload()

    def action_export(self) -> None:
        if self.handover is None:
            return
        hub = hub_of(self.app)
        directory = hub.export_dir if hub is not None else Path.cwd()
        path = directory / f"handover-{self.handover.generated_at:%Y%m%dT%H%M}.md"
        try:
            write_atomic(path, handover_markdown(self.handover))
        except OSError as error:
            self.app.notify(f"Not exported: {error.strerror or error}", severity="error", timeout=10, markup=False)
            return
        self.app.notify(f"Exported to {path}", title="Handover", timeout=8, markup=False)

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#handover-body", VerticalScroll)
        (body.scroll_down if direction == "down" else body.scroll_up)()

    def action_back(self) -> None:
        self.app.pop_screen()
