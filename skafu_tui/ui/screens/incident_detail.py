"""The incident drill-down: clocks, services now, metrics around the start with changes marked,
related alarms/findings/Health events, changes before the start, who to tell, playbook, timeline.

The screen is installed once and reused. Opening swaps in content the list prepared while its cursor
rested on the row (:mod:`skafu_tui.ui.incident_detail_data`: indexed ledger reads and the per-poll
:class:`~skafu_tui.ui.incident_related.RelatedIndex`, so it costs the same with 1,000 incidents and
10,000 findings as with one), and the long sections are :class:`~widgets.lazy_text.LazyText`, which
paints only the lines on screen. Ledger writes run on a thread and are confirmed only after the
commit; the screen then re-reads what changed.
"""

from __future__ import annotations

from datetime import datetime
from itertools import zip_longest
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from skafu_tui.changes import Link
from skafu_tui.incidents import Checklist, export_review, incident_clocks
from skafu_tui.ledger import Incident, Ledger, TimelineEntry
from skafu_tui.output import write_atomic
from skafu_tui.ui import incident_sections as sections
from skafu_tui.ui.gc_hold import hold_gc_until_painted
from skafu_tui.ui.incident_detail_data import DetailContent, changes_title
from skafu_tui.ui.incident_service import IncidentHub
from skafu_tui.ui.panes.incidents import acknowledge
from skafu_tui.ui.screens.incident_modals import ChangeEventDialog, CommanderDialog, NoteDialog, OverrideDialog
from widgets.keyed_table import KeyedTable
from widgets.lazy_text import LazyText
from widgets.plot import PlotextPlot
from widgets.text import plain

KEYS_HINT = Text("esc back  a ack  c commander  n note  o class  p playbook  r review  e export  ? keys", end="")


class IncidentDetailScreen(Screen[None]):
    DEFAULT_CSS = """
    IncidentDetailScreen #detail-header { height: auto; background: $panel; padding: 0 1; }
    IncidentDetailScreen #detail-body { height: 1fr; padding: 0 1; }
    IncidentDetailScreen #detail-body > LazyText { height: auto; margin-bottom: 1; }
    IncidentDetailScreen #detail-plots { height: 12; margin-bottom: 1; }
    IncidentDetailScreen #detail-changes { height: auto; max-height: 12; margin-bottom: 1; }
    IncidentDetailScreen #detail-keys { height: auto; background: $panel; color: $text-muted; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="incident.back"),
        Binding("a", "acknowledge", "Ack", id="incident.ack"),
        Binding("c", "commander", "Commander", id="incident.commander"),
        Binding("n", "note", "Note", id="incident.note"),
        Binding("o", "override", "Class", id="incident.override"),
        Binding("p", "playbook", "Playbook", id="incident.playbook"),
        Binding("r", "review", "Review", id="incident.review"),
        Binding("e", "export", "Export", id="incident.export"),
        Binding("j", "scroll('down')", "Down", show=False, id="incident.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="incident.up"),
    ]

    def __init__(self, hub: IncidentHub, incident_id: int = 0) -> None:
        super().__init__()
        self.hub = hub
        self.incident_id = incident_id
        self.incident: Incident | None = None
        self.timeline: list[TimelineEntry] = []
        self.checklist: Checklist | None = None
        self.changes: list[Link] = []
        self.content: DetailContent | None = None
        """What is shown (see :mod:`skafu_tui.ui.incident_detail_data`)."""
        self._header_text = ""
        self._missed_update = False
        self.painted = False
        """Set after the first refresh following mount (the benchmark waits for it)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-header")
        with VerticalScroll(id="detail-body"):
            yield LazyText("", id="detail-services")
            with Horizontal(id="detail-plots"):
                yield PlotextPlot(x_axis="time", id="plot-errors")
                yield PlotextPlot(x_axis="time", id="plot-latency")
            yield LazyText("", id="detail-related")
            yield LazyText(changes_title(True), id="detail-changes-title")
            yield KeyedTable(("time", "change", "who", "overlap", "resources"), id="detail-changes")
            yield LazyText("", id="detail-comms")
            yield LazyText("", id="detail-playbook")
            yield LazyText("", id="detail-review")
            yield LazyText("", id="detail-timeline")
        # A hint line rather than a Footer: a Footer builds a widget per key, which is most of the
        # cost of opening this screen; `?` still lists every key.
        yield Static(KEYS_HINT, id="detail-keys")

    def on_mount(self) -> None:
        self.reload()
        self.hub.listeners.append(self._on_hub_update)
        self.set_interval(1.0, self._tick)
        self._focus_first()
        self.call_after_refresh(self._mark_painted)

    def on_unmount(self) -> None:
        if self._on_hub_update in self.hub.listeners:
            self.hub.listeners.remove(self._on_hub_update)

    def on_screen_resume(self) -> None:
        if self._missed_update:
            self.reload()
        if not self.painted:
            self.call_after_refresh(self._mark_painted)

    def _mark_painted(self) -> None:
        self.painted = True

    def show_incident(self, incident_id: int) -> None:
        """Show another incident in this (reused) screen, before it is pushed again."""
        self.incident_id = incident_id
        self.incident, self._header_text = None, ""
        self.painted = False
        if self.is_mounted:
            self.reload()
            self.query_one("#detail-body", VerticalScroll).scroll_home(animate=False)
            self._focus_first()

    def _focus_first(self) -> None:
        # The body first: arrows, j/k and page keys read down the screen; tab reaches the changes.
        self.query_one("#detail-body", VerticalScroll).focus(scroll_visible=False)

    def _on_hub_update(self) -> None:
        # Installed and reused: only the screen on top re-reads; one below (a dialog over it, or
        # the list) catches up when it is shown again.
        if self.is_current:
            self.reload()
        else:
            self._missed_update = True

    # --- data -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Show this incident as the ledger and the latest poll have it; redraw only what changed.

        The content usually comes ready from the hub's cache (the list prepares the row its cursor
        rests on); it is read and formatted here only when it is missing or out of date.
        """
        self._missed_update = False
        if self.hub.ledger is None:
            return
        self._show(self.hub.detail_cache.get(self.hub, self.incident_id))

    def _show(self, content: DetailContent) -> None:
        shown, self.content = self.content, content
        for selector, new, old in (
            ("#detail-services", content.services, shown and shown.services),
            ("#detail-related", content.related, shown and shown.related),
            ("#detail-changes-title", content.changes_title, shown and shown.changes_title),
            ("#detail-comms", content.comms, shown and shown.comms),
            ("#detail-playbook", content.playbook, shown and shown.playbook),
            ("#detail-timeline", content.timeline_text, shown and shown.timeline_text),
        ):
            if not isinstance(old, Content) or not new.is_same(old):
                self.query_one(selector, LazyText).update(new)
        table = self.query_one("#detail-changes", KeyedTable)
        table.set_rows(content.change_rows)
        table.display = bool(content.change_rows)
        if content.change_rows and (shown is None or shown.incident_id != content.incident_id):
            # The table keeps its cursor on a row key across updates; another incident starts at the top.
            table.move_cursor(row=0, animate=False)
        self._draw_plots(content)
        self.incident, self.checklist = content.incident, content.checklist
        self.timeline, self.changes = list(content.timeline), list(content.changes)
        if content.incident is None:
            self.query_one("#detail-header", Static).update(plain(f"There is no incident #{self.incident_id}"))
            self.query_one("#detail-review", LazyText).update("")
            return
        self._draw_header()

    def _now(self) -> datetime:
        return self.hub.clock()

    def _tick(self) -> None:
        if self.incident is not None and self.is_current:
            self._draw_header()

    def _draw_header(self) -> None:
        assert self.incident is not None
        now = self._now()
        clocks = incident_clocks(self.incident, self.hub.cfg.incidents, now)
        text = sections.header(self.incident, clocks, now)
        if text.plain != self._header_text:
            self._header_text = text.plain
            self.query_one("#detail-header", Static).update(text)
            self.query_one("#detail-review", LazyText).update(sections.review(self.incident, clocks))

    def _draw_plots(self, content: DetailContent) -> None:
        # `display`, not a class: a class change restyles the plots' subtree on every open.
        self.query_one("#detail-plots", Horizontal).display = bool(content.plots)
        if not content.plots:
            return
        for widget, data in zip_longest(self.query(PlotextPlot), content.plots):
            if widget is None:
                break
            if data is None:  # one KPI only: the other plot must not keep another incident's data
                widget.title = ""
                widget.set_series([])
                continue
            widget.title = data.title
            widget.set_series(data.series, thresholds=data.thresholds, markers=data.markers)

    # --- keys -------------------------------------------------------------------------------

    def action_back(self) -> None:
        hold_gc_until_painted(self)  # a collection due now runs after the list is painted
        self.app.pop_screen()

    def action_scroll(self, direction: str) -> None:
        table = self.query_one("#detail-changes", KeyedTable)
        if table.has_focus and table.row_count:
            (table.action_cursor_down if direction == "down" else table.action_cursor_up)()
        else:
            body = self.query_one("#detail-body", VerticalScroll)
            (body.scroll_down if direction == "down" else body.scroll_up)()

    def action_acknowledge(self) -> None:
        if self.incident is not None:
            acknowledge(self.hub, self.incident)

    def _confirm(self, what: str) -> None:
        self.app.notify(what, timeout=4, markup=False)
        self.reload()

    def action_commander(self) -> None:
        if self.incident is None:
            return

        def saved(after: Incident | None) -> None:
            if after is not None:
                self._confirm(f"#{after.id}: incident commander {after.commander} (saved)")

        self.app.push_screen(CommanderDialog(self.hub, self.incident), saved)

    def action_note(self) -> None:
        if self.incident is None:
            return

        def saved(note: object) -> None:
            if note is not None:
                self._confirm(f"Note saved on #{self.incident_id}")

        self.app.push_screen(NoteDialog(self.hub, self.incident), saved)

    def action_override(self) -> None:
        if self.incident is None:
            return

        def saved(after: Incident | None) -> None:
            if after is not None:
                self._confirm(f"#{after.id} is now {after.incident_class} (override saved)")

        self.app.push_screen(OverrideDialog(self.hub, self.incident, self.hub.cfg.incidents), saved)

    def action_playbook(self) -> None:
        from skafu_tui.ui.screens.incident_playbook import PlaybookScreen

        self.app.push_screen(PlaybookScreen(self.hub, self.incident_id), lambda _: self.reload())

    def action_review(self) -> None:
        from skafu_tui.ui.screens.incident_review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.hub, self.incident_id), lambda _: self.reload())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        link = next((c for c in self.changes if c.change.id == event.row_key.value), None)
        if link is not None:
            self.open_change(link)

    def open_change(self, link: Link) -> None:
        """The change screen (issue 6) when the build has it; else the raw CloudTrail event."""
        try:
            from skafu_tui.ui.screens.change_detail import ChangeDetailScreen
        except ImportError:
            self.app.push_screen(ChangeEventDialog(link.change.event, link.overlap))
            return
        self.app.push_screen(ChangeDetailScreen(self.hub.cfg, link.change.id))

    def action_export(self) -> None:
        index = self.hub.view.related
        incident = self.incident
        priors = index.prior_changes(incident) if index is not None and incident is not None else []
        path = self.hub.export_dir / f"incident-{self.incident_id}-review.md"
        cfg, incident_id, now = self.hub.cfg.incidents, self.incident_id, self._now()

        def write(ledger: Ledger) -> str:
            write_atomic(path, export_review(ledger, incident_id, cfg, now=now, changes_before=priors))
            return str(path)

        def done(where: str) -> None:
            self.app.notify(f"Review of #{incident_id} written to {where}", title="Exported", timeout=10,
                            markup=False)

        self.hub.write(write, done, lambda text: self.app.notify(
            f"Export failed: {text}", severity="error", timeout=15, markup=False))


SCREEN_NAME = "incident-detail"


def open_incident(app: App[Any], hub: IncidentHub, incident_id: int) -> IncidentDetailScreen:
    """Show incident `incident_id` in the detail screen.

    The screen is installed once and reused: composing and styling its widgets anew is most of
    what opening one would cost, so later opens only re-read the ledger and redraw.
    """
    if not app.is_screen_installed(SCREEN_NAME):
        app.install_screen(IncidentDetailScreen(hub), SCREEN_NAME)
    detail = app.get_screen(SCREEN_NAME)
    if not isinstance(detail, IncidentDetailScreen):
        raise TypeError(f"{SCREEN_NAME} is installed as {type(detail).__name__}")
    if detail in app.screen_stack and not detail.is_current:
        # Reached again from a screen above it (incident → change → incident): a screen cannot be
        # in the stack twice, so this one is a fresh, throwaway instance.
        fresh = IncidentDetailScreen(hub, incident_id)
        app.push_screen(fresh)
        return fresh
    detail.show_incident(incident_id)
    if not detail.is_current:
        app.push_screen(detail)
    return detail


def warm_up(app: App[Any], hub: IncidentHub, incident_id: int) -> None:
    """Compose, style and lay out the detail screen now, without showing it.

    A screen is composed when first pushed: pushed and popped in one go (no frame is drawn in
    between), it is ready, and the first `enter` costs what later ones do. Only from the main
    screen (nothing else on top), and once.
    """
    if app.is_screen_installed(SCREEN_NAME) or len(app.screen_stack) != 1:
        return
    app.install_screen(IncidentDetailScreen(hub, incident_id), SCREEN_NAME)
    app.push_screen(SCREEN_NAME)
    app.pop_screen()
