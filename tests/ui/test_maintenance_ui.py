"""The maintenance calendar (`m`): today's tasks ticked survive a restart, overdue ones stand out,
and a recovery runbook can be started, ticked and exported."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from rich.text import Text

from skafu_tui.changes import TaskStatus
from skafu_tui.config import Config
from skafu_tui.ledger import Ledger
from skafu_tui.procedures import DEFAULT_PROCEDURES, Cadence
from skafu_tui.ui.screens.maintenance import MaintenanceScreen
from skafu_tui.ui.screens.runbook import RunbookScreen
from tests.ui.conftest import FROZEN_NOW
from tests.ui.incident_helpers import incident_app, wait_for
from widgets.keyed_table import KeyedTable


def _files(directory: Path, pattern: str) -> list[str]:
    """The text of each file matching `pattern` (sync: the app has exited when this runs)."""
    return [path.read_text(encoding="utf-8") for path in sorted(directory.glob(pattern))]


async def _calendar(app, pilot) -> tuple[MaintenanceScreen, KeyedTable]:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: app.incident_hub.ledger is not None, "the ledger")
    await pilot.press("m")
    await wait_for(pilot, lambda: isinstance(app.screen, MaintenanceScreen), "the calendar")
    screen = app.screen
    assert isinstance(screen, MaintenanceScreen)
    table = screen.query_one("#maint-tasks", KeyedTable)
    await wait_for(pilot, lambda: table.row_count > 0, "the task rows")
    return screen, table


async def test_todays_tasks_are_ticked_and_survive_a_restart(cfg: Config, tmp_path: Path) -> None:
    today = FROZEN_NOW.date()
    app = incident_app(cfg, tmp_path, lambda: FROZEN_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, table = await _calendar(app, pilot)
        due_today = [i for i in screen.items if i.status is TaskStatus.DUE_TODAY]
        daily = {t.id for t in DEFAULT_PROCEDURES.maintenance if t.cadence is Cadence.DAILY}
        assert daily <= {i.task.id for i in due_today}  # every daily task is due today
        target = due_today[0]
        assert table.selected_key == target.key  # nothing overdue on a fresh ledger: due today leads
        await pilot.press("space")
        ledger = app.incident_hub.ledger
        assert ledger is not None
        await wait_for(pilot, lambda: (target.task.id, today) in ledger.maintenance_ticks(), "the saved tick")
        await wait_for(pilot, lambda: table.row_text(target.key)[0] == "✓ done", "the tick shown")
        assert ledger.actor in table.row_text(target.key)[4]
    # A new app on the same state dir: the tick is still there, with who and when.
    again = incident_app(cfg, tmp_path, lambda: FROZEN_NOW + timedelta(minutes=5))
    async with again.run_test(size=(100, 30)) as pilot:
        screen, table = await _calendar(again, pilot)
        item = next(i for i in screen.items if i.key == target.key)
        assert item.status is TaskStatus.DONE and item.tick is not None
        assert f"{item.tick.at:%m-%d %H:%M}" == f"{FROZEN_NOW:%m-%d %H:%M}"
        assert table.row_text(target.key)[0] == "✓ done"


async def test_tasks_missed_yesterday_are_overdue_and_stand_out(cfg: Config, tmp_path: Path) -> None:
    yesterday = FROZEN_NOW - timedelta(days=1)
    daily = [t for t in DEFAULT_PROCEDURES.maintenance if t.cadence is Cadence.DAILY]
    with Ledger.open(tmp_path / "ledger.sqlite3", actor="night-shift") as ledger:
        ledger.tick_maintenance(daily[0].id, yesterday.date(), at=yesterday)
    app = incident_app(cfg, tmp_path, lambda: FROZEN_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, table = await _calendar(app, pilot)
        overdue = [i for i in screen.items if i.status is TaskStatus.OVERDUE]
        assert {i.task.id for i in overdue} == {t.id for t in daily[1:]}
        # First in the list, in words, bold red.
        assert table.displayed_keys[: len(overdue)] == [i.key for i in overdue]
        cell = table.get_row(overdue[0].key)[0]
        assert isinstance(cell, Text) and cell.plain == "✖ OVERDUE" and "red" in str(cell.style)
        assert f"{len(overdue)} overdue" in str(screen.query_one("#maint-header").render())


async def test_a_runbook_is_started_ticked_and_exported(cfg: Config, tmp_path: Path) -> None:
    runbook = DEFAULT_PROCEDURES.runbooks[0]
    app = incident_app(cfg, tmp_path, lambda: FROZEN_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, _ = await _calendar(app, pilot)
        runbooks = screen.query_one("#maint-runbooks", KeyedTable)
        runbooks.focus()
        assert runbooks.selected_key == runbook.id
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen), "the runbook")
        run_screen = app.screen
        assert isinstance(run_screen, RunbookScreen)
        await pilot.press("s")
        await wait_for(pilot, lambda: run_screen.run is not None, "the started run")
        await pilot.press("space")
        steps = run_screen.query_one(KeyedTable)
        await wait_for(pilot, lambda: steps.row_text(runbook.steps[0].id)[1] == "☑ done", "the ticked step")
        await pilot.press("e")
    [text] = _files(tmp_path, f"runbook-{runbook.id}-run*.md")
    assert f"1. [x] {runbook.steps[0].text}" in text and f"2. [ ] {runbook.steps[1].text}" in text
