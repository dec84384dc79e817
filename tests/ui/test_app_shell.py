"""The app shell: header, tabs, sources bar and pane switching over the recorded demo poll."""

from __future__ import annotations

from skafu_tui.ui.header import HeaderClock, SourcesBar, StatusHeader
from tests.ui.conftest import wait_for_data


async def test_header_shows_overall_status_account_and_clock(make_app, recorded_snapshot, frozen_now):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(recorded_snapshot)
        await wait_for_data(app, pilot)
        header = str(app.query_one(StatusHeader).render())
        assert app.assessment is not None
        overall = app.assessment.system.overall_status.value.upper()
        assert overall in header
        assert recorded_snapshot.account in header
        assert frozen_now.strftime("%H:%M:%S UTC") in str(app.query_one(HeaderClock).render())


async def test_sources_bar_counts_fresh_sources(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(recorded_snapshot)
        await wait_for_data(app, pilot)
        bar = str(app.query_one(SourcesBar).render())
        total = len(app.assessment.sources)
        fresh = sum(1 for s in app.assessment.sources if s.ok)
        assert f"sources {fresh}/{total} fresh" in bar


async def test_number_keys_switch_panes(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(recorded_snapshot)
        await wait_for_data(app, pilot)
        for key, pane in (("2", "health"), ("3", "security"), ("4", "cost"), ("5", "capacity"), ("1", "overview")):
            await pilot.press(key)
            assert app.active_pane == pane
            assert app.query_one(f"#{pane}").display
