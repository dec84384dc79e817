"""The connection, transactions, time encoding and the change log every store shares."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from skafu_tui.ledger.records import ChangeEntry, LedgerBusy, LedgerChanges, LedgerError
from skafu_tui.sanitize import inert

Clock = Callable[[], datetime]

CHANGELOG_KEEP = timedelta(days=30)
"""Change-log rows older than this are pruned on open (a running instance only needs recent ones)."""


def ts(value: datetime) -> str:
    """Encode an aware datetime as fixed-width UTC ISO text (sorts in time order)."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: the ledger stores UTC-aware times only")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def opt_dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def opt_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def dumps(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def loads(text: str) -> tuple[str, ...]:
    return tuple(str(v) for v in json.loads(text))


def clean(text: str, what: str, *, max_len: int = 65_536, allow_empty: bool = False) -> str:
    """Operator or AWS text made inert (controls made visible) before it is stored."""
    value = inert(text, max_len)
    if not allow_empty and not value.strip():
        raise ValueError(f"{what} must not be empty")
    return value


class LedgerCore:
    """One SQLite connection, serialised by a lock, with nestable write transactions.

    Every public write runs inside :meth:`_write`: ``BEGIN IMMEDIATE`` takes the write lock up
    front (a deferred transaction upgraded later can fail with SQLITE_BUSY without waiting), and
    the outermost block ends in ``COMMIT`` before the method returns.
    """

    def __init__(self, conn: sqlite3.Connection, *, actor: str, origin: str, clock: Clock) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self._depth = 0
        self.actor = actor
        """Who the operator's writes are recorded as (configured name or ``$USER``)."""
        self.origin = origin
        """Identifies this Ledger object's writes in the change log."""
        self._clock = clock

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._guard(lambda: self._conn.execute("BEGIN IMMEDIATE"))
            self._depth += 1
            try:
                yield self._conn
                if outer:
                    self._guard(lambda: self._conn.execute("COMMIT"))
            except sqlite3.Error as exc:
                if outer and self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise LedgerError(f"the ledger could not be written: {exc}") from exc
            except BaseException:
                if outer and self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            finally:
                self._depth -= 1

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes into one transaction, committed (and confirmed) when the block ends.

        An exception leaving the block rolls all of them back.
        """
        with self._write():
            yield

    def _guard(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise LedgerBusy(
                    "the ledger is busy: another skafu-tui instance held its write lock too long; "
                    "nothing was saved, try again"
                ) from exc
            raise LedgerError(f"the ledger could not be written: {text}") from exc

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self._conn.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return list(cursor.fetchall())

    def _read_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = self._read(sql, params)
        return rows[0] if rows else None

    def _now(self, at: datetime | None) -> datetime:
        value = self._clock() if at is None else at
        if value.tzinfo is None:
            raise ValueError("times given to the ledger must be timezone-aware")
        return value.astimezone(UTC)

    def _who(self, actor: str | None) -> str:
        return clean(self.actor if actor is None else actor, "actor", max_len=200)

    def _log(self, conn: sqlite3.Connection, at: datetime, entity: str, ref: object, action: str) -> None:
        conn.execute(
            "INSERT INTO changelog (at, origin, entity, ref, action) VALUES (?, ?, ?, ?, ?)",
            (ts(at), self.origin, entity, str(ref), action),
        )

    # --- seeing other instances' writes ---------------------------------------------------

    def data_version(self) -> int:
        """A number that grows with every committed write by any instance on this file."""
        row = self._read_one("SELECT COALESCE(MAX(rev), 0) AS v FROM changelog")
        return 0 if row is None else int(row["v"])

    def changes_since(self, version: int, *, limit: int = 10_000) -> LedgerChanges:
        """Writes committed after `version` (by this or another instance), oldest first."""
        rows = self._read(
            "SELECT rev, at, origin, entity, ref, action FROM changelog WHERE rev > ? ORDER BY rev LIMIT ?",
            (version, limit + 1),
        )
        truncated = len(rows) > limit
        rows = rows[:limit]
        oldest = self._read_one("SELECT MIN(rev) AS m FROM changelog")
        if oldest is not None and oldest["m"] is not None and version and int(oldest["m"]) > version + 1:
            truncated = True  # rows between `version` and the oldest kept were pruned
        entries = tuple(
            ChangeEntry(int(r["rev"]), dt(r["at"]), r["origin"], r["entity"], r["ref"], r["action"])
            for r in rows
        )
        new_version = entries[-1].rev if entries else max(version, self.data_version())
        return LedgerChanges(version=new_version, entries=entries, truncated=truncated)

    def _prune_changelog(self) -> None:
        cutoff = self._clock().astimezone(UTC) - CHANGELOG_KEEP
        with self._write() as conn:
            # Keep the newest row whatever its age: it carries the data version.
            conn.execute(
                "DELETE FROM changelog WHERE at < ? AND rev < (SELECT MAX(rev) FROM changelog)",
                (ts(cutoff),),
            )

    def close(self) -> None:
        with self._lock:
            self._conn.close()
