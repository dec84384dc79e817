"""Every app-level key, driven through the pilot, asserting what the operator sees."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from skafu_tui.config import load_config
from skafu_tui.ui.app import SkafuApp
from skafu_tui.ui.header import StatusHeader
from skafu_tui.ui.keys import APP_BINDINGS
from skafu_tui.ui.screens.confirm import ConfirmScreen
from skafu_tui.ui.screens.help import HelpScreen
from skafu_tui.ui.screens.sources import SourcesScreen
from tests.ui.conftest import FROZEN_NOW, wait_for_data
from tests.ui.incident_helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]


def screen_text(app: SkafuApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("Static"))


async def test_p_pauses_and_the_header_says_so(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(recorded_snapshot)
        await wait_for_data(app, pilot)
        await pilot.press("p")
        assert "PAUSED" in str(app.query_one(StatusHeader).render())
        await pilot.press("p")
        assert "PAUSED" not in str(app.query_one(StatusHeader).render())


async def test_help_lists_every_app_key(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        app.feed(recorded_snapshot)
        await wait_for_data(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding in APP_BINDINGS:
            assert (binding.description or binding.action) in text, binding
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_s_lists_sources_with_state_and_age(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(recorded_snapshot)
        await wait_for_data(app, pilot)
        await pilot.press("s")
        # Under load the push can land a frame after the key: wait for it rather than race it.
        await wait_for(pilot, lambda: isinstance(app.screen, SourcesScreen), "the sources screen")
        from widgets.keyed_table import KeyedTable

        table = app.screen.query_one(KeyedTable)
        assert set(table.source_keys) == {s.name for s in app.assessment.sources}
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SourcesScreen), "back to the panes")


async def test_command_palette_offers_every_app_action(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(recorded_snapshot)
        await wait_for_data(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for binding in APP_BINDINGS:
            if binding.action != "command_palette":
                assert any(t.startswith(binding.description) for t in titles), binding.description
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")


async def test_q_asks_first_when_incidents_are_unacknowledged(cfg, recorded_snapshot, tmp_path):
    app = SkafuApp(cfg, None, clock=lambda: FROZEN_NOW, start_session=False, state_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(recorded_snapshot)
        await wait_for_data(app, pilot)
        # The incident engine runs on the assess thread and commits to SQLite: wait for it, bounded.
        for _ in range(400):
            if app.unacknowledged() > 0:
                break
            await pilot.pause(0.05)
        assert app.unacknowledged() > 0
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        assert f"{app.unacknowledged()} open incident" in screen_text(app)
        await pilot.press("n")
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.is_running


async def test_q_quits_at_once_with_nothing_unacknowledged(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_keys_are_remappable_in_config(tmp_path, recorded_snapshot):
    text = (ROOT / "config.yaml").read_text()
    (tmp_path / "c.yaml").write_text(text + '\nkeys:\n  pane.health: "f2"\n  pause: "ctrl+y"\n')
    cfg = load_config(tmp_path / "c.yaml").config
    app = SkafuApp(cfg, None, clock=lambda: FROZEN_NOW, start_session=False)
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(recorded_snapshot)
        await wait_for_data(app, pilot)
        await pilot.press("f2")
        assert app.active_pane == "health"
        await pilot.press("ctrl+y")
        assert "PAUSED" in str(app.query_one(StatusHeader).render())


async def test_t_switches_between_light_and_dark(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        before = app.theme
        await pilot.press("t")
        assert app.theme != before
        assert "light" in app.theme or "light" in before


async def test_every_key_holds_the_collector_until_its_frame_is_out(make_app, recorded_snapshot, monkeypatch):
    """A full collection (tens to hundreds of ms with a large state) never runs between a key and its
    frame: the app turns automatic collection off for each key and back on once the frame is out."""
    import gc

    import skafu_tui.ui.app as app_module
    from skafu_tui.ui.gc_hold import gc_held

    held_during: list[bool] = []
    original = app_module.hold_gc_until_painted

    def recording(node):  # type: ignore[no-untyped-def]
        original(node)
        held_during.append(not gc.isenabled())

    monkeypatch.setattr(app_module, "hold_gc_until_painted", recording)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(recorded_snapshot)
        await wait_for_data(app, pilot)
        for key in "2345":
            await pilot.press(key)
        assert len(held_during) >= 4 and all(held_during)
        # Back on once the last frame is out (and any hidden-pane warm-up, which pauses it, is done).
        await wait_for(pilot, lambda: not gc_held() and gc.isenabled(), "the collector back on")


async def _shown_with_data(app, pilot, snapshot):
    """The recorded Snapshot drawn; the panes' switcher (whose warm-up follows)."""
    from widgets.warm_switcher import WarmSwitcher

    app.feed(snapshot)
    await wait_for_data(app, pilot)
    return app.query_one(WarmSwitcher)


async def test_the_hidden_pane_warm_up_holds_off_full_collections_and_hands_them_back(make_app, recorded_snapshot):
    """The warm-up allocates a lot: full collections during it (35-200 ms each with a large state) would
    hold up a key pressed meanwhile. None can start while it runs; afterwards the collector's thresholds
    are as before and the start-up objects are frozen out of its sight."""
    import gc

    from skafu_tui.ui.idle_prep import NO_FULL_COLLECTION

    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        deck = await _shown_with_data(app, pilot, recorded_snapshot)
        held: list[bool] = []
        for _ in range(500):
            if deck.warm_ups:
                break
            if deck.slices:
                held.append(gc.get_threshold()[2] == NO_FULL_COLLECTION)
            await pilot.pause(0.005)
        assert deck.warm_ups >= 1 and held and all(held)
        await wait_for(pilot, lambda: gc.get_threshold() == before and not deck.warming, "the thresholds back")
        assert gc.get_freeze_count() > 0


async def test_quitting_during_a_warm_up_gives_the_collector_back(make_app, recorded_snapshot):
    import gc

    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        deck = await _shown_with_data(app, pilot, recorded_snapshot)
        for _ in range(5000):
            if deck.warming:
                break
            await pilot.pause(0.001)
        assert deck.warming and gc.get_threshold() != before  # the app closes in the middle of it
    assert gc.get_threshold() == before and gc.isenabled()
