"""Snapshots of the overview and health panes at 80x24 and 160x48 (recorded poll, frozen clock).

Regenerate after a deliberate change with
``pytest tests/ui/test_overview_snapshots.py --snapshot-update`` and look at the SVGs first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from skafu_tui.snapshot import Snapshot
from skafu_tui.ui.panes.health_plots import ServicePlots
from tests.ui.test_overview import drawn, wait_until
from widgets.plot import PlotextPlot

SIZES = [(80, 24), (160, 48)]


def _shown(snapshot: Snapshot, pane_id: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await drawn(app, pilot, snapshot, pane_id)
        # The incident counts arrive after the assessment; the plots build once plotext is loaded.
        await wait_until(pilot, lambda: app.incident_hub.view.assessment is app.assessment, "incident counts")
        if pane_id == "health":
            plots = list(app.query_one(ServicePlots).query(PlotextPlot))
            await wait_until(pilot, lambda: all(p.ready and p.render_count and "loading" not in p.plain
                                                for p in plots), "the plots")
        app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_overview_pane(snap_compare, make_app, recorded_snapshot, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=_shown(recorded_snapshot, "overview"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_health_pane(snap_compare, make_app, recorded_snapshot, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=_shown(recorded_snapshot, "health"))
