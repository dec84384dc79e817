"""The seed's four-step playbook as a checklist for one incident (`p` in the detail screen).

space or enter ticks or unticks the item under the cursor; the mark changes only after the ledger
committed the tick, which is also timestamped in the incident's timeline.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from skafu_tui.incidents import Checklist, ChecklistItem, load_checklist, tick_item
from skafu_tui.ledger import Ledger
from skafu_tui.ui.incident_service import IncidentHub
from widgets.keyed_table import Cell, KeyedTable
from widgets.text import plain


def row_key(item: ChecklistItem) -> str:
    return f"{item.step}|{item.key}"


class PlaybookScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    PlaybookScreen { align: center middle; }
    PlaybookScreen > #playbook-title { dock: top; height: auto; background: $panel; padding: 0 1; }
    PlaybookScreen > KeyedTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,p", "close", "Back", id="playbook.close"),
        Binding("space", "tick", "Tick/untick", id="playbook.tick"),
        Binding("j", "move('down')", "Down", show=False, id="playbook.down"),
        Binding("k", "move('up')", "Up", show=False, id="playbook.up"),
    ]

    def __init__(self, hub: IncidentHub, incident_id: int) -> None:
        super().__init__()
        self.hub = hub
        self.incident_id = incident_id
        self.checklist: Checklist | None = None
        self._pending: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static("", id="playbook-title")
        yield KeyedTable(("ticked", "section", "item"), id="playbook")
        yield Footer()

    def on_mount(self) -> None:
        assert self.hub.ledger is not None
        checklist = load_checklist(self.hub.ledger, self.incident_id)
        self.show(checklist)
        table = self.query_one(KeyedTable)
        table.focus()
        first = checklist.next_item() or checklist.items()[0]
        table.move_cursor_to_key(row_key(first))

    @property
    def table(self) -> KeyedTable:
        return self.query_one(KeyedTable)

    def show(self, checklist: Checklist) -> None:
        self.checklist = checklist
        done, total = checklist.progress()
        title = Text(end="")
        title.append(f"Playbook for #{self.incident_id}: {done}/{total} ticked", style="bold")
        title.append("   space/enter: tick or untick · esc: back", style="dim")
        self.query_one("#playbook-title", Static).update(title)
        # One heading row per step (not tickable) keeps the table narrow enough for 80 columns.
        rows: list[tuple[str, list[Cell]]] = []
        for number, step in enumerate(checklist.steps, 1):
            heading = Text(f"Step {number}: {step.title}", style="bold underline", end="")
            rows.append((f"step|{step.id}", [Text(f"{step.done}/{step.total}", style="bold", end=""), heading, ""]))
            for item in step.items:
                key = row_key(item)
                if key in self._pending:
                    mark = Text("… saving", style="italic", end="")
                elif item.ticked and item.tick is not None:
                    mark = Text(end="")
                    mark.append("☑ ", style="bold green")
                    mark.append_text(plain(f"{item.tick.actor[:10]} {item.tick.at:%H:%M}"))
                else:
                    mark = Text("☐", end="")
                rows.append((key, [mark, item.section, item.text]))
        self.table.set_rows(rows)

    def _item(self) -> ChecklistItem | None:
        key = self.table.selected_key
        if key is None or self.checklist is None:
            return None
        return next((i for i in self.checklist.items() if row_key(i) == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_tick()

    def action_tick(self) -> None:
        item = self._item()
        if item is None or row_key(item) in self._pending:
            return
        key, incident_id, ticked = row_key(item), self.incident_id, not item.ticked
        self._pending.add(key)
        assert self.checklist is not None
        self.show(self.checklist)

        def write(ledger: Ledger) -> Checklist:
            return tick_item(ledger, incident_id, item.step, item.key, ticked)

        def done(checklist: Checklist) -> None:
            self._pending.discard(key)
            if self.is_mounted:
                self.show(checklist)

        def failed(text: str) -> None:
            self._pending.discard(key)
            if self.is_mounted and self.checklist is not None:
                self.show(self.checklist)
            self.app.notify(f"Not ticked: {text}", severity="error", timeout=10, markup=False)

        self.hub.write(write, done, failed)

    def action_move(self, direction: str) -> None:
        """j/k: to the next or previous item, over the step headings."""
        table = self.table
        step = 1 if direction == "down" else -1
        row = table.cursor_row + step
        keys = table.displayed_keys
        while 0 <= row < len(keys) and keys[row].startswith("step|"):
            row += step
        if 0 <= row < len(keys):
            table.move_cursor(row=row)

    def action_close(self) -> None:
        self.dismiss(None)
