"""Alerting, hostile text, the ledger's problems and the list's keys, over the recorded demo poll."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from skafu_tui.ledger_cli import LEDGER_FILE
from skafu_tui.snapshot_io import shifted
from skafu_tui.ui.incident_bench import loaded_snapshot
from skafu_tui.ui.incident_service import MAX_BANNERS
from skafu_tui.ui.panes.incidents import IncidentsPane
from skafu_tui.ui.panes.overview import OverviewPane
from skafu_tui.ui.screens.confirm import ConfirmScreen
from skafu_tui.ui.screens.incident_detail import IncidentDetailScreen
from skafu_tui.windows import window_state
from tests.ui.incident_helpers import (
    HOSTILE,
    P1_SERVICE,
    MovableClock,
    fed,
    incident_app,
    incident_by_key,
    p1,
    static_text,
    wait_for,
    with_hostile_finding,
)
from widgets.keyed_table import KeyedTable


def bell_worthy(app) -> list:
    classes = app.cfg.incidents.classes
    return [i for i in app.incident_hub.view.incidents if i.is_open and classes[i.incident_class].bell]


def moved_aside(directory: Path) -> list[Path]:
    return list(directory.glob(f"{LEDGER_FILE}.corrupt-*"))


def banners(app) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


async def test_bell_and_banner_once_per_new_bell_worthy_incident(cfg, recorded_snapshot, frozen_now, tmp_path,
                                                                  monkeypatch):
    clock = MovableClock(frozen_now)
    app = incident_app(cfg, tmp_path, clock)
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        worthy = bell_worthy(app)
        assert p1(app) in worthy
        assert len(bells) == len(worthy)
        p1_banners = [b for b in banners(app) if b[0] == "New P1 incident"]
        assert len(p1_banners) == 1 and P1_SERVICE in p1_banners[0][1]
        # The next poll with the same signals: no new bell, no new banner.
        clock.now = frozen_now + timedelta(minutes=1)
        await fed(app, pilot, shifted(recorded_snapshot, timedelta(minutes=1)))
        assert len(bells) == len(worthy)
        assert len([b for b in banners(app) if b[0] == "New P1 incident"]) == 1


async def test_bell_is_muted_in_a_maintenance_window_but_the_banner_shows(cfg, recorded_snapshot, frozen_now,
                                                                          tmp_path, monkeypatch):
    state = window_state(cfg, frozen_now)
    assert state is not None and state.next_opens_at is not None and not cfg.incidents.bell_in_maintenance_window
    inside = state.next_opens_at + timedelta(minutes=30)
    app = incident_app(cfg, tmp_path, MovableClock(inside))
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await fed(app, pilot, shifted(recorded_snapshot, inside - frozen_now), until=lambda: p1(app) is not None)
        assert bells == []
        p1_banner = next(b for b in banners(app) if b[0] == "New P1 incident")
        assert "bell muted: maintenance window" in p1_banner[1]


async def test_hostile_text_shows_literally_in_list_detail_and_banner(cfg, recorded_snapshot, frozen_now, tmp_path):
    resource = next(s for s in cfg.services if s.name == P1_SERVICE).lambda_functions[0]
    snapshot = with_hostile_finding(recorded_snapshot, resource)
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await fed(app, pilot, snapshot, until=lambda: incident_by_key(app, "finding:hostile-1") is not None)
        hostile = incident_by_key(app, "finding:hostile-1")
        assert hostile is not None
        await pilot.press("6")
        row = " ".join(app.query_one("#incidents-table", KeyedTable).row_text(str(hostile.id)))
        assert "[bold red]PWNED" in row and "\x1b" not in row and "\u202e" not in row

        # The P1's detail lists the finding on its Lambda function, every field literal.
        await pilot.press("slash", *"api is", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "the detail screen")
        related = static_text(app, "#detail-related")
        literal = HOSTILE.replace("\x1b", "␛").replace("\u202e", "<U+202E>").replace("\u200b", "<U+200B>")
        assert f"title {literal}" in related
        assert "[link=https://evil.example]click[/link]" in related and "[@click=app.quit]q[/]" in related
        assert "\x1b" not in related and "\u202e" not in related
        assert "more characters" in related  # the 100 KB description is cut, visibly
        await pilot.press("escape")
        assert app.is_running
        # The banner for it (a P0: credentials) shows the title literally, with markup off.
        banner = next(n for n in app._notifications if "PWNED" in n.message)
        assert "[bold red]PWNED[/]" in banner.message and not banner.markup and "\x1b" not in banner.message


async def test_quit_asks_while_incidents_are_unacknowledged(cfg, recorded_snapshot, frozen_now, tmp_path):
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(120, 40)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        open_unacked = [i for i in app.incident_hub.view.incidents if i.is_open and not i.acknowledged]
        assert app.unacknowledged() == len(open_unacked) > 0
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        assert f"{len(open_unacked)} open incident(s)" in app.screen.question
        await pilot.press("n")


async def test_sort_key_cycles_and_class_order_puts_the_most_severe_first(cfg, recorded_snapshot, frozen_now,
                                                                           tmp_path):
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(120, 40)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        await pilot.press("6", "o")
        pane = app.query_one(IncidentsPane)
        assert pane.sort == "class"
        table = pane.query_one("#incidents-table", KeyedTable)
        classes = [table.row_text(key)[0].split()[-1] for key in table.displayed_keys]
        assert classes == sorted(classes)
        assert "sort: class" in static_text(app, "#incidents-title")


async def test_overview_gets_open_incident_counts_by_class(cfg, recorded_snapshot, frozen_now, tmp_path,
                                                           monkeypatch):
    seen: list[dict[str, int]] = []
    monkeypatch.setattr(OverviewPane, "show_incidents", lambda self, counts: seen.append(counts), raising=False)
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(120, 40)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        await wait_for(pilot, lambda: seen and seen[-1].get("P1"), "counts for the overview")
        expected: dict[str, int] = dict.fromkeys(cfg.incidents.ordered_classes(), 0)
        for incident in app.incident_hub.view.incidents:
            expected[incident.incident_class] += incident.is_open
        assert seen[-1] == expected


@pytest.mark.parametrize("broken", ["garbage", "not-a-dir"])
async def test_a_ledger_problem_is_shown_in_words(cfg, frozen_now, tmp_path: Path, broken):
    if broken == "garbage":
        (tmp_path / LEDGER_FILE).write_text("this is not a database")
        state = tmp_path
    else:
        state = tmp_path / "file"
        state.write_text("a file where the state dir should be")
    app = incident_app(cfg, state, MovableClock(frozen_now))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        shown = banners(app)
        if broken == "garbage":
            assert any(t == "Ledger moved aside" and "not a SQLite database" in m for t, m in shown)
            assert moved_aside(tmp_path)
            assert app.incident_hub.ledger is not None
        else:
            assert any(t == "Ledger unavailable" and "Incidents are not recorded" in m for t, m in shown)
            await pilot.press("6")
            assert "Incidents are not recorded" in static_text(app, "#incidents-title")


async def test_a_burst_of_bell_worthy_incidents_ends_in_one_summary_banner(cfg, recorded_snapshot, frozen_now,
                                                                           tmp_path, monkeypatch):
    burst = loaded_snapshot(recorded_snapshot, cfg, incidents=20, findings=20)
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await fed(app, pilot, burst, until=lambda: len(bell_worthy(app)) > MAX_BANNERS)
        await pilot.pause()
        new = [b for b in banners(app) if b[0].startswith("New ")]
        summary = [b for b in banners(app) if b[0] == "More new incidents"]
        assert len(new) == MAX_BANNERS - 1 and len(bells) == MAX_BANNERS
        assert len(summary) == 1 and f"and {len(bell_worthy(app)) - (MAX_BANNERS - 1)} more" in summary[0][1]
