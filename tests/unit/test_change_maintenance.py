"""The maintenance calendar over the ledger, and recovery runbooks as exported checklists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from skafu_tui.changes import TaskStatus, calendar, history_start, runbook_markdown, tracking_since
from skafu_tui.ledger import Ledger
from skafu_tui.procedures import DEFAULT_PROCEDURES, Cadence, period

TUESDAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger.open(tmp_path / "ledger.sqlite3", actor="alex")


def _states(ledger: Ledger, today: date) -> dict[str, TaskStatus]:
    ticks = ledger.maintenance_ticks(since=history_start(today))
    items = calendar(DEFAULT_PROCEDURES.maintenance, ticks, today, tracking_since(ticks.values()))
    return {d.task.id: d.status for d in items}


def test_a_fresh_ledger_shows_today_and_this_week_and_nothing_overdue(ledger: Ledger) -> None:
    states = _states(ledger, TUESDAY)
    tasks = DEFAULT_PROCEDURES.maintenance
    assert TaskStatus.OVERDUE not in states.values()
    for task in tasks:
        end = period(task.cadence, TUESDAY)[1]
        sunday = TUESDAY + timedelta(days=6 - TUESDAY.weekday())
        expected = (
            TaskStatus.DUE_TODAY if end == TUESDAY else TaskStatus.DUE_THIS_WEEK if end <= sunday else TaskStatus.LATER
        )
        assert states[task.id] == expected, task.id
    assert states["database.daily.backup-verification"] == TaskStatus.DUE_TODAY
    assert states["security.weekly.access-control-review"] == TaskStatus.DUE_THIS_WEEK


def test_ticking_marks_done_for_the_period_and_records_who_and_when(ledger: Ledger) -> None:
    task = next(t for t in DEFAULT_PROCEDURES.maintenance if t.cadence is Cadence.WEEKLY)
    start = period(task.cadence, TUESDAY)[0]
    ledger.tick_maintenance(task.id, start, at=NOW)
    ticks = ledger.maintenance_ticks(since=history_start(TUESDAY))
    [item] = [d for d in calendar(DEFAULT_PROCEDURES.maintenance, ticks, TUESDAY) if d.task.id == task.id]
    assert item.status is TaskStatus.DONE and item.tick is not None
    assert (item.tick.actor, item.tick.at) == ("alex", NOW)
    # Still done later in the same week; due again the next week.
    assert _states(ledger, TUESDAY + timedelta(days=3))[task.id] is TaskStatus.DONE
    assert _states(ledger, TUESDAY + timedelta(days=7))[task.id] is not TaskStatus.DONE


def test_a_missed_daily_task_is_overdue_the_next_day(ledger: Ledger) -> None:
    daily = [t for t in DEFAULT_PROCEDURES.maintenance if t.cadence is Cadence.DAILY]
    done, missed = daily[0], daily[1]
    ledger.tick_maintenance(done.id, TUESDAY, at=NOW)
    tomorrow = TUESDAY + timedelta(days=1)
    states = _states(ledger, tomorrow)
    assert states[missed.id] is TaskStatus.OVERDUE
    assert states[done.id] is TaskStatus.DUE_TODAY
    # Ticking it today clears the overdue mark.
    ledger.tick_maintenance(missed.id, tomorrow, at=NOW + timedelta(days=1))
    assert _states(ledger, tomorrow)[missed.id] is TaskStatus.DONE


def test_an_untick_undoes_a_tick(ledger: Ledger) -> None:
    task = DEFAULT_PROCEDURES.maintenance[0]
    ledger.tick_maintenance(task.id, TUESDAY, at=NOW)
    ledger.tick_maintenance(task.id, TUESDAY, ticked=False, at=NOW + timedelta(minutes=1))
    assert _states(ledger, TUESDAY)[task.id] is TaskStatus.DUE_TODAY


def test_calendar_lists_overdue_first_then_due_today(ledger: Ledger) -> None:
    daily = [t for t in DEFAULT_PROCEDURES.maintenance if t.cadence is Cadence.DAILY]
    ledger.tick_maintenance(daily[0].id, TUESDAY, at=NOW)
    tomorrow = TUESDAY + timedelta(days=1)
    ticks = ledger.maintenance_ticks(since=history_start(tomorrow))
    items = calendar(DEFAULT_PROCEDURES.maintenance, ticks, tomorrow, tracking_since(ticks.values()))
    statuses = [d.status for d in items]
    order = list(TaskStatus)
    assert statuses == sorted(statuses, key=order.index)
    assert statuses[0] is TaskStatus.OVERDUE


def test_runbook_export_shows_each_step_with_who_ticked_it(ledger: Ledger) -> None:
    runbook = DEFAULT_PROCEDURES.runbooks[0]
    run = ledger.start_runbook(runbook.id, at=NOW)
    run = ledger.tick_runbook(run.id, runbook.steps[0].id, at=NOW + timedelta(minutes=2))
    text = runbook_markdown(runbook, run, now=NOW + timedelta(minutes=5))
    lines = text.splitlines()
    assert lines[0] == f"# Runbook: {runbook.title}"
    assert f"1. [x] {runbook.steps[0].text} — done by alex, 2026-11-24 14:02:00 UTC" in lines
    assert f"2. [ ] {runbook.steps[1].text}" in lines
    assert f"1/{len(runbook.steps)} steps, in progress" in text
