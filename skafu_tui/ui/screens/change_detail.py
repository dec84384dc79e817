"""One change in full: what, who, when, the window verdict, its category with the approval it
needs, the incidents that began within the link window after it, the service's metrics around
it with the change marked, the deployment coordination checklist, and the raw CloudTrail event.

Everything from AWS is shown literally (no markup, controls made visible). Ticks and the category
are written to the ledger on a thread and shown only after the commit.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from skafu_tui.changes import Change, Link, incidents_after, link_window
from skafu_tui.ledger import Incident, Ledger, LedgerError, Tick
from skafu_tui.procedures import DEFAULT_PROCEDURES
from skafu_tui.ui.incident_related import service_plots
from skafu_tui.ui.incident_service import IncidentHub, hub_of
from skafu_tui.ui.incident_text import class_text
from skafu_tui.ui.screens.change_dialogs import set_category
from skafu_tui.ui.screens.change_format import category_text, cut, feed_for, window_text
from skafu_tui.windows import window_state
from widgets.keyed_table import Cell, KeyedTable
from widgets.plot import Marker, PlotextPlot, Threshold
from widgets.text import plain

if TYPE_CHECKING:
    from skafu_tui.config import Config

BEFORE, AFTER = timedelta(minutes=30), timedelta(minutes=60)
"""The metrics shown: from 30 minutes before the change to 60 after (or now, if sooner)."""
PHASE_TITLES = {"pre": "pre-deployment", "during": "during deployment", "post": "post-deployment"}


def _heading(title: str, hint: str = "") -> Text:
    text = Text(title, style="bold", end="")
    if hint:
        text.append(f"   {hint}", style="dim")
    return text


def raw_json(raw: str) -> str:
    """The event JSON indented for reading; kept as it is when it does not parse."""
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return raw


class ChangeDetailScreen(Screen[None]):
    DEFAULT_CSS = """
    ChangeDetailScreen #change-header { height: auto; background: $panel; padding: 0 1; }
    ChangeDetailScreen #change-body { height: 1fr; padding: 0 1; }
    ChangeDetailScreen #change-body > Static { height: auto; }
    ChangeDetailScreen .section { margin-top: 1; }
    ChangeDetailScreen #change-incidents { height: auto; max-height: 8; }
    ChangeDetailScreen #change-plots { height: 12; }
    ChangeDetailScreen #change-plots.-empty { display: none; }
    ChangeDetailScreen #change-checklist { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="change.back"),
        Binding("g", "set_category", "Category", id="change.category"),
        Binding("space", "tick", "Tick checklist", id="change.tick"),
        Binding("tab", "focus_next", "Next table", show=False, id="change.next"),
        Binding("j", "move('down')", "Down", show=False, id="change.down"),
        Binding("k", "move('up')", "Up", show=False, id="change.up"),
    ]

    def __init__(self, cfg: Config, event_id: str) -> None:
        super().__init__()
        self.cfg = cfg
        self.event_id = event_id
        self.change: Change | None = None
        self.links: list[Link] = []
        self.ticks: dict[tuple[str, str], Tick] = {}
        self._pending: set[str] = set()

    def compose(self) -> ComposeResult:
        minutes = self.cfg.changes.link_window_minutes
        yield Static("", id="change-header")
        with VerticalScroll(id="change-body"):
            yield Static("", id="change-facts")
            yield Static(_heading(f"Incidents that began within {minutes} minutes after", "enter: open"),
                         classes="section")
            yield KeyedTable(("class", "incident", "began", "overlap"), id="change-incidents", name="incidents")
            yield Static(plain("none", "dim"), id="change-incidents-none")
            yield Static("", id="change-plots-title", classes="section")
            with Horizontal(id="change-plots"):
                yield PlotextPlot(x_axis="time", id="change-plot-errors")
                yield PlotextPlot(x_axis="time", id="change-plot-latency")
            yield Static(_heading("Deployment coordination", "space: tick or untick (saved in the ledger)"),
                         classes="section")
            yield KeyedTable(("done", "phase", "item", "ticked by"), id="change-checklist", name="checklist")
            yield Static(_heading("CloudTrail event (raw)"), classes="section")
            yield Static("", id="change-raw")
        yield Footer()

    def on_mount(self) -> None:
        hub = hub_of(self.app)
        if hub is not None:
            hub.listeners.append(self.reload)
        self.reload()
        # Open at the top: the linked incidents when there are any, else the checklist.
        linked = self.query_one("#change-incidents", KeyedTable)
        (linked if linked.row_count else self.query_one("#change-checklist", KeyedTable)).focus(scroll_visible=False)

    def on_unmount(self) -> None:
        hub = hub_of(self.app)
        if hub is not None and self.reload in hub.listeners:
            hub.listeners.remove(self.reload)

    def on_resize(self) -> None:
        if self.change is not None:
            self._draw_incidents()

    @property
    def hub(self) -> IncidentHub | None:
        return hub_of(self.app)

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None)
        return clock() if callable(clock) else datetime.now().astimezone()

    # --- data -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Judge the change again (incidents or its category may have moved) and redraw."""
        if not self.is_attached:
            return  # a listener call after the screen closed
        snapshot = getattr(self.app, "snapshot", None)
        found = next((c for c in feed_for(self.app, self.cfg, snapshot) if c.id == self.event_id), None)
        if found is None and self.change is None:
            self.query_one("#change-header", Static).update(
                plain("This change is no longer in the change feed (CloudTrail's last hours).", "bold")
            )
            return
        if found is not None:
            self.change = found
        hub = self.hub
        incidents = hub.view.incidents if hub is not None else ()
        assert self.change is not None
        self.links = incidents_after(self.change, incidents, link_window(self.cfg.changes.link_window_minutes))
        self.ticks = self._read_ticks()
        self._draw()

    def _read_ticks(self) -> dict[tuple[str, str], Tick]:
        hub = self.hub
        if hub is None or hub.ledger is None:
            return {}
        try:
            return hub.ledger.deployment_ticks(self.event_id)
        except LedgerError:
            return self.ticks

    def _draw(self) -> None:
        change = self.change
        assert change is not None
        header = Text("Change  ", style="bold", end="")
        header.append_text(plain(change.summary, "bold"))
        header.append("\n")
        header.append_text(plain(f"{change.kind} · {change.service or 'no configured service'} · "
                                 f"{change.when:%Y-%m-%d %H:%M:%S} UTC by {change.who or '—'} · "))
        header.append_text(window_text(change, long=True))
        header.append(" · category ")
        header.append_text(category_text(change))
        self.query_one("#change-header", Static).update(header)
        self.query_one("#change-facts", Static).update(self._facts(change))
        self._draw_incidents()
        self._draw_plots(change)
        self._draw_checklist()
        self.query_one("#change-raw", Static).update(plain(raw_json(change.raw) or "(no raw event)"))

    def _facts(self, change: Change) -> Text:
        rows: list[tuple[str, Text | str]] = []
        kind = self.cfg.changes.kinds.get(change.kind)
        rows.append(("kind", f"{change.kind}" + (f" — {kind.description}" if kind else "")))
        rows.append(("event", f"{change.event.name} ({change.event.source})"))
        rows.append(("service", change.service or "— (no configured service owns these resources)"))
        refs = change.event.resources
        rows.append(("resources", ", ".join(f"{r.resource_type} {r.resource_id}" for r in refs) or "—"))
        rows.append(("who", change.who or "—"))
        rows.append(("from", change.source_ip or "—"))
        rows.append(("region", change.event.region or "—"))
        rows.append(("window", self._window_words(change)))
        source = (f"set by {change.override_by} {change.override_at:%Y-%m-%d %H:%M} UTC"
                  if change.override_at is not None else "inferred")
        category = category_text(change)
        category.append(f" ({source}): {change.category_reason}")
        rows.append(("category", category))
        rule = self.cfg.changes.categories.get(change.category)
        if rule is not None:
            rows.append(("approval", f"within {rule.approval} by {', '.join(rule.approvers) or '—'}"))
            rows.append(("documentation", rule.documentation))
        else:
            rows.append(("approval", "no approval rules configured for this category"))
        text = Text(end="")
        for index, (label, value) in enumerate(rows):
            text.append(f"{label:<14}", style="bold")
            text.append_text(plain(value))
            if index < len(rows) - 1:
                text.append("\n")
        return text

    def _window_words(self, change: Change) -> Text:
        environment = self.cfg.changes.environment
        text = window_text(change, long=True)
        if change.in_window is None:
            text.append(f" (no maintenance windows configured for {environment})")
            return text
        text.append(f" of {environment}")
        state = window_state(self.cfg, change.when)
        if change.flagged and state is not None and state.next_opens_at is not None:
            text.append(f"; the next opened {state.next_opens_at:%a %Y-%m-%d %H:%M} UTC")
        if change.finding:
            text.append(" — a finding of its own (not an emergency change)", style="bold")
        return text

    def _draw_incidents(self) -> None:
        rows: list[tuple[str, list[Cell]]] = []
        # Fit the pane's width (no sideways scrolling): class, began and the cell padding take ~24.
        room = max(30, (self.size.width or 80) - 26)
        overlap_w = min(40, room // 3)
        for link in self.links:
            incident = link.incident
            cls = class_text(incident) if isinstance(incident, Incident) else plain(incident.incident_class)
            rows.append((str(incident.id), [cls, cut(f"#{incident.id} {incident.title}", room - overlap_w),
                                            f"+{link.gap_text}", cut(link.overlap, overlap_w)]))
        table = self.query_one("#change-incidents", KeyedTable)
        table.set_rows(rows)
        table.display = bool(rows)
        self.query_one("#change-incidents-none", Static).display = not rows

    def _draw_plots(self, change: Change) -> None:
        title = self.query_one("#change-plots-title", Static)
        box = self.query_one("#change-plots", Horizontal)
        assessment = getattr(self.app, "assessment", None)
        health = assessment.system.service(change.service) if assessment and change.service else None
        end = min(change.when + AFTER, max(self._now(), change.when))
        plots = service_plots(health, change.when - BEFORE, end)
        empty = not any(p.xs for p in plots)
        box.set_class(empty, "-empty")
        if change.service is None:
            title.update(_heading("Metrics", "no configured service: nothing to plot"))
            return
        title.update(_heading(f"Metrics of {change.service}", "30 min before to 60 min after · │ the change"
                              + (" · no data in that span" if empty else "")))
        marker = [Marker(change.when.timestamp(), "change")]
        for widget, data in zip(self.query(PlotextPlot), plots, strict=False):
            widget.title = data.label
            thresholds = [Threshold(data.target, "target", "target")] if data.target is not None else []
            if data.alert is not None:
                thresholds.append(Threshold(data.alert, "alert", "alert"))
            widget.set_series([(data.label, data.xs, data.ys)], thresholds=thresholds, markers=marker)

    def _draw_checklist(self) -> None:
        rows: list[tuple[str, list[Cell]]] = []
        for phase, items in DEFAULT_PROCEDURES.deployment:
            for item in items:
                key = f"{phase}|{item.id}"
                tick = self.ticks.get((phase, item.id))
                if key in self._pending:
                    mark = Text("… saving", style="italic", end="")
                elif tick is not None and tick.ticked:
                    mark = Text("☑ done", style="bold green", end="")
                else:
                    mark = Text("☐", end="")
                who = f"{tick.actor} {tick.at:%H:%M}" if tick is not None and tick.ticked else ""
                rows.append((key, [mark, PHASE_TITLES.get(phase, phase), item.text, who]))
        self.query_one("#change-checklist", KeyedTable).set_rows(rows)

    # --- keys -------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "change-incidents" and event.row_key.value is not None:
            self.open_incident(int(event.row_key.value))
        elif event.data_table.id == "change-checklist":
            self.action_tick()

    def open_incident(self, incident_id: int) -> None:
        from skafu_tui.ui.screens.incident_detail import IncidentDetailScreen

        hub = self.hub
        if hub is not None and hub.ledger is not None:
            self.app.push_screen(IncidentDetailScreen(hub, incident_id))

    def action_tick(self) -> None:
        table = self.query_one("#change-checklist", KeyedTable)
        key, hub = table.selected_key, self.hub
        if key is None or key in self._pending or hub is None:
            return
        phase, item = key.split("|", 1)
        current = self.ticks.get((phase, item))
        ticked = not (current is not None and current.ticked)
        event_id = self.event_id
        self._pending.add(key)
        self._draw_checklist()

        def write(ledger: Ledger) -> dict[tuple[str, str], Tick]:
            ledger.tick_deployment(event_id, phase, item, ticked)
            return ledger.deployment_ticks(event_id)

        def done(ticks: dict[tuple[str, str], Tick]) -> None:
            self._pending.discard(key)
            self.ticks = ticks
            if self.is_mounted:
                self._draw_checklist()

        def failed(text: str) -> None:
            self._pending.discard(key)
            if self.is_mounted:
                self._draw_checklist()
            self.app.notify(f"Not ticked: {text}", severity="error", timeout=10, markup=False)

        hub.write(write, done, failed)

    def action_set_category(self) -> None:
        set_category(self.hub, self.change, self.cfg.changes)

    def action_move(self, direction: str) -> None:
        focused = self.focused
        if isinstance(focused, KeyedTable) and focused.row_count:
            (focused.action_cursor_down if direction == "down" else focused.action_cursor_up)()
        else:
            body = self.query_one("#change-body", VerticalScroll)
            (body.scroll_down if direction == "down" else body.scroll_up)()

    def action_back(self) -> None:
        self.app.pop_screen()
