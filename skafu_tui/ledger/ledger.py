"""The Ledger: skafu-tui's local record of incidents, operator actions and maintenance, in SQLite.

Guarantees:

- **Durable on confirm.** WAL mode with ``synchronous=FULL``; every write method commits before it
  returns, so once it has returned (and the screen says so) a ``kill -9`` or power cut loses nothing.
- **Shared.** Several app instances on one host may open the same file: writers queue on SQLite's
  lock for up to ``busy_timeout_s`` (then :class:`LedgerBusy`), readers never wait (WAL). Each
  instance polls :meth:`Ledger.data_version` at its refresh and, when it moved, asks
  :meth:`Ledger.changes_since` what changed.
- **Never overwrites what it does not understand.** A corrupt or foreign file is moved aside with
  :attr:`Ledger.problem` saying so in words; a newer schema is refused with :class:`LedgerError`.

Threads: one connection per Ledger object, opened with ``check_same_thread=False`` and serialised
by a re-entrant lock, so the event loop and worker threads may share one object. Reads take well
under a millisecond and may run on the event loop; writes fsync (a few ms) and may wait up to the
busy timeout behind another instance, so make them from a thread worker
(``@work(thread=True)``) and confirm on screen when the call returns. The incident engine's
:meth:`IncidentEngine.update <skafu_tui.incidents.lifecycle.IncidentEngine.update>` belongs in a
worker too.
"""

from __future__ import annotations

import getpass
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from skafu_tui.ledger.base import Clock
from skafu_tui.ledger.opening import open_file
from skafu_tui.ledger.ops_store import OpsStore
from skafu_tui.ledger.records import LedgerProblem
from skafu_tui.ledger.response_store import ResponseStore
from skafu_tui.sanitize import inert_line

DEFAULT_BUSY_TIMEOUT_S = 5.0


def resolve_actor(configured: str | None = None) -> str:
    """The name recorded on acks and notes: the configured operator name, else ``$USER``."""
    if configured and configured.strip():
        return inert_line(configured.strip(), 200)
    for variable in ("USER", "LOGNAME", "USERNAME"):
        value = os.environ.get(variable, "").strip()
        if value:
            return inert_line(value, 200)
    try:
        return inert_line(getpass.getuser(), 200)
    except (KeyError, OSError):
        return "unknown"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Ledger(ResponseStore, OpsStore):
    """See the module docstring. Create with :meth:`Ledger.open`."""

    problem: LedgerProblem | None
    """Set when the file found at :attr:`path` was unusable and was moved aside (show it once)."""

    path: Path

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        actor: str | None = None,
        clock: Clock = _utc_now,
        busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
    ) -> Ledger:
        """Open (creating or migrating) the ledger at `path`.

        `actor` is the configured operator name (empty or ``None``: ``$USER``); `clock` stamps
        writes made without an explicit ``at``. Raises :class:`LedgerError` when the file is a
        newer skafu-tui's ledger or cannot be created.
        """
        target = Path(path).expanduser()
        conn, problem = open_file(target, busy_timeout_s, clock())
        ledger = cls(conn, actor=resolve_actor(actor), origin=uuid.uuid4().hex[:12], clock=clock)
        ledger.path = target
        ledger.problem = problem
        ledger._prune_changelog()
        return ledger

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
