"""The incident drill-down: clocks, services now, metrics around the start with changes marked,
related alarms/findings/Health events, changes before the start, who to tell, playbook, timeline.

Opening reads one incident, its timeline and its checklist from the ledger (indexed lookups) and
the related items from the per-poll :class:`~skafu_tui.ui.incident_related.RelatedIndex`, so it
costs the same with 1,000 incidents and 10,000 findings as with one. Ledger writes run on a
thread and are confirmed only after the commit; the screen then re-reads what changed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from skafu_tui.changes import Change, Link
from skafu_tui.incidents import Checklist, export_review, incident_clocks, load_checklist
from skafu_tui.incidents.review import CHANGE_LOOKBACK
from skafu_tui.ledger import Incident, Ledger, TimelineEntry
from skafu_tui.output import write_atomic
from skafu_tui.ui import incident_sections as sections
from skafu_tui.ui.incident_related import service_plots
from skafu_tui.ui.incident_service import IncidentHub
from skafu_tui.ui.panes.incidents import acknowledge
from skafu_tui.ui.screens.incident_modals import ChangeEventDialog, CommanderDialog, NoteDialog, OverrideDialog
from widgets.keyed_table import Cell, KeyedTable
from widgets.plot import Marker, PlotextPlot, Threshold
from widgets.text import plain

KEYS_HINT = Text("esc back  a ack  c commander  n note  o class  p playbook  r review  e export  ? keys", end="")
MARKER_GAP_S = 180


def _api_name(change: Change) -> str:
    return change.name[:16]


class IncidentDetailScreen(Screen[None]):
    DEFAULT_CSS = """
    IncidentDetailScreen #detail-header { height: auto; background: $panel; padding: 0 1; }
    IncidentDetailScreen #detail-body { height: 1fr; padding: 0 1; }
    IncidentDetailScreen #detail-body > Static { height: auto; margin-bottom: 1; }
    IncidentDetailScreen #detail-plots { height: 12; margin-bottom: 1; }
    IncidentDetailScreen #detail-plots.-empty { display: none; }
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
        self._context_for: object = None
        self._header_text = ""
        self._missed_update = False
        self.painted = False
        """Set after the first refresh following mount (the benchmark waits for it)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-header")
        with VerticalScroll(id="detail-body"):
            yield Static("", id="detail-services")
            with Horizontal(id="detail-plots"):
                yield PlotextPlot(x_axis="time", id="plot-errors")
                yield PlotextPlot(x_axis="time", id="plot-latency")
            yield Static("", id="detail-related")
            yield Static(_changes_title(True), id="detail-changes-title")
            yield KeyedTable(("time", "change", "who", "overlap", "resources"), id="detail-changes")
            yield Static("", id="detail-comms")
            yield Static("", id="detail-playbook")
            yield Static("", id="detail-review")
            yield Static("", id="detail-timeline")
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
        self.incident, self.timeline, self._context_for, self._header_text = None, [], None, ""
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
        """Re-read this incident from the ledger; redraw only the parts that changed."""
        self._missed_update = False
        ledger = self.hub.ledger
        if ledger is None:
            return
        incident = ledger.incident(self.incident_id)
        if incident is None:
            self.query_one("#detail-header", Static).update(plain(f"There is no incident #{self.incident_id}"))
            return
        timeline = ledger.timeline(self.incident_id)
        self.incident = incident
        self.checklist = load_checklist(ledger, self.incident_id)
        if timeline != self.timeline or not self.timeline:
            self.timeline = timeline
            self.query_one("#detail-timeline", Static).update(sections.timeline(timeline))
        self.query_one("#detail-playbook", Static).update(sections.playbook(self.checklist))
        self._draw_header()
        self._draw_context()

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
            self.query_one("#detail-review", Static).update(sections.review(self.incident, clocks))

    def _draw_context(self) -> None:
        """Services, plots, related items and changes: redrawn when a new poll arrived."""
        incident, view = self.incident, self.hub.view
        assert incident is not None
        key = (view.assessment, view.related, incident.services, incident.resources, incident.started_at)
        if key == self._context_for:
            return
        self._context_for = key
        assessment, index = view.assessment, view.related
        healths = [assessment.system.service(s) if assessment else None for s in incident.services]
        self.query_one("#detail-services", Static).update(sections.services(incident, healths))
        self.query_one("#detail-related", Static).update(
            sections.related(index.related(incident) if index is not None else None)
        )
        cls = self.hub.cfg.incidents.classes.get(incident.incident_class)
        self.query_one("#detail-comms", Static).update(sections.communication(incident, cls))
        self.changes = index.changes_before(incident) if index is not None else []
        rows: list[tuple[str, list[Cell]]] = [
            (
                link.change.id,
                [
                    f"{link.change.when:%H:%M:%S}",
                    link.change.api,
                    link.change.who,
                    Text(_overlap(link), style="bold" if link.score else "dim", end=""),
                    ", ".join(link.change.resources[:3]),
                ],
            )
            for link in self.changes
        ]
        table = self.query_one("#detail-changes", KeyedTable)
        table.set_rows(rows)
        table.display = bool(rows)
        window = index.window if index is not None else CHANGE_LOOKBACK
        self.query_one("#detail-changes-title", Static).update(_changes_title(bool(rows), window))
        self._draw_plots()

    def _draw_plots(self) -> None:
        incident, view = self.incident, self.hub.view
        assert incident is not None
        box = self.query_one("#detail-plots", Horizontal)
        assessment, index = view.assessment, view.related
        health = assessment.system.service(incident.services[0]) if assessment and incident.services else None
        window = index.window if index is not None else CHANGE_LOOKBACK
        start, end = incident.started_at - window, max(self._now(), incident.started_at)
        plots = service_plots(health, start, end)
        box.set_class(not any(p.xs for p in plots), "-empty")
        markers = [Marker(incident.started_at.timestamp(), "start")]
        if index is not None:
            mine, labelled = set(index.resources_of(incident)), incident.started_at.timestamp()
            for change in index.changes_between(start, end):
                # Every change is marked; only those touching the incident's services or resources
                # are named, and a burst (a deploy is several calls) once, so labels stay readable.
                x, label = change.when.timestamp(), ""
                touches = change.service in incident.services or mine.intersection(change.resources)
                if touches and abs(x - labelled) > MARKER_GAP_S:
                    label, labelled = _api_name(change), x
                markers.append(Marker(x, label))
        for widget, data in zip(self.query(PlotextPlot), plots, strict=False):
            widget.title = data.title
            thresholds = [Threshold(data.target, "target", "target")] if data.target is not None else []
            if data.alert is not None:
                thresholds.append(Threshold(data.alert, "alert", "alert"))
            series: list[tuple[str, tuple[float, ...], tuple[float, ...]]] = [(data.label, data.xs, data.ys)]
            start_x = incident.started_at.timestamp()
            if data.xs and start_x > data.xs[-1]:
                # CloudWatch publishes minutes late, so the start is often past the last point and the
                # plot's x range (which follows the data) would hide its marker: draw it as a line.
                series.append(("start", (start_x, start_x), (min(data.ys), max(data.ys))))
            widget.set_series(series, thresholds=thresholds, markers=markers)

    # --- keys -------------------------------------------------------------------------------

    def action_back(self) -> None:
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


def _overlap(link: Link) -> str:
    """``same service + resource``, ``same resource``, ``timing only`` (the names are in the row)."""
    parts = (["same service"] if link.shared_services else []) + (["resource"] if link.shared_resources else [])
    if parts == ["resource"]:
        return "same resource"
    return " + ".join(parts) or "timing only"


def _changes_title(found: bool, window: timedelta = CHANGE_LOOKBACK) -> Text:
    minutes = int(window.total_seconds() // 60)
    title = sections.heading(f"Changes in the {minutes} minutes before the start",
                             "most overlapping first · tab: select · enter: show" if found else "")
    if not found:
        title.append("\nnone found in CloudTrail", style="dim")
    return title


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
