"""Snapshots of the change list and the change detail at 80x24 and 160x48 (recorded poll, frozen
clock, a fresh ledger). Regenerate after a deliberate change with ``--snapshot-update`` and look at
the SVGs before committing them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from skafu_tui.config import Config
from skafu_tui.snapshot import Snapshot
from skafu_tui.ui.panes.changes import ChangesPane
from skafu_tui.ui.screens.change_detail import ChangeDetailScreen
from tests.ui.conftest import FROZEN_NOW
from tests.ui.incident_helpers import deploy_event, fed, incident_app, p1, wait_for
from widgets.plot import PlotextPlot

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (160, 48)]


async def show_changes(pilot: Pilot[Any], snapshot: Snapshot) -> ChangesPane:
    app: Any = pilot.app
    await fed(app, pilot, snapshot, until=lambda: p1(app) is not None)
    await pilot.press("7")
    pane = app.query_one(ChangesPane)
    await wait_for(pilot, lambda: pane.table.row_count > 0, "the change rows")
    app.clear_notifications()  # the new-incident banners are the incident screens' to pin
    await pilot.pause()
    return pane


async def show_detail(pilot: Pilot[Any], snapshot: Snapshot) -> None:
    pane = await show_changes(pilot, snapshot)
    pane.table.move_cursor_to_key(deploy_event(snapshot).id)
    await pilot.press("enter")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ChangeDetailScreen), "the change detail")
    await wait_for(pilot, lambda: all(p.ready for p in app.screen.query(PlotextPlot)), "plotext")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_change_list(
    snap_compare: SnapCompare, cfg: Config, recorded_snapshot: Snapshot, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = incident_app(cfg, tmp_path, lambda: FROZEN_NOW)

    async def before(pilot: Pilot[Any]) -> None:
        await show_changes(pilot, recorded_snapshot)

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_change_detail(
    snap_compare: SnapCompare, cfg: Config, recorded_snapshot: Snapshot, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = incident_app(cfg, tmp_path, lambda: FROZEN_NOW)

    async def before(pilot: Pilot[Any]) -> None:
        await show_detail(pilot, recorded_snapshot)

    assert snap_compare(app, terminal_size=size, run_before=before)
