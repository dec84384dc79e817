"""What operators record about changes and maintenance: category overrides, deployment checklist
ticks, maintenance-task ticks and recovery runbook runs (issue 6)."""

from __future__ import annotations

from datetime import date, datetime

from skafu_tui.ledger.base import LedgerCore, clean, dt, opt_dt, ts
from skafu_tui.ledger.records import (
    ChangeOverride,
    DeploymentPhase,
    LedgerError,
    MaintenanceTick,
    RunbookRun,
    Tick,
)


class OpsStore(LedgerCore):
    # --- change category overrides --------------------------------------------------------

    def set_change_category(
        self,
        event_id: str,
        category: str,
        reason: str,
        *,
        actor: str | None = None,
        at: datetime | None = None,
    ) -> ChangeOverride:
        """Set a change event's category by hand (the latest override wins; earlier ones are kept)."""
        now, who = self._now(at), self._who(actor)
        why = clean(reason, "reason", max_len=2000)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO change_overrides (event_id, category, reason, actor, at) VALUES (?, ?, ?, ?, ?)",
                (event_id, category, why, who, ts(now)),
            )
            self._log(conn, now, "change", event_id, "category")
            return ChangeOverride(event_id, category, why, who, now)

    def change_override(self, event_id: str) -> ChangeOverride | None:
        row = self._read_one(
            "SELECT event_id, category, reason, actor, at FROM change_overrides WHERE event_id = ? "
            "ORDER BY id DESC LIMIT 1",
            (event_id,),
        )
        return (
            None
            if row is None
            else ChangeOverride(row["event_id"], row["category"], row["reason"], row["actor"], dt(row["at"]))
        )

    def change_overrides(self) -> dict[str, ChangeOverride]:
        """Every change event's current override."""
        rows = self._read("SELECT event_id, category, reason, actor, at FROM change_overrides ORDER BY id")
        return {
            r["event_id"]: ChangeOverride(r["event_id"], r["category"], r["reason"], r["actor"], dt(r["at"]))
            for r in rows
        }

    # --- deployment coordination checklist -------------------------------------------------

    def tick_deployment(
        self,
        event_id: str,
        phase: DeploymentPhase | str,
        item: str,
        ticked: bool = True,
        *,
        actor: str | None = None,
        at: datetime | None = None,
    ) -> Tick:
        now, who = self._now(at), self._who(actor)
        stage = DeploymentPhase(phase)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO deployment_ticks (event_id, phase, item, ticked, actor, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (event_id, stage.value, item, int(ticked), who, ts(now)),
            )
            self._log(conn, now, "change", event_id, "tick")
            return Tick(item=item, ticked=ticked, actor=who, at=now, step=stage.value)

    def deployment_ticks(self, event_id: str) -> dict[tuple[str, str], Tick]:
        """Latest state per (phase, item) of a change's deployment checklist."""
        rows = self._read(
            "SELECT phase, item, ticked, actor, at FROM deployment_ticks WHERE event_id = ? ORDER BY id",
            (event_id,),
        )
        return {
            (r["phase"], r["item"]): Tick(r["item"], bool(r["ticked"]), r["actor"], dt(r["at"]), r["phase"])
            for r in rows
        }

    # --- maintenance calendar -------------------------------------------------------------

    def tick_maintenance(
        self,
        task_id: str,
        due_date: date,
        ticked: bool = True,
        *,
        actor: str | None = None,
        at: datetime | None = None,
    ) -> MaintenanceTick:
        """Tick a recurring task for the period starting `due_date`."""
        now, who = self._now(at), self._who(actor)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO maintenance_ticks (task_id, due_date, ticked, actor, at) VALUES (?, ?, ?, ?, ?)",
                (task_id, due_date.isoformat(), int(ticked), who, ts(now)),
            )
            self._log(conn, now, "maintenance", task_id, "tick" if ticked else "untick")
            return MaintenanceTick(task_id, due_date, ticked, who, now)

    def maintenance_ticks(self, *, since: date | None = None) -> dict[tuple[str, date], MaintenanceTick]:
        """Latest state per (task, due date), for due dates at or after `since`."""
        sql = "SELECT task_id, due_date, ticked, actor, at FROM maintenance_ticks"
        params: list[object] = []
        if since is not None:
            sql += " WHERE due_date >= ?"
            params.append(since.isoformat())
        rows = self._read(sql + " ORDER BY id", params)
        result: dict[tuple[str, date], MaintenanceTick] = {}
        for r in rows:
            due = date.fromisoformat(r["due_date"])
            result[(r["task_id"], due)] = MaintenanceTick(
                r["task_id"], due, bool(r["ticked"]), r["actor"], dt(r["at"])
            )
        return result

    # --- recovery runbooks ----------------------------------------------------------------

    def start_runbook(
        self,
        runbook_id: str,
        *,
        incident_id: int | None = None,
        actor: str | None = None,
        at: datetime | None = None,
    ) -> RunbookRun:
        now, who = self._now(at), self._who(actor)
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO runbook_runs (runbook_id, incident_id, started_at, started_by) "
                "VALUES (?, ?, ?, ?)",
                (runbook_id, incident_id, ts(now), who),
            )
            run_id = int(cursor.lastrowid or 0)
            self._log(conn, now, "runbook", run_id, "started")
            return self._require_run(run_id)

    def tick_runbook(
        self,
        run_id: int,
        item: str,
        ticked: bool = True,
        *,
        actor: str | None = None,
        at: datetime | None = None,
    ) -> RunbookRun:
        now, who = self._now(at), self._who(actor)
        with self._write() as conn:
            self._require_run(run_id)
            conn.execute(
                "INSERT INTO runbook_ticks (run_id, item, ticked, actor, at) VALUES (?, ?, ?, ?, ?)",
                (run_id, item, int(ticked), who, ts(now)),
            )
            self._log(conn, now, "runbook", run_id, "tick")
            return self._require_run(run_id)

    def finish_runbook(
        self, run_id: int, *, actor: str | None = None, at: datetime | None = None
    ) -> RunbookRun:
        now, who = self._now(at), self._who(actor)
        with self._write() as conn:
            self._require_run(run_id)
            conn.execute(
                "UPDATE runbook_runs SET finished_at = ?, finished_by = ? WHERE id = ?",
                (ts(now), who, run_id),
            )
            self._log(conn, now, "runbook", run_id, "finished")
            return self._require_run(run_id)

    def runbook_run(self, run_id: int) -> RunbookRun | None:
        row = self._read_one(
            "SELECT id, runbook_id, incident_id, started_at, started_by, finished_at, finished_by "
            "FROM runbook_runs WHERE id = ?",
            (run_id,),
        )
        if row is None:
            return None
        latest: dict[str, Tick] = {}
        for t in self._read(
            "SELECT item, ticked, actor, at FROM runbook_ticks WHERE run_id = ? ORDER BY id", (run_id,)
        ):
            latest[t["item"]] = Tick(t["item"], bool(t["ticked"]), t["actor"], dt(t["at"]))
        return RunbookRun(
            id=int(row["id"]),
            runbook_id=row["runbook_id"],
            started_at=dt(row["started_at"]),
            started_by=row["started_by"],
            incident_id=None if row["incident_id"] is None else int(row["incident_id"]),
            finished_at=opt_dt(row["finished_at"]),
            finished_by=row["finished_by"],
            ticks=tuple(latest.values()),
        )

    def runbook_runs(self, runbook_id: str | None = None) -> list[RunbookRun]:
        """Runs, newest first (optionally of one runbook)."""
        sql, params = "SELECT id FROM runbook_runs", []
        if runbook_id is not None:
            sql, params = sql + " WHERE runbook_id = ?", [runbook_id]
        ids = [int(r["id"]) for r in self._read(sql + " ORDER BY started_at DESC, id DESC", params)]
        return [run for run in map(self.runbook_run, ids) if run is not None]

    def _require_run(self, run_id: int) -> RunbookRun:
        run = self.runbook_run(run_id)
        if run is None:
            raise LedgerError(f"there is no runbook run #{run_id} in the ledger")
        return run
