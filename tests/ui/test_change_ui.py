"""The change list and detail over the recorded demo poll: the deployment before the P1 is in the
feed and linked both ways, the out-of-window security-group change is flagged, categories and
checklist ticks go to the ledger.

Truth comes from the scenario (deployer, event name, P1 service, SG changer) and from config
(maintenance windows, categories); the recorded poll is the scenario at a Tuesday afternoon.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from skafu_tui.changes import changes_before, link_window
from skafu_tui.config import Config
from skafu_tui.demo.scenario_model import SG_CHANGER
from skafu_tui.snapshot import Snapshot
from skafu_tui.ui.panes.changes import ChangesPane
from skafu_tui.ui.screens.change_detail import ChangeDetailScreen
from skafu_tui.ui.screens.change_handover import HandoverScreen
from tests.ui.conftest import FROZEN_NOW
from tests.ui.incident_helpers import (
    DEPLOYER,
    P1_SERVICE,
    deploy_event,
    fed,
    incident_app,
    p1,
    static_text,
    wait_for,
)
from widgets.keyed_table import KeyedTable


def _files(directory: Path, pattern: str) -> list[str]:
    """The text of each file matching `pattern` (sync: the app has exited when this runs)."""
    return [path.read_text(encoding="utf-8") for path in sorted(directory.glob(pattern))]


def _cells(table: KeyedTable, key: str) -> dict[str, str]:
    return dict(zip(["time", "kind", "service", "resource", "who", "category", "window"], table.row_text(key),
                    strict=True))


async def _changes_pane(app, pilot, snapshot: Snapshot) -> ChangesPane:  # type: ignore[no-untyped-def]
    await fed(app, pilot, snapshot, until=lambda: p1(app) is not None)
    await pilot.press("7")
    pane = app.query_one(ChangesPane)
    await wait_for(pilot, lambda: pane.table.row_count > 0, "the change rows")
    return pane


async def test_the_deployment_before_the_p1_is_in_the_feed_and_linked_both_ways(
    cfg: Config, recorded_snapshot: Snapshot, tmp_path: Path
) -> None:
    deploy = deploy_event(recorded_snapshot)
    app = incident_app(cfg, tmp_path, lambda: FROZEN_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await _changes_pane(app, pilot, recorded_snapshot)
        change = next(c for c in pane.changes if c.id == deploy.id)
        assert (change.kind, change.service, change.who) == ("deployment", P1_SERVICE, DEPLOYER)
        row = _cells(pane.table, deploy.id)  # cut with "…" to the pane's width
        assert row["kind"] == "deployment" and P1_SERVICE.startswith(row["service"].rstrip("…"))
        incident = p1(app)
        assert incident is not None
        # incident → change: the deploy is among the changes before the P1's start that share its
        # service, and those rank before changes that merely precede it.
        window = link_window(cfg.changes.link_window_minutes)
        before = changes_before(incident, pane.changes, window)
        same = [link.change.id for link in before if P1_SERVICE in link.shared_services]
        assert deploy.id in same
        assert [link.change.id for link in before[: len(same)]] == same
        # change → incident: the detail screen lists the P1 among the incidents after the deploy.
        assert pane.table.move_cursor_to_key(deploy.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangeDetailScreen), "the change detail")
        linked = app.screen.query_one("#change-incidents", KeyedTable)
        await wait_for(pilot, lambda: str(incident.id) in linked.source_keys, "the linked P1")
        assert P1_SERVICE in " ".join(linked.row_text(str(incident.id)))
        header = static_text(app, "#change-header")
        assert "lambda:UpdateFunctionCode" in header and DEPLOYER in header
        # enter on the linked incident opens its drill-down.
        linked.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "IncidentDetailScreen", "the incident detail")


async def test_the_security_group_change_outside_the_window_is_flagged(
    cfg: Config, recorded_snapshot: Snapshot, tmp_path: Path
) -> None:
    sg = next(e for e in recorded_snapshot.trail_events if e.username == SG_CHANGER)
    app = incident_app(cfg, tmp_path, lambda: FROZEN_NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await _changes_pane(app, pilot, recorded_snapshot)
        assert not any(w.is_open(sg.at) for w in cfg.windows_for(cfg.changes.environment))
        row = _cells(pane.table, sg.id)
        assert row["kind"] == "access" and row["window"] == "✗ outside"
        change = next(c for c in pane.changes if c.id == sg.id)
        assert change.flagged and change.finding
        title = static_text(app, "#changes-title")
        assert f"{sum(1 for c in pane.changes if c.flagged)} outside a maintenance window" in title
        # `/` filters the list to the rows mentioning the text; escape clears it.
        await pilot.press("slash", *SG_CHANGER.split(".")[0])
        await wait_for(pilot, lambda: pane.table.displayed_keys == [sg.id], "the filtered list")
        assert "[filter:" in static_text(app, "#changes-title")
        await pilot.press("enter", "escape")
        await wait_for(pilot, lambda: len(pane.table.displayed_keys) == len(pane.changes), "the whole list")
        # `o` cycles the sort: kind puts the access change before the deployments.
        await pilot.press("o", "o")
        await wait_for(pilot, lambda: pane.sort == "kind", "sort by kind")
        assert pane.table.displayed_keys[0] == sg.id


async def test_setting_a_category_and_ticking_the_checklist_are_saved(
    cfg: Config, recorded_snapshot: Snapshot, tmp_path: Path
) -> None:
    deploy = deploy_event(recorded_snapshot)
    app = incident_app(cfg, tmp_path, lambda: FROZEN_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await _changes_pane(app, pilot, recorded_snapshot)
        pane.table.move_cursor_to_key(deploy.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangeDetailScreen), "the change detail")
        await pilot.press("g")
        await wait_for(pilot, lambda: bool(app.screen.query(OptionList)), "the category dialog")
        names = list(cfg.changes.categories)
        app.screen.query_one(OptionList).highlighted = names.index("emergency")
        app.screen.query_one(Input).focus()
        await pilot.press("enter")  # no reason yet: refused in words, nothing saved, the dialog stays
        ledger = app.incident_hub.ledger
        assert ledger is not None
        error = app.screen.query_one("#dialog-error")
        await wait_for(pilot, lambda: "give a reason (it is recorded with the category)" in str(error.render()),
                       "the refusal")
        assert ledger.change_override(deploy.id) is None and app.screen.query(OptionList)
        await pilot.press(*"rollback hotfix", "enter")
        await wait_for(pilot, lambda: ledger.change_override(deploy.id) is not None, "the saved category")
        detail = app.screen
        assert isinstance(detail, ChangeDetailScreen)
        await wait_for(pilot, lambda: "emergency ✎" in static_text(app, "#change-header"), "the new category")
        assert "rollback hotfix" in static_text(app, "#change-facts")
        # The first deployment coordination item (pre-deployment) ticked: saved with who.
        checklist = app.screen.query_one("#change-checklist", KeyedTable)
        checklist.focus()
        first = checklist.selected_key
        assert first is not None and first.startswith("pre|")
        await pilot.press("space")
        await wait_for(pilot, lambda: ledger.deployment_ticks(deploy.id), "the checklist tick")
        await wait_for(pilot, lambda: checklist.row_text(first)[0] == "☑ done", "the tick shown")
        assert ledger.actor in checklist.row_text(first)[3]
        await pilot.press("escape")
        await wait_for(pilot, lambda: _cells(pane.table, deploy.id)["category"] == "emergency ✎", "list category")


async def test_handover_screen_covers_the_shift(cfg: Config, recorded_snapshot: Snapshot, tmp_path: Path) -> None:
    deploy = deploy_event(recorded_snapshot)
    app = incident_app(cfg, tmp_path, lambda: FROZEN_NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen), "the handover screen")
        text = static_text(app, "#handover-text")
        incident = p1(app)
        assert incident is not None and f"#{incident.id} {incident.title}" in text
        assert f"{deploy.resources[0].resource_id} by {DEPLOYER}" in text
        assert "✗ outside" in text
        await pilot.press("e")
    exported = _files(tmp_path, "handover-*.md")
    assert len(exported) == 1 and "shift handover" in exported[0]
