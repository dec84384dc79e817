"""The ledger schema as ordered migrations; ``PRAGMA user_version`` is the version applied.

Rules for adding one: append a :class:`Migration` with the next version, never edit a released
one, keep each statement free of ``;`` inside literals (statements run one by one inside the
migration's transaction: ``executescript`` would commit early). A migration runs under
``BEGIN IMMEDIATE``, so two instances starting at once apply it exactly once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

APPLICATION_ID = 0x536B6166
"""``PRAGMA application_id`` of a skafu-tui ledger ("Skaf"); any other non-zero id is foreign."""


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


_TIMELINE_KINDS = (
    "'signal','opened','reopened','resolved','class-change','ack','commander','note','checklist','review'"
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "incidents, timeline, notes, checklist, class overrides, reviews, change log",
        (
            """CREATE TABLE incidents (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL,
                kind TEXT NOT NULL,
                incident_class TEXT NOT NULL,
                class_source TEXT NOT NULL CHECK (class_source IN ('rule', 'override')),
                rule_class TEXT NOT NULL,
                rule TEXT NOT NULL,
                title TEXT NOT NULL,
                services TEXT NOT NULL DEFAULT '[]',
                resources TEXT NOT NULL DEFAULT '[]',
                evidence TEXT NOT NULL DEFAULT '[]',
                severity REAL,
                digest TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
                started_at TEXT NOT NULL,
                opened_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL,
                cleared_at TEXT,
                resolved_at TEXT,
                reopened_count INTEGER NOT NULL DEFAULT 0,
                commander TEXT,
                acknowledged_by TEXT,
                acknowledged_at TEXT,
                review_completed_at TEXT,
                review_completed_by TEXT
            )""",
            # One open incident per key: a re-poll (or a second instance) cannot duplicate it.
            "CREATE UNIQUE INDEX incidents_open_key ON incidents(key) WHERE status = 'open'",
            "CREATE INDEX incidents_key ON incidents(key, opened_at)",
            "CREATE INDEX incidents_status ON incidents(status, opened_at)",
            f"""CREATE TABLE timeline (
                id INTEGER PRIMARY KEY,
                incident_id INTEGER NOT NULL REFERENCES incidents(id),
                at TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ({_TIMELINE_KINDS})),
                actor TEXT NOT NULL,
                text TEXT NOT NULL
            )""",
            "CREATE INDEX timeline_incident ON timeline(incident_id, at, id)",
            """CREATE TABLE notes (
                id INTEGER PRIMARY KEY,
                incident_id INTEGER NOT NULL REFERENCES incidents(id),
                at TEXT NOT NULL,
                author TEXT NOT NULL,
                text TEXT NOT NULL
            )""",
            "CREATE INDEX notes_incident ON notes(incident_id, id)",
            # Ticks are append-only; the latest row per item is its state (so unticks keep history).
            """CREATE TABLE checklist_ticks (
                id INTEGER PRIMARY KEY,
                incident_id INTEGER NOT NULL REFERENCES incidents(id),
                step TEXT NOT NULL,
                item TEXT NOT NULL,
                ticked INTEGER NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            "CREATE INDEX checklist_ticks_incident ON checklist_ticks(incident_id, id)",
            """CREATE TABLE class_overrides (
                id INTEGER PRIMARY KEY,
                incident_id INTEGER NOT NULL REFERENCES incidents(id),
                from_class TEXT NOT NULL,
                to_class TEXT NOT NULL,
                reason TEXT NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            """CREATE TABLE review_answers (
                incident_id INTEGER NOT NULL REFERENCES incidents(id),
                area TEXT NOT NULL,
                question TEXT NOT NULL,
                answer TEXT NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL,
                PRIMARY KEY (incident_id, area, question)
            )""",
            """CREATE TABLE action_items (
                id INTEGER PRIMARY KEY,
                incident_id INTEGER NOT NULL REFERENCES incidents(id),
                text TEXT NOT NULL,
                owner TEXT NOT NULL,
                deadline TEXT,
                done INTEGER NOT NULL DEFAULT 0,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                done_by TEXT,
                done_at TEXT
            )""",
            # Every write appends here in its own transaction: MAX(rev) is the data version every
            # instance sees change, and the rows say what changed.
            """CREATE TABLE changelog (
                rev INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                origin TEXT NOT NULL,
                entity TEXT NOT NULL,
                ref TEXT NOT NULL,
                action TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "change category overrides, deployment checklist, maintenance ticks, runbook runs",
        (
            """CREATE TABLE change_overrides (
                id INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL,
                category TEXT NOT NULL,
                reason TEXT NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            "CREATE INDEX change_overrides_event ON change_overrides(event_id, id)",
            """CREATE TABLE deployment_ticks (
                id INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL,
                phase TEXT NOT NULL CHECK (phase IN ('pre', 'during', 'post')),
                item TEXT NOT NULL,
                ticked INTEGER NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            "CREATE INDEX deployment_ticks_event ON deployment_ticks(event_id, id)",
            """CREATE TABLE maintenance_ticks (
                id INTEGER PRIMARY KEY,
                task_id TEXT NOT NULL,
                due_date TEXT NOT NULL,
                ticked INTEGER NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            "CREATE INDEX maintenance_ticks_due ON maintenance_ticks(due_date, task_id, id)",
            """CREATE TABLE runbook_runs (
                id INTEGER PRIMARY KEY,
                runbook_id TEXT NOT NULL,
                incident_id INTEGER REFERENCES incidents(id),
                started_at TEXT NOT NULL,
                started_by TEXT NOT NULL,
                finished_at TEXT,
                finished_by TEXT
            )""",
            """CREATE TABLE runbook_ticks (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runbook_runs(id),
                item TEXT NOT NULL,
                ticked INTEGER NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            "CREATE INDEX runbook_ticks_run ON runbook_ticks(run_id, id)",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


def user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> int:
    """Apply every migration above the file's version up to `target`; return the version reached.

    The connection must be in autocommit mode (``isolation_level=None``). Idempotent: a file
    already at `target` costs one read.
    """
    if user_version(conn) >= target:
        return user_version(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read under the write lock: another instance may have migrated meanwhile.
        current = user_version(conn)
        for migration in MIGRATIONS:
            if current < migration.version <= target:
                for statement in migration.statements:
                    conn.execute(statement)
                current = migration.version
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {current}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return current
