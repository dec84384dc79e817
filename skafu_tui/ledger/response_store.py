"""What operators record on an incident: acks, commander, notes, playbook ticks, class overrides, review.

Each write commits before it returns and adds a timeline entry, so the screen can confirm it and
the other instance sees it at its next refresh.
"""

from __future__ import annotations

from datetime import date, datetime

from skafu_tui.ledger.base import clean, dt, opt_date, opt_dt, ts
from skafu_tui.ledger.incident_store import IncidentStore
from skafu_tui.ledger.records import (
    ActionItem,
    ClassOverride,
    Incident,
    LedgerError,
    Note,
    ReviewAnswer,
    Tick,
    TimelineKind,
)


class ResponseStore(IncidentStore):
    def acknowledge(
        self, incident_id: int, *, actor: str | None = None, at: datetime | None = None
    ) -> Incident:
        """Acknowledge (stops the response clock). A second ack keeps the first one's who and when."""
        now, who = self._now(at), self._who(actor)
        with self._write() as conn:
            current = self._require(incident_id)
            if current.acknowledged:
                return current
            conn.execute(
                "UPDATE incidents SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ?",
                (who, ts(now), incident_id),
            )
            self._entry(conn, incident_id, now, TimelineKind.ACK, who, f"acknowledged by {who}")
            self._log(conn, now, "incident", incident_id, "ack")
            return self._require(incident_id)

    def set_commander(
        self, incident_id: int, commander: str, *, actor: str | None = None, at: datetime | None = None
    ) -> Incident:
        now, who = self._now(at), self._who(actor)
        name = clean(commander, "commander", max_len=200)
        with self._write() as conn:
            self._require(incident_id)
            conn.execute("UPDATE incidents SET commander = ? WHERE id = ?", (name, incident_id))
            self._entry(conn, incident_id, now, TimelineKind.COMMANDER, who, f"incident commander: {name}")
            self._log(conn, now, "incident", incident_id, "commander")
            return self._require(incident_id)

    def add_note(
        self, incident_id: int, text: str, *, actor: str | None = None, at: datetime | None = None
    ) -> Note:
        """Store a (multi-line) note; it also appears in the timeline."""
        now, who = self._now(at), self._who(actor)
        body = clean(text, "note")
        with self._write() as conn:
            self._require(incident_id)
            cursor = conn.execute(
                "INSERT INTO notes (incident_id, at, author, text) VALUES (?, ?, ?, ?)",
                (incident_id, ts(now), who, body),
            )
            self._entry(conn, incident_id, now, TimelineKind.NOTE, who, body)
            self._log(conn, now, "incident", incident_id, "note")
            return Note(int(cursor.lastrowid or 0), incident_id, now, who, body)

    def notes(self, incident_id: int) -> list[Note]:
        rows = self._read(
            "SELECT id, incident_id, at, author, text FROM notes WHERE incident_id = ? ORDER BY id",
            (incident_id,),
        )
        return [Note(int(r["id"]), int(r["incident_id"]), dt(r["at"]), r["author"], r["text"]) for r in rows]

    def tick(
        self,
        incident_id: int,
        step: str,
        item: str,
        ticked: bool = True,
        *,
        label: str = "",
        actor: str | None = None,
        at: datetime | None = None,
    ) -> Tick:
        """Tick (or untick) playbook item `item` of `step`; `label` is the item's text for the timeline."""
        now, who = self._now(at), self._who(actor)
        with self._write() as conn:
            self._require(incident_id)
            conn.execute(
                "INSERT INTO checklist_ticks (incident_id, step, item, ticked, actor, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (incident_id, step, item, int(ticked), who, ts(now)),
            )
            verb = "ticked" if ticked else "unticked"
            self._entry(
                conn, incident_id, now, TimelineKind.CHECKLIST, who, f"{verb} {step}: {label or item}"
            )
            self._log(conn, now, "incident", incident_id, "tick")
            return Tick(item=item, ticked=ticked, actor=who, at=now, step=step)

    def checklist(self, incident_id: int) -> dict[tuple[str, str], Tick]:
        """Latest tick state per (step, item); items never ticked are absent."""
        rows = self._read(
            "SELECT step, item, ticked, actor, at FROM checklist_ticks WHERE incident_id = ? ORDER BY id",
            (incident_id,),
        )
        return {
            (r["step"], r["item"]): Tick(
                item=r["item"], ticked=bool(r["ticked"]), actor=r["actor"], at=dt(r["at"]), step=r["step"]
            )
            for r in rows
        }

    def override_class(
        self,
        incident_id: int,
        new_class: str,
        reason: str,
        *,
        actor: str | None = None,
        at: datetime | None = None,
    ) -> Incident:
        """Set the class by hand, with a reason (recorded in the timeline and in class overrides).

        The caller checks `new_class` is a configured class (:class:`IncidentEngine` does).
        """
        now, who = self._now(at), self._who(actor)
        why = clean(reason, "reason", max_len=2000)
        with self._write() as conn:
            before = self._require(incident_id)
            conn.execute(
                "UPDATE incidents SET incident_class = ?, class_source = 'override' WHERE id = ?",
                (new_class, incident_id),
            )
            conn.execute(
                "INSERT INTO class_overrides (incident_id, from_class, to_class, reason, actor, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (incident_id, before.incident_class, new_class, why, who, ts(now)),
            )
            self._entry(
                conn,
                incident_id,
                now,
                TimelineKind.CLASS_CHANGE,
                who,
                f"{before.incident_class} → {new_class} by {who}: {why}",
            )
            self._log(conn, now, "incident", incident_id, "override")
            return self._require(incident_id)

    def class_overrides(self, incident_id: int) -> list[ClassOverride]:
        rows = self._read(
            "SELECT id, incident_id, from_class, to_class, reason, actor, at FROM class_overrides "
            "WHERE incident_id = ? ORDER BY id",
            (incident_id,),
        )
        return [
            ClassOverride(
                int(r["id"]),
                int(r["incident_id"]),
                r["from_class"],
                r["to_class"],
                r["reason"],
                r["actor"],
                dt(r["at"]),
            )
            for r in rows
        ]

    # --- post-incident review -------------------------------------------------------------

    def answer_review(
        self,
        incident_id: int,
        area: str,
        question: str,
        answer: str,
        *,
        actor: str | None = None,
        at: datetime | None = None,
    ) -> ReviewAnswer:
        """Save (or replace) the answer to one review question."""
        now, who = self._now(at), self._who(actor)
        text = clean(answer, "answer", allow_empty=True)
        with self._write() as conn:
            self._require(incident_id)
            conn.execute(
                "INSERT INTO review_answers (incident_id, area, question, answer, actor, at) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (incident_id, area, question) DO UPDATE SET answer = excluded.answer, "
                "actor = excluded.actor, at = excluded.at",
                (incident_id, area, question, text, who, ts(now)),
            )
            self._entry(
                conn, incident_id, now, TimelineKind.REVIEW, who, f"review answer ({area}): {question}"
            )
            self._log(conn, now, "incident", incident_id, "review")
            return ReviewAnswer(incident_id, area, question, text, who, now)

    def review_answers(self, incident_id: int) -> list[ReviewAnswer]:
        rows = self._read(
            "SELECT incident_id, area, question, answer, actor, at FROM review_answers WHERE incident_id = ? "
            "ORDER BY at, area, question",
            (incident_id,),
        )
        return [
            ReviewAnswer(
                int(r["incident_id"]), r["area"], r["question"], r["answer"], r["actor"], dt(r["at"])
            )
            for r in rows
        ]

    def add_action_item(
        self,
        incident_id: int,
        text: str,
        owner: str,
        deadline: date | None = None,
        *,
        actor: str | None = None,
        at: datetime | None = None,
    ) -> ActionItem:
        now, who = self._now(at), self._who(actor)
        body, owner_name = clean(text, "action item"), clean(owner, "owner", max_len=200)
        with self._write() as conn:
            self._require(incident_id)
            cursor = conn.execute(
                "INSERT INTO action_items (incident_id, text, owner, deadline, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    incident_id,
                    body,
                    owner_name,
                    None if deadline is None else deadline.isoformat(),
                    who,
                    ts(now),
                ),
            )
            due = f" by {deadline.isoformat()}" if deadline else ""
            self._entry(
                conn, incident_id, now, TimelineKind.REVIEW, who, f"action item for {owner_name}{due}: {body}"
            )
            self._log(conn, now, "incident", incident_id, "action-item")
            return ActionItem(
                int(cursor.lastrowid or 0), incident_id, body, owner_name, deadline, False, who, now
            )

    def set_action_item_done(
        self, item_id: int, done: bool = True, *, actor: str | None = None, at: datetime | None = None
    ) -> ActionItem:
        now, who = self._now(at), self._who(actor)
        with self._write() as conn:
            row = self._read_one("SELECT incident_id, text FROM action_items WHERE id = ?", (item_id,))
            if row is None:
                raise LedgerError(f"there is no action item #{item_id} in the ledger")
            incident_id = int(row["incident_id"])
            conn.execute(
                "UPDATE action_items SET done = ?, done_by = ?, done_at = ? WHERE id = ?",
                (int(done), who if done else None, ts(now) if done else None, item_id),
            )
            state = "done" if done else "not done"
            self._entry(
                conn, incident_id, now, TimelineKind.REVIEW, who, f"action item {state}: {row['text']}"
            )
            self._log(conn, now, "incident", incident_id, "action-item")
            return next(item for item in self.action_items(incident_id) if item.id == item_id)

    def action_items(self, incident_id: int) -> list[ActionItem]:
        rows = self._read(
            "SELECT id, incident_id, text, owner, deadline, done, created_by, created_at, done_by, done_at "
            "FROM action_items WHERE incident_id = ? ORDER BY id",
            (incident_id,),
        )
        return [
            ActionItem(
                int(r["id"]),
                int(r["incident_id"]),
                r["text"],
                r["owner"],
                opt_date(r["deadline"]),
                bool(r["done"]),
                r["created_by"],
                dt(r["created_at"]),
                r["done_by"],
                opt_dt(r["done_at"]),
            )
            for r in rows
        ]

    def complete_review(
        self, incident_id: int, *, actor: str | None = None, at: datetime | None = None
    ) -> Incident:
        """Mark the post-incident review done (stops its 48-hour clock)."""
        now, who = self._now(at), self._who(actor)
        with self._write() as conn:
            self._require(incident_id)
            conn.execute(
                "UPDATE incidents SET review_completed_at = ?, review_completed_by = ? WHERE id = ?",
                (ts(now), who, incident_id),
            )
            self._entry(conn, incident_id, now, TimelineKind.REVIEW, who, "post-incident review completed")
            self._log(conn, now, "incident", incident_id, "review-complete")
            return self._require(incident_id)
