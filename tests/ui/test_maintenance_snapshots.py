"""Snapshots of the maintenance calendar at 80x24 and 160x48: a ledger where one daily task was
done yesterday (so the others are overdue) and one weekly task is done this week."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from skafu_tui.config import Config
from skafu_tui.ledger import Ledger
from skafu_tui.procedures import DEFAULT_PROCEDURES, Cadence, period
from skafu_tui.ui.screens.maintenance import MaintenanceScreen
from tests.ui.conftest import FROZEN_NOW
from tests.ui.incident_helpers import incident_app, wait_for
from widgets.keyed_table import KeyedTable

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_maintenance_calendar(snap_compare: SnapCompare, cfg: Config, tmp_path: Path, size: tuple[int, int]) -> None:
    yesterday = FROZEN_NOW - timedelta(days=1)
    tasks = DEFAULT_PROCEDURES.maintenance
    daily = next(t for t in tasks if t.cadence is Cadence.DAILY)
    weekly = next(t for t in tasks if t.cadence is Cadence.WEEKLY)
    with Ledger.open(tmp_path / "ledger.sqlite3", actor="night-shift") as ledger:
        ledger.tick_maintenance(daily.id, yesterday.date(), at=yesterday)
        ledger.tick_maintenance(weekly.id, period(Cadence.WEEKLY, FROZEN_NOW.date())[0], at=yesterday)
    app = incident_app(cfg, tmp_path, lambda: FROZEN_NOW)

    async def before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: app.incident_hub.ledger is not None, "the ledger")
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MaintenanceScreen), "the calendar")
        table = app.screen.query_one("#maint-tasks", KeyedTable)
        await wait_for(pilot, lambda: table.row_count > 0, "the task rows")
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=before)
