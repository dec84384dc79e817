"""A write the ledger confirmed survives ``kill -9`` at any moment.

A child process writes in a loop and prints each write's id only after the call returned
(i.e. after COMMIT). The parent SIGKILLs it at a random point, reopens the file and checks every
printed id is there, and that the file is not mistaken for a corrupt one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

from skafu_tui.ledger import Ledger

REPO = Path(__file__).resolve().parents[2]

WRITER = r"""
import sys
from datetime import UTC, datetime
from skafu_tui.ledger import Ledger, NewIncident

ledger = Ledger.open(sys.argv[1], actor="writer")
incident = ledger.incident_by_key("durability") or ledger.open_incident(
    NewIncident(key="durability", kind="finding", incident_class="P3", rule="r", title="t"),
    at=datetime.now(UTC),
)
print(f"incident {incident.id}", flush=True)
n = 0
while True:
    n += 1
    note = ledger.add_note(incident.id, f"note {n}")
    print(f"note {note.id}", flush=True)
    run = ledger.start_runbook("service-rollback", incident_id=incident.id)
    print(f"run {run.id}", flush=True)
    ledger.tick_maintenance(f"task-{n}", datetime.now(UTC).date())
    print(f"task task-{n}", flush=True)
"""


def _kill_after(path: Path, lines_wanted: int) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    watchdog = threading.Timer(60, proc.kill)  # never hang the suite if the child stalls
    watchdog.start()
    assert proc.stdout is not None
    confirmed: list[str] = []
    try:
        while len(confirmed) < lines_wanted:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"writer died early: {proc.stderr.read() if proc.stderr else ''}")
            confirmed.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)
        # Lines printed between our last read and the kill were confirmed too.
        confirmed.extend(line.strip() for line in proc.stdout.read().splitlines() if line.strip())
        proc.wait()
    finally:
        watchdog.cancel()
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return confirmed


def test_confirmed_writes_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for round_ in range(2):  # the second round starts from a file that was killed mid-write
        confirmed = _kill_after(path, rng.randint(10, 90))
        with Ledger.open(path) as ledger:
            assert ledger.problem is None, f"seed {seed} round {round_}: {ledger.problem}"
            [incident_line, *writes] = confirmed
            incident_id = int(incident_line.split()[1])
            notes = {note.id for note in ledger.notes(incident_id)}
            runs = {run.id for run in ledger.runbook_runs()}
            tasks = {task for task, _ in ledger.maintenance_ticks()}
            for line in writes:
                kind, ident = line.split()
                if kind == "note":
                    present = int(ident) in notes
                elif kind == "run":
                    present = int(ident) in runs
                else:
                    present = ident in tasks
                assert present, f"seed {seed} round {round_}: confirmed {line!r} is missing after kill -9"
