"""Opening the ledger file: recognise ours, move anything else aside, connect with durable settings.

A file that is not a SQLite database, is damaged, or belongs to another program is never written
to: it (with its ``-wal``/``-shm`` companions) is renamed to ``<name>.corrupt-<UTC timestamp>``
and a fresh ledger is created in its place. A ledger written by a *newer* skafu-tui is left alone
and refused (:class:`LedgerError`), because moving it aside would hide the operator's history.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from skafu_tui.ledger.migrations import APPLICATION_ID, LATEST_VERSION, migrate
from skafu_tui.ledger.records import LedgerError, LedgerProblem

SQLITE_MAGIC = b"SQLite format 3\x00"
_COMPANIONS = ("-wal", "-shm", "-journal")


def _why_unusable(path: Path, busy_timeout_s: float) -> str | None:
    """Why the file at `path` cannot be our ledger, in words; ``None`` when it is ours or new."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None  # a brand-new file (e.g. created, then killed before the first write)
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC:
        return "it is not a SQLite database (unrecognised file header)"
    try:
        conn = sqlite3.connect(
            f"{path.as_uri()}?mode=rw", uri=True, timeout=busy_timeout_s, isolation_level=None
        )
    except sqlite3.Error as exc:
        return f"it cannot be opened as a SQLite database ({exc})"
    try:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = sorted(
            str(row[0])
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        check = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise LedgerError(f"the ledger {path} is locked by another process ({exc})") from exc
        return f"it is not a readable SQLite database ({exc})"
    except sqlite3.DatabaseError as exc:
        return f"it is not a readable SQLite database ({exc})"
    finally:
        conn.close()
    if check != ["ok"]:
        return f"it is damaged (integrity check: {'; '.join(check[:3])})"
    if app_id not in (0, APPLICATION_ID):
        return f"it is a SQLite database of another application (application_id {app_id:#x})"
    if app_id == 0 and tables:
        # Our migrations set the application id in the transaction that creates our tables, so
        # tables without it were made by someone else, whatever their names.
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        return f"it is a SQLite database of another program (tables: {shown})"
    if app_id == APPLICATION_ID and version > LATEST_VERSION:
        raise LedgerError(
            f"the ledger {path} was written by a newer skafu-tui (schema version {version}; this one "
            f"knows up to {LATEST_VERSION}). Use that version, or point this one at another ledger file."
        )
    return None


def aside_path(path: Path, now: datetime) -> Path:
    """``<name>.corrupt-<UTC timestamp>``, with a counter if that name is taken."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    return candidate


def move_aside(path: Path, now: datetime) -> Path:
    """Rename the file and its companions so SQLite never pairs a new file with an old WAL."""
    target = aside_path(path, now)
    os.replace(path, target)
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    return target


def connect(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """A connection with the durability the ledger promises, migrated to the latest schema."""
    fresh = not path.exists()
    conn = sqlite3.connect(str(path), timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
    try:
        if fresh:
            with contextlib.suppress(OSError):
                os.chmod(path, 0o600)  # notes may hold sensitive detail
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
        if mode != "wal":
            raise LedgerError(f"the ledger {path} cannot use WAL mode (the file system gave {mode!r})")
        # FULL: the WAL is fsynced at every commit, so a confirmed write survives power loss too.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def open_file(
    path: Path, busy_timeout_s: float, now: datetime
) -> tuple[sqlite3.Connection, LedgerProblem | None]:
    """Connect to the ledger at `path`, moving an unusable file aside first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    reason = _why_unusable(path, busy_timeout_s)
    problem: LedgerProblem | None = None
    if reason is not None:
        moved = move_aside(path, now)
        problem = LedgerProblem(
            message=(
                f"The ledger file {path} could not be used: {reason}. It was moved to {moved} "
                "(nothing was deleted) and a fresh, empty ledger was started."
            ),
            path=path,
            moved_to=moved,
        )
    try:
        conn = connect(path, busy_timeout_s)
    except sqlite3.Error as exc:
        raise LedgerError(f"the ledger {path} could not be opened: {exc}") from exc
    return conn, problem
