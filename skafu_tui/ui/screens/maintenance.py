"""The maintenance calendar (`m`): the seed's recurring tasks due today and this week, tickable, and
the recovery runbooks an operator can start.

Overdue tasks come first, in words and bold red (``✖ OVERDUE``); then due today, due this week,
later in their period, and done (with who ticked them and when). ``space`` ticks or unticks the
task under the cursor for its current period; the mark changes only after the ledger committed it.
``enter`` on a runbook opens its checklist.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from skafu_tui.changes import DueTask, TaskStatus, calendar, history_start, progress, tracking_since
from skafu_tui.ledger import Ledger, LedgerError, MaintenanceTick, RunbookRun
from skafu_tui.procedures import DEFAULT_PROCEDURES, Procedures
from skafu_tui.ui.incident_service import IncidentHub, hub_of
from skafu_tui.ui.screens.change_format import cut
from widgets.keyed_table import Cell, KeyedTable
from widgets.text import plain

if TYPE_CHECKING:
    from skafu_tui.config import Config

STATUS_WORDS: dict[TaskStatus, tuple[str, str]] = {
    TaskStatus.OVERDUE: ("✖ OVERDUE", "bold red"),
    TaskStatus.DUE_TODAY: ("● due today", "bold"),
    TaskStatus.DUE_THIS_WEEK: ("◐ this week", ""),
    TaskStatus.LATER: ("○ later", "dim"),
    TaskStatus.DONE: ("✓ done", "green"),
}

Ticks = dict[tuple[str, date], MaintenanceTick]


def status_text(item: DueTask) -> Text:
    words, style = STATUS_WORDS[item.status]
    if item.status is TaskStatus.LATER:
        words = f"○ by {item.period_end:%m-%d}"
    return Text(words, style=style, end="")


class MaintenanceScreen(Screen[None]):
    DEFAULT_CSS = """
    MaintenanceScreen #maint-header { height: auto; background: $panel; padding: 0 1; }
    MaintenanceScreen #maint-tasks { height: 1fr; }
    MaintenanceScreen #maint-runbooks-title { height: 1; padding: 0 1; }
    MaintenanceScreen #maint-runbooks { height: auto; max-height: 6; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,m", "back", "Back", id="maintenance.back"),
        Binding("space", "tick", "Tick/untick", id="maintenance.tick"),
        Binding("tab", "focus_next", "Tasks/runbooks", show=False, id="maintenance.next"),
        Binding("j", "move('down')", "Down", show=False, id="maintenance.down"),
        Binding("k", "move('up')", "Up", show=False, id="maintenance.up"),
    ]

    def __init__(self, cfg: Config, procedures: Procedures = DEFAULT_PROCEDURES) -> None:
        super().__init__()
        self.cfg = cfg
        self.procedures = procedures
        self.items: list[DueTask] = []
        self.runs: dict[str, RunbookRun | None] = {}
        self._pending: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static("", id="maint-header")
        yield KeyedTable(("status", "every", "area", "task", "done by"), id="maint-tasks", name="tasks")
        yield Static(Text("Recovery runbooks   enter: open · start, tick and export there", style="bold", end=""),
                     id="maint-runbooks-title")
        yield KeyedTable(("runbook", "area", "state", "started"), id="maint-runbooks", name="runbooks")
        yield Footer()

    @property
    def hub(self) -> IncidentHub | None:
        return hub_of(self.app)

    def today(self) -> date:
        return self._now().date()

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None)
        return clock() if callable(clock) else datetime.now().astimezone()

    def on_mount(self) -> None:
        hub = self.hub
        if hub is not None:
            hub.listeners.append(self.reload)
        self.reload()
        self.query_one("#maint-tasks", KeyedTable).focus()

    def on_resize(self) -> None:
        if self.items:
            self._draw_tasks()

    def on_unmount(self) -> None:
        hub = self.hub
        if hub is not None and self.reload in hub.listeners:
            hub.listeners.remove(self.reload)

    # --- data -------------------------------------------------------------------------------

    def _ledger(self) -> Ledger | None:
        hub = self.hub
        return hub.ledger if hub is not None else None

    def reload(self) -> None:
        if not self.is_attached:
            return  # a listener call after the screen closed
        ledger = self._ledger()
        ticks: Ticks = {}
        runs: list[RunbookRun] = []
        problem = ""
        if ledger is None:
            hub = self.hub
            problem = (hub.problem if hub is not None else "") or "the ledger is not open: ticks cannot be saved"
        else:
            try:
                ticks = ledger.maintenance_ticks(since=history_start(self.today()))
                runs = ledger.runbook_runs()
            except LedgerError as error:
                problem = f"the ledger could not be read: {error}"
        self.show(ticks, runs, problem)

    def show(self, ticks: Ticks, runs: list[RunbookRun], problem: str = "") -> None:
        today = self.today()
        self.items = calendar(self.procedures.maintenance, ticks, today, tracking_since(ticks.values()))
        latest: dict[str, RunbookRun | None] = {r.id: None for r in self.procedures.runbooks}
        for run in runs:  # newest first
            if latest.get(run.runbook_id) is None:
                latest[run.runbook_id] = run
        self.runs = latest
        self._header(today, problem)
        self._draw_tasks()
        self._draw_runbooks()

    def _header(self, today: date, problem: str) -> None:
        counts = {status: sum(1 for i in self.items if i.status is status) for status in TaskStatus}
        text = Text(f"Maintenance calendar — {today:%A %Y-%m-%d}", style="bold", end="")
        text.append("   space: tick/untick", style="dim")
        text.append("\n")
        parts = [
            (f"{counts[TaskStatus.OVERDUE]} overdue", "bold red" if counts[TaskStatus.OVERDUE] else "dim"),
            (f"{counts[TaskStatus.DUE_TODAY]} due today", "bold"),
            (f"{counts[TaskStatus.DUE_THIS_WEEK]} due this week", ""),
            (f"{counts[TaskStatus.LATER]} later", "dim"),
            (f"{counts[TaskStatus.DONE]} done", "green"),
        ]
        for index, (words, style) in enumerate(parts):
            text.append(words, style=style)
            if index < len(parts) - 1:
                text.append(" · ")
        if problem:
            text.append("\n")
            text.append_text(plain(problem, "bold red"))
        self.query_one("#maint-header", Static).update(text)

    def _draw_tasks(self) -> None:
        rows: list[tuple[str, list[Cell]]] = []
        # Fit the screen (no sideways scrolling): status, cadence, area, padding and the scrollbar take ~41.
        width = self.size.width or 80
        who_w = 24 if width >= 120 else 14
        task_w = max(20, width - 41 - who_w)
        for item in self.items:
            mark = Text("… saving", style="italic", end="") if item.key in self._pending else status_text(item)
            who = f"{item.tick.actor} {item.tick.at:%m-%d %H:%M}" if item.tick is not None else ""
            task_style = "bold" if item.status is TaskStatus.OVERDUE else ""
            rows.append((item.key, [mark, item.task.cadence.value, item.task.area,
                                    plain(cut(item.task.text, task_w), task_style), cut(who, who_w)]))
        self.query_one("#maint-tasks", KeyedTable).set_rows(rows)

    def _draw_runbooks(self) -> None:
        rows: list[tuple[str, list[Cell]]] = []
        for runbook in self.procedures.runbooks:
            run = self.runs.get(runbook.id)
            started = f"{run.started_at:%m-%d %H:%M} {run.started_by}" if run is not None else ""
            rows.append((runbook.id, [runbook.title, runbook.area, progress(runbook, run), started]))
        self.query_one("#maint-runbooks", KeyedTable).set_rows(rows)

    # --- keys -------------------------------------------------------------------------------

    def action_tick(self) -> None:
        table = self.query_one("#maint-tasks", KeyedTable)
        key, hub = table.selected_key, self.hub
        item = next((i for i in self.items if i.key == key), None)
        if item is None or item.key in self._pending or not table.has_focus:
            return
        if hub is None or hub.ledger is None:
            self.app.notify("The ledger is not open: the tick cannot be saved", severity="error", timeout=8)
            return
        ticked = item.status is not TaskStatus.DONE
        task_id, due, since = item.task.id, item.period_start, history_start(self.today())
        self._pending.add(item.key)
        self._draw_tasks()

        def write(ledger: Ledger) -> tuple[Ticks, list[RunbookRun]]:
            ledger.tick_maintenance(task_id, due, ticked)
            return ledger.maintenance_ticks(since=since), ledger.runbook_runs()

        def done(result: tuple[Ticks, list[RunbookRun]]) -> None:
            self._pending.discard(item.key)
            if self.is_mounted:
                self.show(*result)

        def failed(text: str) -> None:
            self._pending.discard(item.key)
            if self.is_mounted:
                self._draw_tasks()
            self.app.notify(f"Not ticked: {text}", severity="error", timeout=10, markup=False)

        hub.write(write, done, failed)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "maint-runbooks" and event.row_key.value is not None:
            from skafu_tui.ui.screens.runbook import RunbookScreen

            self.app.push_screen(RunbookScreen(event.row_key.value, self.procedures))
        elif event.data_table.id == "maint-tasks":
            self.action_tick()

    def action_move(self, direction: str) -> None:
        focused = self.focused
        if isinstance(focused, KeyedTable):
            (focused.action_cursor_down if direction == "down" else focused.action_cursor_up)()

    def action_back(self) -> None:
        self.app.pop_screen()
