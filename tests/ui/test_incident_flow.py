"""The issue's done-when path, driven with the keyboard over the recorded demo poll: the seeded P1
with its clocks, the drill-down, the deployment before it, playbook ticks, the ack, a note, the
resolution once the service recovered, the review and its export."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from skafu_tui.incidents.clocks import format_duration
from skafu_tui.ledger import Ledger, TimelineKind
from skafu_tui.ledger_cli import LEDGER_FILE
from skafu_tui.procedures import PLAYBOOK, REVIEW_AREAS, REVIEW_DUE
from skafu_tui.ui.panes.incidents import IncidentsPane
from skafu_tui.ui.screens.change_detail import ChangeDetailScreen
from skafu_tui.ui.screens.incident_detail import IncidentDetailScreen
from skafu_tui.ui.screens.incident_playbook import PlaybookScreen
from skafu_tui.ui.screens.incident_review import ReviewScreen
from tests.ui.incident_helpers import (
    P1_SERVICE,
    MovableClock,
    deploy_event,
    fed,
    incident_app,
    p1,
    recovered,
    static_text,
    wait_for,
)
from widgets.keyed_table import KeyedTable


async def test_seeded_p1_is_listed_with_its_class_and_clocks_from_config(cfg, recorded_snapshot, frozen_now, tmp_path):
    clock = MovableClock(frozen_now)
    app = incident_app(cfg, tmp_path, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        await pilot.press("6")
        assert app.active_pane == "incidents"
        incident = p1(app)
        assert incident is not None and incident.incident_class == "P1" and incident.services == (P1_SERVICE,)
        table = app.query_one("#incidents-table", KeyedTable)
        cells = table.row_text(str(incident.id))
        p1_class = cfg.incidents.classes["P1"]
        # Opened at this poll: each clock shows its full span from config, counting down.
        assert cells[0].endswith("P1")
        assert P1_SERVICE in cells[1] and P1_SERVICE in cells[2]
        assert cells[4] == f"{format_duration(timedelta(minutes=p1_class.response_minutes))} left"
        assert cells[5] == f"{format_duration(timedelta(minutes=p1_class.escalation_minutes))} left"
        assert "not yet" in cells[6]
        title = static_text(app, "#incidents-title")
        assert f"P1 {app.incident_hub.view.counts['P1']}" in title

        # 50 minutes on (no new poll), the response clock has counted down into its last quarter.
        clock.now = frozen_now + timedelta(minutes=50)
        left = format_duration(timedelta(minutes=p1_class.response_minutes - 50))
        await wait_for(pilot, lambda: table.row_text(str(incident.id))[4] == f"⚠ {left} left",
                       "the response clock to turn near")


async def test_whole_path_with_the_keyboard(cfg, recorded_snapshot, frozen_now, tmp_path: Path):
    clock = MovableClock(frozen_now)
    app = incident_app(cfg, tmp_path, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        incident = p1(app)
        assert incident is not None
        ledger = app.incident_hub.ledger
        assert ledger is not None

        # The list: filter to the P1 by its service and title, enter opens it.
        await pilot.press("6", "slash", *f"{P1_SERVICE} is", "enter")
        assert app.query_one(IncidentsPane).query_one("#incidents-table", KeyedTable).displayed_keys == [
            str(incident.id)
        ]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "the detail screen")
        header = static_text(app, "#detail-header")
        assert f"#{incident.id}" in header and "P1" in header and "OPEN" in header
        assert "response: 1h00m left" in header and "escalation: 2h00m left" in header

        # The deployment that preceded it is listed first among the changes, touching the service.
        deploy = deploy_event(recorded_snapshot)
        changes = app.screen.query_one("#detail-changes", KeyedTable)
        assert deploy.id in changes.displayed_keys[:3]
        assert deploy.username in changes.row_text(deploy.id)
        assert changes.row_text(deploy.id)[3].startswith("same service")
        # tab reaches the changes; enter on the deployment opens it in the change screen.
        await pilot.press("tab")
        for _ in range(len(changes.displayed_keys)):
            if changes.selected_key == deploy.id:
                break
            await pilot.press("j")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangeDetailScreen), "the change screen")
        assert app.screen.event_id == deploy.id
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "back to the detail")
        services = static_text(app, "#detail-services")
        assert P1_SERVICE in services and "UNHEALTHY" in services
        comms = static_text(app, "#detail-comms")
        for who in cfg.incidents.classes["P1"].stakeholders:
            assert who in comms

        # Playbook: tick the first two items; each tick is timestamped in the timeline.
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PlaybookScreen), "the playbook")
        await pilot.press("space", "j", "enter")
        await wait_for(pilot, lambda: sum(t.ticked for t in ledger.checklist(incident.id).values()) == 2,
                       "two ticks in the ledger")
        playbook = app.screen
        first = PLAYBOOK[0].items()[0]
        await wait_for(pilot, lambda: "2/" in static_text(app, "#playbook-title"), "the ticks on screen")
        mark = playbook.query_one(KeyedTable).row_text(f"detection|{first[0].id}.{first[1].id}")[0]
        assert mark.startswith("☑ " + ledger.actor[:10])
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "back to the detail")
        assert first[1].text in static_text(app, "#detail-timeline")

        # Acknowledge: the header says who, once the ledger has it.
        await pilot.press("a")
        await wait_for(pilot, lambda: "acknowledged: " + ledger.actor in static_text(app, "#detail-header"),
                       "the acknowledgement on screen")
        assert ledger.incident(incident.id).acknowledged_by == ledger.actor  # type: ignore[union-attr]

        # A two-line note with markup in it, saved with ctrl+s, shown literally in the timeline.
        await pilot.press("n")
        await pilot.press(*"[b]v42[/b]", "enter", *"ok")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen) and ledger.notes(incident.id),
                       "the note saved")
        assert ledger.notes(incident.id)[0].text == "[b]v42[/b]\nok"
        await wait_for(pilot, lambda: "[b]v42[/b]" in static_text(app, "#detail-timeline"),
                       "the note in the timeline")

        # The service recovers (rolled back); once clear for the configured time, the incident resolves.
        clear_for = timedelta(minutes=cfg.incidents.resolve_after_clear_minutes)
        clock.now = frozen_now + timedelta(minutes=1)
        await fed(app, pilot, recovered(recorded_snapshot, cfg, timedelta(minutes=1)),
                  until=lambda: p1(app) is not None and p1(app).cleared_at is not None)  # type: ignore[union-attr]
        assert p1(app).is_open  # type: ignore[union-attr]
        clock.now = frozen_now + timedelta(minutes=1) + clear_for
        await fed(app, pilot, recovered(recorded_snapshot, cfg, timedelta(minutes=1) + clear_for),
                  until=lambda: not p1(app).is_open)  # type: ignore[union-attr]
        await wait_for(pilot, lambda: "RESOLVED" in static_text(app, "#detail-header"), "resolved on screen")
        assert f"review: {format_duration(REVIEW_DUE)} left" in static_text(app, "#detail-header")

        # The review: answer the first question, add an action item.
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        await pilot.press(*"5xx alarm", "enter")
        question = REVIEW_AREAS[0].questions[0]
        await wait_for(pilot, lambda: any(a.question == question for a in ledger.review_answers(incident.id)),
                       "the answer saved")
        app.screen.query_one("#action-text").focus()
        await pilot.press(*"canary", "tab", *"dana", "tab", *"2026-12-01", "enter")
        await wait_for(pilot, lambda: ledger.action_items(incident.id), "the action item saved")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "back to the detail")

        # Export: the Markdown has the summary, timeline, the deployment and the answers.
        await pilot.press("e")
        exported = tmp_path / f"incident-{incident.id}-review.md"
        await wait_for(pilot, exported.exists, "the exported review")
        text = exported.read_text()
        assert "## Summary" in text and "**Class:** P1" in text and "**Status:** resolved" in text
        assert "## Timeline" in text and "**ack**" in text and "**note**" in text and "**checklist**" in text
        assert deploy.username in text and "UpdateFunctionCode" in text
        assert "5xx alarm" in text and "canary" in text and "2026-12-01" in text

        # Escape goes back to the list, which followed everything while the detail was on top.
        await pilot.press("escape")
        table = app.screen.query_one(IncidentsPane).query_one("#incidents-table", KeyedTable)
        await wait_for(pilot, lambda: table.row_text(str(incident.id))[0] == "✓ P1", "resolved in the list",
                       timeout=3)
        assert table.row_text(str(incident.id))[6] == ledger.actor
        kinds = [e.kind for e in ledger.timeline(incident.id)]
        for kind in (TimelineKind.CHECKLIST, TimelineKind.ACK, TimelineKind.NOTE, TimelineKind.RESOLVED):
            assert kind in kinds


async def test_a_second_instance_sees_acks_and_notes_within_one_refresh(cfg, recorded_snapshot, frozen_now,
                                                                          tmp_path):
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(160, 48)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        incident = p1(app)
        assert incident is not None
        await pilot.press("6")
        table = app.query_one("#incidents-table", KeyedTable)
        # Another instance on the same file (its own connection and origin) acknowledges.
        with Ledger.open(tmp_path / LEDGER_FILE, actor="bob") as other:
            other.acknowledge(incident.id)
            other.add_note(incident.id, "bob here")
        await wait_for(pilot, lambda: table.row_text(str(incident.id))[6] == "bob", "bob's ack in the list",
                       timeout=3)
        before = app.unacknowledged()
        assert before == sum(1 for i in app.incident_hub.view.incidents if i.is_open and not i.acknowledged)
        await pilot.press("slash", *f"{P1_SERVICE} is", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "the detail screen")
        assert "bob here" in static_text(app, "#detail-timeline")


async def test_commander_class_override_and_ack_from_the_list(cfg, recorded_snapshot, frozen_now, tmp_path):
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(120, 40)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        incident = p1(app)
        assert incident is not None
        ledger = app.incident_hub.ledger
        assert ledger is not None
        await pilot.press("6", "slash", *"api is", "enter")
        table = app.query_one("#incidents-table", KeyedTable)
        # `a` in the list: the row names who acknowledged once the ledger has it.
        await pilot.press("a")
        await wait_for(pilot, lambda: table.row_text(str(incident.id))[6] == ledger.actor, "the ack in the list")

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentDetailScreen), "the detail screen")
        await pilot.press("c", *"sam", "enter")
        await wait_for(pilot, lambda: "commander: sam" in static_text(app, "#detail-header"), "the commander")

        # `o`: pick the most severe class, give a reason; the header and the timeline show it.
        most_severe = cfg.incidents.ordered_classes()[0]
        await pilot.press("o", "home", "enter", *"outage", "enter")
        await wait_for(pilot, lambda: f" {most_severe} " in static_text(app, "#detail-header").split("\n")[0],
                       "the new class in the header")
        assert "class by operator override" in static_text(app, "#detail-header")
        [override] = ledger.class_overrides(incident.id)
        assert (override.from_class, override.to_class, override.reason) == (
            "P1", most_severe, "outage")
        assert "outage" in static_text(app, "#detail-timeline")


async def test_a_production_change_outside_the_window_is_a_p2_incident_of_its_own(
    cfg, recorded_snapshot, frozen_now, tmp_path
):
    from skafu_tui.changes.feed import build_changes
    from skafu_tui.windows import in_window

    flagged = [c for c in build_changes(recorded_snapshot.trail_events, cfg) if c.finding]
    assert flagged, "the scenario's changes land outside the production window"
    assert all(not in_window(cfg, c.when) for c in flagged)
    app = incident_app(cfg, tmp_path, MovableClock(frozen_now))
    async with app.run_test(size=(120, 40)) as pilot:
        await fed(app, pilot, recorded_snapshot, until=lambda: p1(app) is not None)
        outside = [i for i in app.incident_hub.view.incidents if i.key.startswith("change:")]
        assert outside, [i.key for i in app.incident_hub.view.incidents]
        assert {i.incident_class for i in outside} == {"P2"}
        # The security-group ingress change is among them.
        assert any("SecurityGroup" in i.title or "security" in i.title.lower() for i in outside), [
            i.title for i in outside
        ]
