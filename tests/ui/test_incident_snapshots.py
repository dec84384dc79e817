"""Snapshots of the incident list and the P1's detail at 80x24 and 160x48 (recorded poll, frozen clock).

Regenerate after a deliberate change with ``pytest tests/ui/test_incident_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from skafu_tui.config import Config
from skafu_tui.snapshot import Snapshot
from skafu_tui.ui.screens.incident_detail import IncidentDetailScreen
from tests.ui.incident_helpers import MovableClock, fed, incident_app, p1, wait_for
from widgets.plot import PlotextPlot

SIZES = [(80, 24), (160, 48)]


def _app(cfg: Config, frozen_now: Any, tmp_path: Path) -> Any:
    return incident_app(cfg, tmp_path, MovableClock(frozen_now))


def _list(snapshot: Snapshot) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await fed(app, pilot, snapshot, until=lambda: p1(app) is not None)
        await pilot.press("6")
        app.clear_notifications()  # the new-incident banners would cover the list
        await pilot.pause()

    return run_before


def _detail(snapshot: Snapshot) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await fed(app, pilot, snapshot, until=lambda: p1(app) is not None)
        await pilot.press("6", "slash", *"api is", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "the detail screen")
        plots = list(app.screen.query(PlotextPlot))
        await wait_for(pilot, lambda: all(p.ready and "loading" not in p.plain for p in plots), "the plots")
        app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_incident_list(snap_compare, cfg, recorded_snapshot, frozen_now, tmp_path, size):
    assert snap_compare(_app(cfg, frozen_now, tmp_path), terminal_size=size, run_before=_list(recorded_snapshot))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_incident_detail(snap_compare, cfg, recorded_snapshot, frozen_now, tmp_path, size):
    assert snap_compare(_app(cfg, frozen_now, tmp_path), terminal_size=size, run_before=_detail(recorded_snapshot))
