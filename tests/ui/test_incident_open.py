"""Opening incidents from the list: the detail is ready before `enter` (composed once, content
prepared for the row under the cursor), and one screen shows incident after incident correctly."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from skafu_tui.ledger import Ledger
from skafu_tui.ledger_cli import LEDGER_FILE
from skafu_tui.ui.gc_hold import MAX_HOLD_S, gc_held
from skafu_tui.ui.panes.incidents import IncidentsPane
from skafu_tui.ui.screens.incident_detail import SCREEN_NAME, IncidentDetailScreen
from tests.ui.incident_helpers import P1_SERVICE, MovableClock, fed, incident_app, p1, static_text, wait_for
from widgets.keyed_table import KeyedTable
from widgets.plot import PlotextPlot


def _other(app: Any) -> Any:
    """An incident of another single service than the P1's (the recorded poll has a degraded one)."""
    return next(i for i in app.incident_hub.view.incidents if len(i.services) == 1 and i.services[0] != P1_SERVICE)


async def _open(app: Any, pilot: Any, incident_id: int) -> IncidentDetailScreen:
    table = app.query_one(IncidentsPane).table
    assert table.move_cursor_to_key(str(incident_id))
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen) and app.screen.painted, "the detail")
    return app.screen  # type: ignore[no-any-return]


async def _back(app: Any, pilot: Any) -> None:
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, IncidentDetailScreen), "the list")


async def test_the_detail_screen_is_ready_before_the_first_enter_and_the_list_keeps_the_keys(
    cfg, recorded_snapshot, frozen_now, tmp_path
):
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(120, 40)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        await pilot.press("6")
        table = app.query_one(IncidentsPane).table
        await wait_for(pilot, lambda: app.is_screen_installed(SCREEN_NAME) and app.get_screen(SCREEN_NAME).is_mounted,
                       "the detail screen composed")
        # Composed off screen: the list is still what is shown, focused, its cursor where it was.
        assert not isinstance(app.screen, IncidentDetailScreen)
        assert app.focused is table and table.cursor_row == 0
        await pilot.press("j")
        assert table.cursor_row == 1
        second = table.selected_key
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "the detail")
        assert static_text(app, "#detail-header").startswith(f"#{second} ")


async def test_one_incident_after_another_each_shows_its_own_content(cfg, recorded_snapshot, frozen_now, tmp_path):
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(120, 40)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        first, other = p1(app), _other(app)
        assert first is not None
        await pilot.press("6")

        detail = await _open(app, pilot, first.id)
        assert static_text(app, "#detail-header").startswith(f"#{first.id} ")
        changes = detail.query_one("#detail-changes", KeyedTable)
        assert len(changes.displayed_keys) > 1
        await pilot.press("tab", "j")  # the operator moves down the changes of the first incident
        assert changes.cursor_row == 1
        await _back(app, pilot)

        detail = await _open(app, pilot, other.id)
        header = static_text(app, "#detail-header")
        assert header.startswith(f"#{other.id} ") and other.title in header
        services = static_text(app, "#detail-services")
        assert other.services[0] in services and P1_SERVICE not in services
        # Another incident's changes start at the top; its plots are titled with its own service.
        if changes.displayed_keys:
            assert changes.cursor_row == 0
        plots = list(detail.query(PlotextPlot))
        if detail.query_one("#detail-plots").display:
            assert all(other.services[0] in p.title for p in plots if p.title)
            assert not any(P1_SERVICE in p.title for p in plots)
        await _back(app, pilot)

        await _open(app, pilot, first.id)
        assert static_text(app, "#detail-header").startswith(f"#{first.id} ")
        assert P1_SERVICE in static_text(app, "#detail-services")


async def test_enter_shows_the_prepared_incident_without_reading_it_and_a_later_write_is_shown(
    cfg, recorded_snapshot, frozen_now, tmp_path: Path
):
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(120, 40)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        hub, other = app.incident_hub, _other(app)
        ledger = hub.ledger
        assert ledger is not None
        await pilot.press("6")
        table = app.query_one(IncidentsPane).table
        table.move_cursor_to_key(str(other.id))
        await wait_for(pilot, lambda: hub.detail_cache.prepared(hub, other.id), "the incident prepared")

        # `enter` takes the prepared content: no incident, timeline or checklist read on the keypress.
        reads: list[str] = []
        for name in ("incident", "timeline", "checklist"):
            method = getattr(ledger, name)
            setattr(ledger, name, lambda *a, _m=method, _n=name, **k: reads.append(_n) or _m(*a, **k))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "the detail")
        assert static_text(app, "#detail-header").startswith(f"#{other.id} ")
        assert reads == []
        await _back(app, pilot)

        # Another instance acknowledges after it was prepared: the detail shows the acknowledgement.
        await wait_for(pilot, lambda: hub.detail_cache.prepared(hub, other.id), "the incident prepared again")
        with Ledger.open(tmp_path / LEDGER_FILE, actor="bob") as elsewhere:
            elsewhere.acknowledge(other.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "the detail")
        assert "acknowledged: bob at" in static_text(app, "#detail-header")


async def test_the_collector_is_held_only_until_the_answer_is_painted(cfg, recorded_snapshot, frozen_now, tmp_path):
    assert gc.isenabled()
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(120, 40)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        await pilot.press("6")
        for key in ("enter", "escape", "enter"):
            await pilot.press(key)
            # Back on once the frame answering the key is out (well before the hold's upper bound).
            await wait_for(pilot, lambda: gc.isenabled() and not gc_held(), f"the collector back on after {key}",
                           timeout=MAX_HOLD_S)
        assert isinstance(app.screen, IncidentDetailScreen)
        await pilot.press("escape")
    # Closing the app in the middle of a hold gives the collector back too.
    assert gc.isenabled() and not gc_held()
