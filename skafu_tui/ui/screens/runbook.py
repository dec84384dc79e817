"""A recovery runbook as a checklist: start a run, tick its steps, finish it, export it as Markdown.

The screen shows the runbook's latest run (each run is kept in the ledger with who started,
ticked and finished it, and when). Writes are confirmed only after the ledger committed them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from skafu_tui.changes import progress, runbook_markdown, steps
from skafu_tui.ledger import Ledger, LedgerError, RunbookRun
from skafu_tui.output import write_atomic
from skafu_tui.procedures import DEFAULT_PROCEDURES, Procedures, Runbook
from skafu_tui.ui.incident_service import IncidentHub, hub_of
from widgets.keyed_table import Cell, KeyedTable
from widgets.text import plain

if TYPE_CHECKING:
    from collections.abc import Callable


class RunbookScreen(Screen[None]):
    DEFAULT_CSS = """
    RunbookScreen #runbook-header { height: auto; background: $panel; padding: 0 1; }
    RunbookScreen #runbook-steps { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="runbook.back"),
        Binding("s", "start", "Start run", id="runbook.start"),
        Binding("space", "tick", "Tick/untick", id="runbook.tick"),
        Binding("f", "finish", "Finish run", id="runbook.finish"),
        Binding("e", "export", "Export", id="runbook.export"),
        Binding("j", "move('down')", "Down", show=False, id="runbook.down"),
        Binding("k", "move('up')", "Up", show=False, id="runbook.up"),
    ]

    def __init__(self, runbook_id: str, procedures: Procedures = DEFAULT_PROCEDURES) -> None:
        super().__init__()
        found = procedures.runbook(runbook_id)
        if found is None:
            raise LookupError(f"no runbook {runbook_id!r}")
        self.runbook: Runbook = found
        self.run: RunbookRun | None = None
        self._pending: set[str] = set()
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Static("", id="runbook-header")
        yield KeyedTable(("#", "done", "step", "ticked by"), id="runbook-steps", name="steps")
        yield Footer()

    @property
    def hub(self) -> IncidentHub | None:
        return hub_of(self.app)

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None)
        return clock() if callable(clock) else datetime.now().astimezone()

    def on_mount(self) -> None:
        hub = self.hub
        if hub is not None and hub.ledger is not None:
            try:
                runs = hub.ledger.runbook_runs(self.runbook.id)
            except LedgerError as error:
                self.app.notify(f"Runbook runs not readable: {error}", severity="error", markup=False)
                runs = []
            self.run = runs[0] if runs else None
        self.draw()
        self.query_one(KeyedTable).focus()

    def draw(self) -> None:
        run = self.run
        text = Text(f"Runbook: {self.runbook.title}", style="bold", end="")
        text.append(f" ({self.runbook.area}) — {progress(self.runbook, run)}")
        if run is not None:
            text.append_text(plain(f" — run #{run.id} started {run.started_at:%Y-%m-%d %H:%M} UTC by {run.started_by}"))
        text.append("\n")
        hint = "s: start a run" if run is None or run.finished_at is not None else "space: tick · f: finish"
        text.append(f"{hint} · e: export Markdown · esc: back", style="dim")
        self.query_one("#runbook-header", Static).update(text)
        rows: list[tuple[str, list[Cell]]] = []
        for number, state in enumerate(steps(self.runbook, run), 1):
            if state.item.id in self._pending:
                mark = Text("… saving", style="italic", end="")
            elif state.done:
                mark = Text("☑ done", style="bold green", end="")
            else:
                mark = Text("☐", end="")
            who = f"{state.tick.actor} {state.tick.at:%H:%M:%S}" if state.tick is not None and state.done else ""
            rows.append((state.item.id, [str(number), mark, state.item.text, who]))
        self.query_one(KeyedTable).set_rows(rows)

    # --- writes -----------------------------------------------------------------------------

    def _write(self, action: Callable[[Ledger], RunbookRun], what: str, key: str = "") -> None:
        hub = self.hub
        if hub is None or hub.ledger is None:
            self.app.notify("The ledger is not open: nothing can be saved", severity="error", timeout=8)
            return
        self._busy = True

        def done(run: RunbookRun) -> None:
            self._busy = False
            self._pending.discard(key)
            self.run = run
            if self.is_mounted:
                self.draw()

        def failed(text: str) -> None:
            self._busy = False
            self._pending.discard(key)
            if self.is_mounted:
                self.draw()
            self.app.notify(f"Not saved ({what}): {text}", severity="error", timeout=10, markup=False)

        hub.write(action, done, failed)

    def _active(self) -> RunbookRun | None:
        run = self.run
        return run if run is not None and run.finished_at is None else None

    def action_start(self) -> None:
        if self._busy:
            return
        if self._active() is not None:
            self.app.notify("A run is in progress: finish it (f) before starting another", timeout=5)
            return
        runbook_id = self.runbook.id
        self._write(lambda ledger: ledger.start_runbook(runbook_id), "start")

    def action_tick(self) -> None:
        run = self._active()
        key = self.query_one(KeyedTable).selected_key
        if self._busy or key is None:
            return
        if run is None:
            self.app.notify("Start a run first (s)", timeout=4)
            return
        current = next((s for s in steps(self.runbook, run) if s.item.id == key), None)
        ticked = not (current is not None and current.done)
        run_id = run.id
        self._pending.add(key)
        self.draw()
        self._write(lambda ledger: ledger.tick_runbook(run_id, key, ticked), "tick", key)

    def action_finish(self) -> None:
        run = self._active()
        if run is None or self._busy:
            return
        run_id = run.id
        self._write(lambda ledger: ledger.finish_runbook(run_id), "finish")

    def action_export(self) -> None:
        hub = self.hub
        directory = hub.export_dir if hub is not None else Path.cwd()
        suffix = f"-run{self.run.id}" if self.run is not None else ""
        path = directory / f"runbook-{self.runbook.id}{suffix}.md"
        try:
            write_atomic(path, runbook_markdown(self.runbook, self.run, now=self._now()))
        except OSError as error:
            self.app.notify(f"Not exported: {error.strerror or error}", severity="error", timeout=10, markup=False)
            return
        self.app.notify(f"Exported to {path}", title="Runbook", timeout=8, markup=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_tick()

    def action_move(self, direction: str) -> None:
        table = self.query_one(KeyedTable)
        (table.action_cursor_down if direction == "down" else table.action_cursor_up)()

    def action_back(self) -> None:
        self.app.pop_screen()
