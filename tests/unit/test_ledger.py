"""The ledger: round-trips, two instances on one file, migrations, unusable files moved aside."""

from __future__ import annotations

import os
import random
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from skafu_tui.ledger import (
    APPLICATION_ID,
    LATEST_VERSION,
    MIGRATIONS,
    ClassSource,
    DeploymentPhase,
    IncidentStatus,
    Ledger,
    LedgerBusy,
    LedgerError,
    NewIncident,
    TimelineKind,
    migrate,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def new_incident(key: str = "service:template-management-api", cls: str = "P1") -> NewIncident:
    return NewIncident(
        key=key,
        kind="service_unhealthy",
        incident_class=cls,
        rule="service-unhealthy",
        title="template-management-api is unhealthy",
        services=("template-management-api",),
        resources=("skafu-template-management-api",),
        evidence=("error_rate_pct 5.2% (past alert 2%)",),
        started_at=T0 - timedelta(minutes=3),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ledger(tmp_path: Path, clock: FakeClock) -> Ledger:
    return Ledger.open(tmp_path / "ledger.db", actor="alice", clock=clock)


def test_incident_round_trip_and_operator_actions(ledger: Ledger, clock: FakeClock) -> None:
    opened = ledger.open_incident(new_incident(), at=clock.now)
    assert ledger.incident(opened.id) == opened
    assert opened.status is IncidentStatus.OPEN
    assert opened.class_source is ClassSource.RULE and opened.incident_class == "P1"
    assert opened.services == ("template-management-api",)
    assert opened.started_at == T0 - timedelta(minutes=3)

    acked = ledger.acknowledge(opened.id, at=clock.advance(minutes=2))
    assert (acked.acknowledged_by, acked.acknowledged_at) == ("alice", clock.now)
    again = ledger.acknowledge(opened.id, actor="bob", at=clock.advance(minutes=1))
    assert again.acknowledged_by == "alice"  # the first ack stands

    ledger.set_commander(opened.id, "carol")
    note = ledger.add_note(opened.id, "rolled back\n[bold red]not markup[/]\nthird line")
    assert ledger.notes(opened.id) == [note]
    assert note.text.count("\n") == 2

    ledger.tick(opened.id, "detection", "initial-actions.acknowledge-the-incident", label="Acknowledge")
    ledger.tick(opened.id, "detection", "initial-actions.create-incident-channel")
    ledger.tick(opened.id, "detection", "initial-actions.create-incident-channel", ticked=False)
    state = ledger.checklist(opened.id)
    assert state[("detection", "initial-actions.acknowledge-the-incident")].ticked
    assert not state[("detection", "initial-actions.create-incident-channel")].ticked

    overridden = ledger.override_class(opened.id, "P0", "customer data at risk", actor="dave")
    assert (overridden.incident_class, overridden.class_source) == ("P0", ClassSource.OVERRIDE)
    assert overridden.rule_class == "P1"
    [override] = ledger.class_overrides(opened.id)
    assert (override.from_class, override.to_class, override.reason) == ("P1", "P0", "customer data at risk")

    kinds = [entry.kind for entry in ledger.timeline(opened.id)]
    assert kinds == [
        TimelineKind.SIGNAL,
        TimelineKind.OPENED,
        TimelineKind.ACK,
        TimelineKind.COMMANDER,
        TimelineKind.NOTE,
        TimelineKind.CHECKLIST,
        TimelineKind.CHECKLIST,
        TimelineKind.CHECKLIST,
        TimelineKind.CLASS_CHANGE,
    ]
    change = ledger.timeline(opened.id)[-1]
    assert change.actor == "dave" and "customer data at risk" in change.text and "P1 → P0" in change.text


def test_review_answers_and_action_items(ledger: Ledger, clock: FakeClock) -> None:
    incident = ledger.open_incident(new_incident(), at=clock.now)
    ledger.answer_review(incident.id, "detection", "How was the incident detected?", "alarm")
    ledger.answer_review(incident.id, "detection", "How was the incident detected?", "5xx alarm, 2 min")
    [answer] = ledger.review_answers(incident.id)
    assert answer.answer == "5xx alarm, 2 min"
    item = ledger.add_action_item(incident.id, "add canary", "erin", date(2026, 3, 10))
    done = ledger.set_action_item_done(item.id, at=clock.advance(hours=1))
    assert done.done and done.done_by == "alice" and done.done_at == clock.now
    assert ledger.action_items(incident.id) == [done]
    completed = ledger.complete_review(incident.id)
    assert completed.review_completed_by == "alice"


def test_change_maintenance_and_runbook_records(ledger: Ledger, clock: FakeClock) -> None:
    ledger.set_change_category("evt-1", "standard", "pre-approved alias flip")
    ledger.set_change_category("evt-1", "emergency", "during P1", actor="bob")
    current = ledger.change_override("evt-1")
    assert current is not None and (current.category, current.actor) == ("emergency", "bob")
    assert set(ledger.change_overrides()) == {"evt-1"}

    ledger.tick_deployment("evt-1", DeploymentPhase.PRE, "code-review-completion")
    ledger.tick_deployment("evt-1", "post", "validation-testing")
    ticks = ledger.deployment_ticks("evt-1")
    assert ticks[("pre", "code-review-completion")].ticked and ticks[("post", "validation-testing")].ticked
    with pytest.raises(ValueError):
        ledger.tick_deployment("evt-1", "sometime", "x")

    today = clock.now.date()
    ledger.tick_maintenance("database.daily.backup-verification", today)
    ledger.tick_maintenance("database.daily.backup-verification", today - timedelta(days=1))
    recent = ledger.maintenance_ticks(since=today)
    assert list(recent) == [("database.daily.backup-verification", today)]

    run = ledger.start_runbook("service-rollback")
    ledger.tick_runbook(run.id, "identify-last-known-good-version")
    ledger.tick_runbook(run.id, "deploy-previous-version")
    ledger.tick_runbook(run.id, "identify-last-known-good-version", ticked=False)
    finished = ledger.finish_runbook(run.id, at=clock.advance(minutes=20))
    assert [(t.item, t.ticked) for t in finished.ticks] == [
        ("identify-last-known-good-version", False),
        ("deploy-previous-version", True),
    ]
    assert finished.finished_at == clock.now and ledger.runbook_runs("service-rollback") == [finished]


def test_one_open_incident_per_key(ledger: Ledger, clock: FakeClock) -> None:
    ledger.open_incident(new_incident(), at=clock.now)
    with pytest.raises(LedgerError):
        ledger.open_incident(new_incident(), at=clock.now)
    assert len(ledger.open_incidents()) == 1


def test_failed_batch_leaves_nothing(ledger: Ledger, clock: FakeClock) -> None:
    with pytest.raises(RuntimeError), ledger.batch():
        ledger.open_incident(new_incident("a"), at=clock.now)
        raise RuntimeError("boom")
    assert ledger.open_incidents() == []
    ledger.open_incident(new_incident("b"), at=clock.now)  # the connection is usable again
    assert [i.key for i in ledger.open_incidents()] == ["b"]


def test_naive_times_are_refused(ledger: Ledger) -> None:
    with pytest.raises(ValueError):
        ledger.open_incident(new_incident(), at=datetime(2026, 3, 1, 12, 0))


def test_two_instances_see_each_others_acks_and_notes(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "shared.db"
    first = Ledger.open(path, actor="alice", clock=clock)
    second = Ledger.open(path, actor="bob", clock=clock)
    incident = first.open_incident(new_incident(), at=clock.now)

    seen = second.data_version()
    second.acknowledge(incident.id)
    assert first.data_version() > seen
    changes = first.changes_since(seen)
    assert changes.incident_ids() == {incident.id}
    assert [e.action for e in changes.foreign(first.origin)] == ["ack"]
    ack = first.incident(incident.id)
    assert ack is not None and ack.acknowledged_by == "bob"

    seen = changes.version
    first.add_note(incident.id, "looking at the deploy")
    news = second.changes_since(seen)
    assert news.foreign(second.origin) and [n.text for n in second.notes(incident.id)] == [
        "looking at the deploy"
    ]
    assert not second.changes_since(news.version)  # nothing new since
    first.close()
    second.close()


def test_actor_defaults_to_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "operator7")
    assert Ledger.open(tmp_path / "a.db", actor="").actor == "operator7"
    assert Ledger.open(tmp_path / "b.db", actor="  named  ").actor == "named"


# --- schema and migrations -----------------------------------------------------------------


def _version(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (
            int(conn.execute("PRAGMA user_version").fetchone()[0]),
            int(conn.execute("PRAGMA application_id").fetchone()[0]),
        )
    finally:
        conn.close()


def test_fresh_ledger_is_wal_at_latest_version(ledger: Ledger) -> None:
    assert _version(ledger.path) == (LATEST_VERSION, APPLICATION_ID)
    conn = sqlite3.connect(ledger.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert ledger.problem is None


def test_migrates_from_version_zero_and_from_each_older_version(tmp_path: Path, clock: FakeClock) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()  # a valid SQLite file at version 0, no tables
    assert Ledger.open(empty, clock=clock).problem is None
    assert _version(empty) == (LATEST_VERSION, APPLICATION_ID)

    for older in (m.version for m in MIGRATIONS[:-1]):
        path = tmp_path / f"v{older}.db"
        conn = sqlite3.connect(path, isolation_level=None)
        assert migrate(conn, target=older) == older
        conn.close()
        assert _version(path)[0] == older
        with Ledger.open(path, clock=clock) as opened:
            assert opened.problem is None
            incident = opened.open_incident(new_incident(), at=clock.now)
            opened.set_change_category("evt", "normal", "x")  # a version-2 table
        assert _version(path)[0] == LATEST_VERSION
        with Ledger.open(path, clock=clock) as reopened:  # idempotent reopen keeps the data
            assert reopened.incident(incident.id) == incident
            assert _version(path)[0] == LATEST_VERSION


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    Ledger.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="newer skafu-tui"):
        Ledger.open(path)
    assert path.read_bytes() == before
    assert list(tmp_path.glob("*.corrupt-*")) == []


# --- unusable files -----------------------------------------------------------------------


def _aside(tmp_path: Path) -> Path:
    [moved] = [
        p for p in tmp_path.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    return moved


def test_random_bytes_are_moved_aside_and_a_fresh_ledger_works(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "ledger.db"
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    ledger = Ledger.open(path, clock=clock)
    assert ledger.problem is not None
    moved = _aside(tmp_path)
    assert ledger.problem.moved_to == moved and moved.read_bytes() == garbage
    assert moved.name.startswith("ledger.db.corrupt-")
    assert "not a SQLite database" in ledger.problem.message and str(moved) in ledger.problem.message
    incident = ledger.open_incident(new_incident(), at=clock.now)
    assert ledger.incident(incident.id) == incident


def test_foreign_sqlite_file_is_moved_aside(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE foo (x INTEGER)")
    conn.execute("INSERT INTO foo VALUES (42)")
    conn.commit()
    conn.close()
    ledger = Ledger.open(path, clock=clock)
    assert ledger.problem is not None
    assert "another program" in ledger.problem.message and "foo" in ledger.problem.message
    moved = sqlite3.connect(_aside(tmp_path))
    assert moved.execute("SELECT x FROM foo").fetchall() == [(42,)]  # untouched, still readable
    moved.close()
    assert ledger.open_incidents() == [] and _version(path) == (LATEST_VERSION, APPLICATION_ID)


def test_other_application_id_is_moved_aside(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "ledger.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE incidents (id INTEGER)")  # same table name, still not ours
    conn.commit()
    conn.close()
    ledger = Ledger.open(path, clock=clock)
    assert ledger.problem is not None and "another application" in ledger.problem.message
    ledger.open_incident(new_incident(), at=clock.now)


def test_damaged_pages_are_detected(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "ledger.db"
    with Ledger.open(path, clock=clock) as ledger, ledger.batch():
        for n in range(200):
            ledger.add_note(ledger.open_incident(new_incident(f"k{n}"), at=clock.now).id, "x" * 500)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 8 * page
    # Keep the header page, wreck b-tree pages (seeded, so the damage is the same every run).
    data[2 * page : 6 * page] = random.Random(7).randbytes(4 * page)
    path.write_bytes(bytes(data))
    reopened = Ledger.open(path, clock=clock)
    assert reopened.problem is not None and reopened.problem.moved_to is not None
    assert reopened.open_incidents() == []


def test_a_held_write_lock_is_reported_in_words_and_reads_go_on(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "shared.db"
    holder = Ledger.open(path, actor="alice", clock=clock)
    waiter = Ledger.open(path, actor="bob", clock=clock, busy_timeout_s=0.05)
    incident = holder.open_incident(new_incident(), at=clock.now)
    with holder.batch():
        holder.add_note(incident.id, "in flight")
        with pytest.raises(LedgerBusy, match="another skafu-tui instance"):
            waiter.add_note(incident.id, "blocked")
        assert waiter.notes(incident.id) == []  # WAL: readers see the last commit, never wait
    assert [n.text for n in waiter.notes(incident.id)] == ["in flight"]
    waiter.add_note(incident.id, "after")
    assert [n.text for n in holder.notes(incident.id)] == ["in flight", "after"]


def test_one_ledger_shared_by_threads(ledger: Ledger, clock: FakeClock) -> None:
    incident = ledger.open_incident(new_incident(), at=clock.now)
    with ThreadPoolExecutor(max_workers=4) as pool:
        notes = list(pool.map(lambda n: ledger.add_note(incident.id, f"note {n}"), range(40)))
    assert sorted(n.id for n in ledger.notes(incident.id)) == sorted(n.id for n in notes)
