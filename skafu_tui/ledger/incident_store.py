"""Incidents and their timeline: the writes the incident engine makes, and the reads every screen makes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from skafu_tui.ledger.base import LedgerCore, clean, dt, dumps, loads, opt_dt, ts
from skafu_tui.ledger.records import (
    SYSTEM_ACTOR,
    ClassSource,
    Incident,
    IncidentStatus,
    LedgerError,
    NewIncident,
    OpenIncidentState,
    TimelineEntry,
    TimelineKind,
    details_digest,
)

_INCIDENT_COLUMNS = (
    "id, key, kind, incident_class, class_source, rule_class, rule, title, services, resources, "
    "evidence, severity, status, started_at, opened_at, last_seen_at, cleared_at, resolved_at, "
    "reopened_count, commander, acknowledged_by, acknowledged_at, review_completed_at, "
    "review_completed_by"
)


def incident_of(row: sqlite3.Row) -> Incident:
    return Incident(
        id=int(row["id"]),
        key=row["key"],
        kind=row["kind"],
        incident_class=row["incident_class"],
        class_source=ClassSource(row["class_source"]),
        rule_class=row["rule_class"],
        rule=row["rule"],
        title=row["title"],
        services=loads(row["services"]),
        resources=loads(row["resources"]),
        evidence=loads(row["evidence"]),
        severity=None if row["severity"] is None else float(row["severity"]),
        status=IncidentStatus(row["status"]),
        started_at=dt(row["started_at"]),
        opened_at=dt(row["opened_at"]),
        last_seen_at=dt(row["last_seen_at"]),
        cleared_at=opt_dt(row["cleared_at"]),
        resolved_at=opt_dt(row["resolved_at"]),
        reopened_count=int(row["reopened_count"]),
        commander=row["commander"],
        acknowledged_by=row["acknowledged_by"],
        acknowledged_at=opt_dt(row["acknowledged_at"]),
        review_completed_at=opt_dt(row["review_completed_at"]),
        review_completed_by=row["review_completed_by"],
    )


class IncidentStore(LedgerCore):
    # --- reads ----------------------------------------------------------------------------

    def incident(self, incident_id: int) -> Incident | None:
        row = self._read_one(f"SELECT {_INCIDENT_COLUMNS} FROM incidents WHERE id = ?", (incident_id,))
        return None if row is None else incident_of(row)

    def _require(self, incident_id: int) -> Incident:
        found = self.incident(incident_id)
        if found is None:
            raise LedgerError(f"there is no incident #{incident_id} in the ledger")
        return found

    def open_incidents(self) -> list[Incident]:
        """Open incidents, oldest first."""
        rows = self._read(
            f"SELECT {_INCIDENT_COLUMNS} FROM incidents WHERE status = 'open' ORDER BY opened_at, id"
        )
        return [incident_of(row) for row in rows]

    def open_incident_states(self) -> list[OpenIncidentState]:
        """What the engine needs of each open incident, without parsing whole rows."""
        rows = self._read(
            "SELECT id, key, kind, incident_class, rule_class, cleared_at, digest FROM incidents "
            "WHERE status = 'open' ORDER BY id"
        )
        return [OpenIncidentState(int(r[0]), r[1], r[2], r[3], r[4], opt_dt(r[5]), r[6]) for r in rows]

    def incidents(
        self, *, resolved_since: datetime | None = None, limit: int | None = None
    ) -> list[Incident]:
        """Open incidents first (newest first), then resolved ones (most recently resolved first).

        `resolved_since` keeps only resolved incidents resolved at or after it; `limit` caps the
        resolved part (open incidents are always all returned).
        """
        result = list(reversed(self.open_incidents()))
        sql = f"SELECT {_INCIDENT_COLUMNS} FROM incidents WHERE status = 'resolved'"
        params: list[object] = []
        if resolved_since is not None:
            sql += " AND resolved_at >= ?"
            params.append(ts(resolved_since))
        sql += " ORDER BY resolved_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        result.extend(incident_of(row) for row in self._read(sql, params))
        return result

    def incident_by_key(self, key: str) -> Incident | None:
        """The open incident with `key`, else the most recently opened one with it, else ``None``."""
        row = self._read_one(
            f"SELECT {_INCIDENT_COLUMNS} FROM incidents WHERE key = ? "
            "ORDER BY status = 'open' DESC, opened_at DESC, id DESC LIMIT 1",
            (key,),
        )
        return None if row is None else incident_of(row)

    def timeline(self, incident_id: int) -> list[TimelineEntry]:
        rows = self._read(
            "SELECT id, incident_id, at, kind, actor, text FROM timeline "
            "WHERE incident_id = ? ORDER BY at, id",
            (incident_id,),
        )
        return [
            TimelineEntry(
                int(r["id"]),
                int(r["incident_id"]),
                dt(r["at"]),
                TimelineKind(r["kind"]),
                r["actor"],
                r["text"],
            )
            for r in rows
        ]

    # --- engine writes (the actor is skafu-tui itself) ------------------------------------

    def _entry(
        self,
        conn: sqlite3.Connection,
        incident_id: int,
        at: datetime,
        kind: TimelineKind,
        actor: str,
        text: str,
    ) -> None:
        conn.execute(
            "INSERT INTO timeline (incident_id, at, kind, actor, text) VALUES (?, ?, ?, ?, ?)",
            (incident_id, ts(at), kind.value, actor, clean(text, "timeline text", allow_empty=True)),
        )

    def open_incident(self, new: NewIncident, *, at: datetime) -> Incident:
        """Record a new open incident; fails (:class:`LedgerError`) if one with its key is open."""
        now = self._now(at)
        started = now if new.started_at is None else min(self._now(new.started_at), now)
        title = clean(new.title, "title")
        evidence = tuple(clean(e, "evidence", allow_empty=True) for e in new.evidence)
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO incidents (key, kind, incident_class, class_source, rule_class, rule, title, "
                "services, resources, evidence, severity, digest, status, started_at, opened_at, "
                "last_seen_at) VALUES (?, ?, ?, 'rule', ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)",
                (
                    new.key,
                    new.kind,
                    new.incident_class,
                    new.incident_class,
                    new.rule,
                    title,
                    dumps(new.services),
                    dumps(new.resources),
                    dumps(evidence),
                    new.severity,
                    new.digest,
                    ts(started),
                    ts(now),
                    ts(now),
                ),
            )
            incident_id = int(cursor.lastrowid or 0)
            self._entry(conn, incident_id, now, TimelineKind.SIGNAL, SYSTEM_ACTOR, _evidence_text(evidence))
            opened_text = f"opened as {new.incident_class} by rule {new.rule}"
            self._entry(conn, incident_id, now, TimelineKind.OPENED, SYSTEM_ACTOR, opened_text)
            self._log(conn, now, "incident", incident_id, "opened")
        # Built here rather than read back: a first poll may open thousands at once.
        return Incident(
            id=incident_id,
            key=new.key,
            kind=new.kind,
            incident_class=new.incident_class,
            class_source=ClassSource.RULE,
            rule_class=new.incident_class,
            rule=new.rule,
            title=title,
            services=tuple(new.services),
            resources=tuple(new.resources),
            evidence=evidence,
            severity=new.severity,
            status=IncidentStatus.OPEN,
            started_at=started,
            opened_at=now,
            last_seen_at=now,
            cleared_at=None,
            resolved_at=None,
            reopened_count=0,
            commander=None,
            acknowledged_by=None,
            acknowledged_at=None,
            review_completed_at=None,
            review_completed_by=None,
        )

    def touch_incidents(self, incident_ids: Iterable[int], *, at: datetime) -> None:
        """Record that these open incidents' signals are still present (``last_seen_at``)."""
        stamp = ts(self._now(at))
        with self._write() as conn:
            # One statement for any number of incidents (a poll may carry thousands).
            conn.execute(
                "UPDATE incidents SET last_seen_at = ? "
                "WHERE status = 'open' AND id IN (SELECT value FROM json_each(?))",
                (stamp, json.dumps([int(i) for i in incident_ids])),
            )

    def update_details(
        self,
        incident_id: int,
        *,
        kind: str,
        title: str,
        services: Sequence[str],
        resources: Sequence[str],
        evidence: Sequence[str],
        severity: float | None,
    ) -> None:
        """Refresh what the signal says now (no timeline entry: evidence numbers change every poll)."""
        digest = details_digest(kind, title, services, resources, evidence, severity)
        with self._write() as conn:
            conn.execute(
                "UPDATE incidents SET kind = ?, title = ?, services = ?, resources = ?, evidence = ?, "
                "severity = ?, digest = ? WHERE id = ?",
                (
                    kind,
                    clean(title, "title"),
                    dumps(services),
                    dumps(resources),
                    dumps([clean(e, "evidence", allow_empty=True) for e in evidence]),
                    severity,
                    digest,
                    incident_id,
                ),
            )

    def mark_cleared(self, incident_id: int, *, at: datetime) -> None:
        """The signal is gone (the incident resolves once it has stayed gone long enough)."""
        now = self._now(at)
        with self._write() as conn:
            conn.execute(
                "UPDATE incidents SET cleared_at = ? WHERE id = ? AND status = 'open'", (ts(now), incident_id)
            )
            self._entry(conn, incident_id, now, TimelineKind.SIGNAL, SYSTEM_ACTOR, "signal cleared")
            self._log(conn, now, "incident", incident_id, "cleared")

    def mark_present(self, incident_id: int, *, at: datetime, evidence: Sequence[str] = ()) -> None:
        """The signal came back before the incident resolved: drop the clear mark."""
        now = self._now(at)
        with self._write() as conn:
            conn.execute(
                "UPDATE incidents SET cleared_at = NULL, last_seen_at = ? WHERE id = ?",
                (ts(now), incident_id),
            )
            self._entry(
                conn,
                incident_id,
                now,
                TimelineKind.SIGNAL,
                SYSTEM_ACTOR,
                "signal present again: " + _evidence_text(evidence),
            )
            self._log(conn, now, "incident", incident_id, "present")

    def resolve_incident(self, incident_id: int, *, at: datetime, text: str = "") -> Incident:
        now = self._now(at)
        with self._write() as conn:
            conn.execute(
                "UPDATE incidents SET status = 'resolved', resolved_at = ? WHERE id = ? AND status = 'open'",
                (ts(now), incident_id),
            )
            self._entry(conn, incident_id, now, TimelineKind.RESOLVED, SYSTEM_ACTOR, text or "resolved")
            self._log(conn, now, "incident", incident_id, "resolved")
            return self._require(incident_id)

    def reopen_incident(self, incident_id: int, *, at: datetime, evidence: Sequence[str] = ()) -> Incident:
        """Reopen a resolved incident whose signal came back (``reopened_count`` + 1)."""
        now = self._now(at)
        with self._write() as conn:
            conn.execute(
                "UPDATE incidents SET status = 'open', resolved_at = NULL, cleared_at = NULL, "
                "last_seen_at = ?, "
                "reopened_count = reopened_count + 1 WHERE id = ? AND status = 'resolved'",
                (ts(now), incident_id),
            )
            count = self._require(incident_id).reopened_count
            self._entry(
                conn,
                incident_id,
                now,
                TimelineKind.REOPENED,
                SYSTEM_ACTOR,
                f"reopened (time {count}): " + _evidence_text(evidence),
            )
            self._log(conn, now, "incident", incident_id, "reopened")
            return self._require(incident_id)

    def set_rule_class(
        self, incident_id: int, rule_class: str, rule: str, *, at: datetime, apply: bool
    ) -> Incident:
        """Record a more severe class from the rules; `apply` also makes it the incident's class.

        When applied, the class source returns to ``rule`` (a more severe signal outranks an
        operator's earlier override) and the timeline records the change.
        """
        now = self._now(at)
        with self._write() as conn:
            before = self._require(incident_id)
            if apply:
                conn.execute(
                    "UPDATE incidents SET rule_class = ?, rule = ?, incident_class = ?, "
                    "class_source = 'rule' "
                    "WHERE id = ?",
                    (rule_class, rule, rule_class, incident_id),
                )
                self._entry(
                    conn,
                    incident_id,
                    now,
                    TimelineKind.CLASS_CHANGE,
                    SYSTEM_ACTOR,
                    f"{before.incident_class} → {rule_class} by rule {rule}",
                )
                self._log(conn, now, "incident", incident_id, "escalated")
            else:
                conn.execute(
                    "UPDATE incidents SET rule_class = ?, rule = ? WHERE id = ?",
                    (rule_class, rule, incident_id),
                )
            return self._require(incident_id)


def _evidence_text(evidence: Sequence[str]) -> str:
    return "; ".join(evidence) if evidence else "signal observed"
