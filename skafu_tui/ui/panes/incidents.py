"""The incident list (key 6): open incidents first, then recent ones, with both clocks counting down.

Rows are keyed by incident id and updated in place (:class:`KeyedTable`), so the cursor never
jumps when a poll or the clock changes a cell. Titles and services are cut with an ellipsis to
the pane's width, so the clocks stay on screen at 80 columns; the detail screen has the full text.

`enter` must paint the detail at once, so the work is done before it is pressed: the detail screen
is composed once, off screen, right after the list's first frame with rows, and the incident under
the cursor is read and formatted (:meth:`DetailCache.prefetch`) once the cursor rested on it briefly.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from skafu_tui.incidents import Clock, incident_clocks
from skafu_tui.incidents.classify import rank
from skafu_tui.ledger import Incident, LedgerError
from skafu_tui.ui.gc_hold import hold_gc_until_painted
from skafu_tui.ui.incident_service import IncidentHub, IncidentView, hub_of
from skafu_tui.ui.incident_text import ack_text, age_text, class_text, clock_text
from skafu_tui.ui.panes.base import Pane
from widgets.keyed_table import Cell, KeyedTable
from widgets.text import plain

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment
    from skafu_tui.config import Config
    from skafu_tui.snapshot import Snapshot

SORTS = ("newest", "class", "age", "deadline")
"""`o` cycles these: newest first (open, then recently resolved), most severe class, oldest, nearest deadline."""

COLUMNS = (
    ("class", "class"),
    ("title", "title"),
    ("services", "services"),
    ("age", "age"),
    ("respond", "respond"),
    ("escalate", "escalate"),
    ("ack by", "ack"),
)
_WIDE = 130
"""From this pane width on, clocks read ``12m left``; below, ``12m`` (the legend explains the symbols)."""
LEGEND = "● open ◌ clearing ✓ resolved │ clocks: ⚠ near ✖ overdue ✓ met ✗ missed"
PREFETCH_AFTER_S = 0.08
"""The cursor rests this long on a row before its incident is prepared (j held down prepares nothing)."""


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


class IncidentsPane(Pane):
    title = "Incidents"

    DEFAULT_CSS = """
    IncidentsPane { overflow-y: hidden; }
    IncidentsPane #incidents-title { height: auto; }
    IncidentsPane #incidents-legend { height: auto; color: $text-muted; }
    IncidentsPane #incidents-filter { display: none; height: 3; }
    IncidentsPane #incidents-filter.-shown { display: block; }
    IncidentsPane #incidents-table { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "acknowledge", "Acknowledge", id="incidents.ack"),
        Binding("o", "cycle_sort", "Sort", id="incidents.sort"),
        Binding("slash", "filter", "Filter", id="incidents.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="incidents.clear_filter"),
        Binding("j", "cursor('down')", "Down", show=False, id="incidents.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="incidents.up"),
    ]

    def __init__(self, cfg: Config, *, id: str | None = None) -> None:
        super().__init__(cfg, id=id)
        self.view = IncidentView()
        self.sort = SORTS[0]
        self._drawn_key: object = None
        self._drawn_view: IncidentView | None = None
        self._seconds_shown = False
        self.filter_text = ""
        """Rows are kept when their full class, title, services, resources or acknowledger contain this."""
        self._width = 0
        self._prefetch_timer: Timer | None = None
        self._warm_pending = False

    def compose(self) -> ComposeResult:
        yield Static(plain("Incidents: waiting for the first poll…"), id="incidents-title")
        yield Input(placeholder="filter: class, title, service, who acknowledged (enter keeps, esc clears)",
                    id="incidents-filter")
        yield KeyedTable(COLUMNS, id="incidents-table")
        yield Static(plain(LEGEND), id="incidents-legend")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        hub = hub_of(self.app)
        if hub is not None and hub.problem:
            self.query_one("#incidents-title", Static).update(plain(hub.problem))

    @property
    def table(self) -> KeyedTable:
        return self.query_one("#incidents-table", KeyedTable)

    # --- data -------------------------------------------------------------------------------

    def draw(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        """Incidents come from the hub (:meth:`show_view`); an assessment only moves the clocks."""
        self._draw_rows()

    def show_view(self, view: IncidentView) -> None:
        self.view = view
        if self.display and self.is_mounted:
            self._draw_rows()
            self._prefetch_soon()  # a new poll: what was prepared for the cursor's row is out of date

    def on_show(self) -> None:
        super().on_show()
        self._draw_rows()

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self._draw_rows()

    def _tick(self) -> None:
        self._draw_rows()

    def _sorted(self, now: datetime) -> list[Incident]:
        incidents = list(self.view.incidents)
        cfg = self.cfg.incidents
        if self.sort == "class":
            incidents.sort(key=lambda i: (not i.is_open, rank(cfg, i.incident_class)))
        elif self.sort == "age":
            incidents.sort(key=lambda i: (not i.is_open, i.started_at))
        elif self.sort == "deadline":

            def due(incident: Incident) -> tuple[bool, float]:
                clocks = incident_clocks(incident, cfg, now)
                running = [c.remaining.total_seconds() for c in (clocks.response, clocks.escalation)
                           if c is not None and c.status.running]
                return (not running, min(running, default=0.0))

            incidents.sort(key=lambda i: (not i.is_open, *due(i)))
        return incidents

    def _draw_rows(self) -> None:
        """Rebuild the rows, unless nothing they show can have changed since the last time.

        Clocks and ages read in minutes until under a minute is left, so a 1 s tick rebuilds the
        rows once a minute, or each second only while some cell shows seconds. Nothing is built
        while the pane is hidden or another screen (the detail) is on top.
        """
        if not self.is_mounted or not self.display or not self.screen.is_current:
            return
        hub = hub_of(self.app)
        now = hub.clock() if hub is not None else datetime.now(UTC)
        width = self.table.size.width or self.size.width or 80
        moment = now if self._seconds_shown else now.replace(second=0, microsecond=0)
        key = (self.sort, self.filter_text, width, moment)
        if key == self._drawn_key and self.view is self._drawn_view:
            return
        self._drawn_key, self._drawn_view = key, self.view
        self._title(hub.problem if hub is not None else "")
        wide = width >= _WIDE
        self._seconds_shown = False
        cfg = self.cfg.incidents
        needle = self.filter_text.casefold()
        fixed: list[tuple[Incident, list[Cell]]] = []
        for incident in self._sorted(now):
            if needle and needle not in _haystack(incident):
                continue
            clocks = incident_clocks(incident, cfg, now)
            if not self._seconds_shown:
                self._seconds_shown = _shows_seconds(incident, clocks.response, clocks.escalation, now=now)
            ack = ack_text(incident)
            fixed.append((incident, [
                class_text(incident),
                age_text(incident, now),
                clock_text(clocks.response, short=not wide),
                clock_text(clocks.escalation, short=not wide),
                ack if wide else _short(ack),
            ]))
        # Title and services get what the other columns leave (each cell has one column of padding
        # on both sides; two columns stay free for the vertical scrollbar), so the clocks stay visible.
        used = 2 + 2 * len(COLUMNS)
        for index, (label, _) in enumerate((COLUMNS[0], *COLUMNS[3:])):
            used += max([len(label)] + [_width(cells[index]) for _, cells in fixed])
        rest = max(16, width - used)
        longest = max((cell_len(", ".join(i.services)) for i, _ in fixed), default=1)
        services_w = max(8, min(longest, rest // 3 if wide else rest // 4))
        title_w = rest - services_w
        rows: list[tuple[str, list[Cell]]] = []
        for incident, cells in fixed:
            services = ", ".join(incident.services) or "—"
            title = f"#{incident.id} {incident.title}"
            rows.append((str(incident.id), [cells[0], _cut(title, title_w), _cut(services, services_w), *cells[1:]]))
        self.table.set_rows(rows)
        if rows and not self._warm_pending:
            # Right after this frame, as part of the same burst of work: a timer would fire later,
            # maybe in the middle of the operator's next key.
            self._warm_pending = True
            self.call_after_refresh(self._warm_detail)

    def _title(self, problem: str) -> None:
        if problem:
            self.query_one("#incidents-title", Static).update(plain(problem, "bold red"))
            return
        if self.view.assessment is None and not self.view.incidents:
            self.query_one("#incidents-title", Static).update(plain("Incidents: waiting for the first poll…"))
            return
        counts = self.view.counts
        total = sum(counts.values())
        line = Text(end="")
        line.append(f"Incidents: {total} open", style="bold")
        if total:
            line.append(" — " + " · ".join(f"{name} {count}" for name, count in counts.items() if count))
            line.append(f" — {self.view.unacknowledged} not acknowledged",
                        style="bold" if self.view.unacknowledged else "")
        resolved = sum(1 for i in self.view.incidents if not i.is_open)
        if resolved:
            line.append(f" — {resolved} recently resolved", style="dim")
        line.append(f"  [sort: {self.sort}]", style="dim")
        if self.filter_text:
            line.append_text(plain(f"  [filter: {self.filter_text}]", "dim"))
        self.query_one("#incidents-title", Static).update(line)

    # --- keys -------------------------------------------------------------------------------

    def selected(self) -> Incident | None:
        key = self.table.selected_key
        return None if key is None else self.view.get(int(key))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            hold_gc_until_painted(self)  # a collection due now runs after the detail is painted
            self.open_incident(int(event.row_key.value))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table is self.table:
            self._prefetch_soon()

    # --- preparing the detail (see the module docstring) --------------------------------------

    def _prefetch_soon(self) -> None:
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
        self._prefetch_timer = self.set_timer(PREFETCH_AFTER_S, self._prefetch)

    def _prefetch(self) -> None:
        self._prefetch_timer = None
        hub, incident = hub_of(self.app), self.selected()
        if hub is None or hub.ledger is None or incident is None or not self.screen.is_current:
            return
        # Only a head start: if the ledger cannot be read now, `enter` reads it and says why.
        with contextlib.suppress(LedgerError):
            hub.detail_cache.prefetch(hub, incident.id)

    def _warm_detail(self) -> None:
        hub, incident = hub_of(self.app), self.selected()
        if hub is None or hub.ledger is None or not self.screen.is_current:
            self._warm_pending = False  # covered by another screen: the next draw tries again
            return
        from skafu_tui.ui.screens.incident_detail import warm_up

        warm_up(self.app, hub, incident.id if incident is not None else 0)

    def open_incident(self, incident_id: int) -> None:
        from skafu_tui.ui.screens.incident_detail import open_incident

        hub = hub_of(self.app)
        if hub is not None and hub.ledger is not None:
            open_incident(self.app, hub, incident_id)

    def action_acknowledge(self) -> None:
        incident = self.selected()
        hub = hub_of(self.app)
        if incident is None or hub is None:
            return
        acknowledge(hub, incident)

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._draw_rows()

    def action_filter(self) -> None:
        box = self.query_one("#incidents-filter", Input)
        box.add_class("-shown")
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#incidents-filter", Input)
        if not box.has_class("-shown"):
            return
        box.value = ""
        box.remove_class("-shown")
        self.filter_text = ""
        self.table.focus()
        self._draw_rows()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "incidents-filter":
            self.filter_text = event.value
            self._draw_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "incidents-filter":
            if not event.value:
                event.input.remove_class("-shown")
            self.table.focus()

    def action_cursor(self, direction: str) -> None:
        if direction == "down":
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()


def _haystack(incident: Incident) -> str:
    """What `/` searches: the full texts, not the cells cut to the pane's width."""
    parts = [incident.incident_class, f"#{incident.id}", incident.title, *incident.services, *incident.resources,
             incident.acknowledged_by or "", incident.commander or ""]
    return "\t".join(parts).casefold()


def _shows_seconds(incident: Incident, *clocks: Clock | None, now: datetime) -> bool:
    minute = timedelta(minutes=1)
    if now - incident.started_at < minute:
        return True
    return any(c is not None and c.status.running and abs(c.remaining) < minute for c in clocks)


def _width(cell: Cell) -> int:
    return cell_len(cell.plain if isinstance(cell, Text) else str(cell))


def _short(text: Text) -> Text:
    if len(text.plain) <= 10:
        return text
    return plain(_cut(text.plain, 10), str(text.style) if text.style else "bold")


def acknowledge(hub: IncidentHub, incident: Incident) -> None:
    """Acknowledge `incident`, confirming on screen only once the ledger committed it."""
    if incident.acknowledged:
        when = incident.acknowledged_at.strftime("%H:%M:%S UTC") if incident.acknowledged_at else ""
        hub.app.notify(f"#{incident.id} was already acknowledged by {incident.acknowledged_by} at {when}",
                       timeout=5, markup=False)
        return

    def done(after: Incident) -> None:
        hub.app.notify(f"#{after.id} acknowledged by {after.acknowledged_by} (saved)", title="Acknowledged",
                       timeout=5, markup=False)

    hub.write(lambda ledger: ledger.acknowledge(incident.id), done)
