"""The change list (key 7): CloudTrail's changes of the last hours, judged against the change rules.

Columns: time, kind, service, resource, who, category (``✎`` set by an operator), window
(``✗ outside`` / ``✓ inside``). ``/`` filters, ``o`` cycles the sort, ``enter`` opens the change,
``g`` sets its category with a reason. Rows are keyed by CloudTrail event id and updated in place.
The list is rebuilt on each poll and whenever the ledger's incidents or overrides change.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.widgets import DataTable, Static

from skafu_tui.changes import Change
from skafu_tui.ui.filter_bar import FilterableMixin
from skafu_tui.ui.incident_service import hub_of
from skafu_tui.ui.panes.base import Pane
from skafu_tui.ui.screens.change_dialogs import set_category
from skafu_tui.ui.screens.change_format import category_text, cut, feed_for, window_text
from widgets.keyed_table import Cell, KeyedTable
from widgets.text import plain

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment
    from skafu_tui.config import Config
    from skafu_tui.snapshot import Snapshot

SORTS = ("newest", "flagged", "kind", "service", "category")
"""`o` cycles these: newest first; outside-window first; by kind; by service; by category."""

COLUMNS = ("time", "kind", "service", "resource", "who", "category", "window")
_WIDE = 120
"""From this pane width on, times carry seconds and names get more room."""


class ChangesPane(Pane, FilterableMixin):
    # Pane first: Textual's type queries (app.query(Pane)) follow only the first base, and the app
    # finds the panes to feed that way; the mixin's bindings and actions still apply (MRO).
    title = "Changes"
    sources = ("cloudtrail",)

    DEFAULT_CSS = """
    ChangesPane { overflow-y: hidden; }
    ChangesPane #changes-title { height: 1; }
    ChangesPane #changes-table { height: 1fr; }
    ChangesPane #changes-legend { height: auto; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "cycle_sort", "Sort", id="changes.sort"),
        Binding("g", "set_category", "Category", id="changes.category"),
    ]

    def __init__(self, cfg: Config, *, id: str | None = None) -> None:
        super().__init__(cfg, id=id)
        self.changes: list[Change] = []
        self.sort = SORTS[0]
        self._snapshot: Snapshot | None = None
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Static(plain("Changes: waiting for the first poll…"), id="changes-title")
        yield KeyedTable(COLUMNS, id="changes-table", name="changes")
        yield Static(
            plain("✗ outside: made outside every maintenance window · ✎ category set by an operator · "
                  "enter: open · g: category · o: sort · /: filter"),
            id="changes-legend",
        )

    def on_mount(self) -> None:
        # Textual calls every class's on_mount in the MRO (the mixin mounts the filter bar itself).
        hub = hub_of(self.app)
        if hub is not None:
            hub.listeners.append(self._ledger_changed)
        # The filter bar sets the table's filter; keep the title's "[filter: …]" in step.
        self.watch(self.table, "filter_text", lambda _: self._title(), init=False)

    def on_unmount(self) -> None:
        hub = hub_of(self.app)
        if hub is not None and self._ledger_changed in hub.listeners:
            hub.listeners.remove(self._ledger_changed)

    @property
    def table(self) -> KeyedTable:
        return self.query_one("#changes-table", KeyedTable)

    # --- data -------------------------------------------------------------------------------

    def draw(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        self._snapshot = snapshot
        self.rebuild()

    def _ledger_changed(self) -> None:
        # Incidents decide emergencies and operators set categories: judge the feed again.
        if self._snapshot is not None:
            self.rebuild()

    def rebuild(self) -> None:
        self.changes = feed_for(self.app, self.cfg, self._snapshot)
        if self.shown and self.is_mounted:
            self._draw_rows()

    def on_show(self) -> None:
        # Pane.on_show (called by Textual too) draws pending data; this redraws after a resize/sort.
        self._draw_rows()

    def entered_stage(self) -> None:
        super().entered_stage()
        self._draw_rows()

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self._draw_rows()

    def _sorted(self) -> list[Change]:
        changes = list(self.changes)  # newest first already
        if self.sort == "flagged":
            changes.sort(key=lambda c: not c.flagged)
        elif self.sort == "kind":
            changes.sort(key=lambda c: c.kind)
        elif self.sort == "service":
            changes.sort(key=lambda c: (c.service is None, c.service or ""))
        elif self.sort == "category":
            order = list(self.cfg.changes.categories)
            changes.sort(key=lambda c: order.index(c.category) if c.category in order else len(order))
        return changes

    def _draw_rows(self) -> None:
        if not self.is_mounted:
            return
        self._title()
        width = self.size.width or 80
        wide = width >= _WIDE
        # time, kind, category and window take ~45 columns with the cell padding; the rest is shared.
        rest = max(30, width - (56 if wide else 48))
        service_w, resource_w = rest * 3 // 8, rest * 3 // 8
        who_w = rest - service_w - resource_w
        rows: list[tuple[str, list[Cell]]] = []
        for change in self._sorted():
            rows.append(
                (
                    change.id,
                    [
                        f"{change.when:%H:%M:%S}" if wide else f"{change.when:%H:%M}",
                        cut(change.kind, 10),
                        cut(change.service or "—", service_w),
                        cut(change.resource or "—", resource_w),
                        cut(change.who or "—", who_w),
                        category_text(change),
                        window_text(change),
                    ],
                )
            )
        self.table.set_rows(rows)

    def _title(self) -> None:
        if self._snapshot is None:
            return
        flagged = sum(1 for c in self.changes if c.flagged)
        line = Text(f"Changes: {len(self.changes)} in the change feed", style="bold", end="")
        if flagged:
            line.append(f" — {flagged} outside a maintenance window", style="bold red")
        line.append(f"  [sort: {self.sort}]", style="dim")
        if self.table.filter_text:
            line.append_text(plain(f"  [filter: {self.table.filter_text}]", "dim"))
        self.query_one("#changes-title", Static).update(line)

    # --- keys -------------------------------------------------------------------------------

    def selected(self) -> Change | None:
        key = self.table.selected_key
        return next((c for c in self.changes if c.id == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.open_change(event.row_key.value)

    def open_change(self, event_id: str) -> None:
        from skafu_tui.ui.screens.change_detail import ChangeDetailScreen

        if any(c.id == event_id for c in self.changes):
            self.app.push_screen(ChangeDetailScreen(self.cfg, event_id))

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._draw_rows()

    def action_set_category(self) -> None:
        set_category(hub_of(self.app), self.selected(), self.cfg.changes)

