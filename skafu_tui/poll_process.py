"""The dashboard's side of the poll process (:mod:`skafu_tui.poll_child`).

:meth:`PollProcess.spawn` starts the child at once (the dashboard calls it before importing
Textual); the app :meth:`~PollProcess.attach`-es its callbacks after its first paint and receives
what arrived meanwhile. It offers the live session's interface (``refresh_now``, ``set_paused``,
``set_hot_services``, ``clock``, ``run``, ``aclose``), merges the child's Snapshot deltas into one
Snapshot, and turns every way the child can fail into words: its own failed status, or "killed
by signal 9" with the last line it wrote to stderr. When the child stops unexpectedly, every
source is marked failed with that cause (its data kept, with its age) and the child is restarted
after a back-off; ``refresh_now`` restarts it at once.

No Textual and no AWS library here: callbacks run on this module's reader thread, so they must be
thread-safe (Textual's ``post_message`` is).
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from skafu_tui.poll_fork import Forked, start_child
from skafu_tui.poll_wire import WireError, apply_delta, encode, read_message, stopped

if TYPE_CHECKING:
    import asyncio

    from skafu_tui.options import Options
    from skafu_tui.snapshot import Snapshot

SnapshotCallback = Callable[["Snapshot"], None]
StatusCallback = Callable[[str, bool], None]

RESTART_DELAYS_S: tuple[float, ...] = (5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 300.0)
"""Waits before restarting a child that stopped, one per consecutive failure (the last repeats)."""
STDERR_LINES = 20
EXIT_BAD_CONFIG = 2
EXIT_SESSION_ENDED = 3
_ROOT = str(Path(__file__).resolve().parent.parent)


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"killed by {name}"
    return f"exit status {code}"


class _Child:
    """One run of the poll process."""

    def __init__(
        self, process: subprocess.Popen[bytes] | Forked, control: IO[bytes], data: IO[bytes], generation: int
    ) -> None:
        self.process = process
        self.control = control
        self.data = data
        self.generation = generation
        self.stderr: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self.failure = ""
        """The last failed status the child sent (its own words for why it stops)."""
        self.deltas = 0


class PollProcess:
    """The poller in a child process; see the module docstring."""

    def __init__(
        self,
        options: Options,
        *,
        python: Sequence[str] = (sys.executable,),
        restart_delays_s: Sequence[float] = RESTART_DELAYS_S,
        env: dict[str, str] | None = None,
        fork: bool = False,
    ) -> None:
        """``fork``: start the first child by forking this process (see :mod:`skafu_tui.poll_fork`;
        only while it has a single thread); ``python`` and ``env`` are for spawned children."""
        self.options = options
        self.fork = fork
        self.python = tuple(python)
        self.restart_delays_s = tuple(restart_delays_s) or (5.0,)
        self.env = env
        self.clock: Callable[[], datetime] | None = None
        """Scenario time in demo mode, from the child (None: the wall clock)."""
        self.snapshot: Snapshot | None = None
        """Everything the child reported, merged."""
        self._lock = threading.RLock()
        self._on_snapshot: SnapshotCallback | None = None
        self._on_status: StatusCallback | None = None
        self._status: tuple[str, bool] | None = None
        self._unsent_snapshot = False
        self._child: _Child | None = None
        self._generation = 0
        self._failures = 0
        self._restart: threading.Timer | None = None
        self._paused = False
        self._hot: tuple[str, ...] = ()
        self._painted = False
        self._closed = False
        self._done: asyncio.Event | None = None
        self._done_loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def spawn(cls, options: Options, **kwargs: Any) -> PollProcess:
        """A PollProcess whose child is already starting."""
        process = cls(options, **kwargs)
        process.start()
        return process

    # --- the child ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start a child (again); a no-op while one runs or after :meth:`close`."""
        with self._lock:
            if self._closed or (self._child is not None and self._child.process.poll() is None):
                return
            if self._restart is not None:
                self._restart.cancel()
                self._restart = None
            self._generation += 1
            try:
                self._child = self._spawn(self._generation)
                return
            except OSError as error:  # no interpreter, no fork: words, and another try later
                delay = self._schedule_restart()
                why = f"polling cannot start ({error}); retrying in {delay:.0f} s"
        self._status_out(why, True)

    def _schedule_restart(self) -> float:
        """Start a child again after the back-off of this many failures in a row; the delay."""
        delay = self.restart_delays_s[min(self._failures, len(self.restart_delays_s) - 1)]
        self._failures += 1
        self._restart = threading.Timer(delay, self.start)
        self._restart.daemon = True
        self._restart.start()
        return delay

    def _spawn(self, generation: int) -> _Child:
        env = dict(os.environ if self.env is None else self.env)
        # The child imports this package the way this process did, installed or not.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH", ""), _ROOT) if p)
        process, control, data = start_child(self.python, env, fork=self.fork and generation == 1)
        child = _Child(process, control, data, generation)
        self._send(child, "options", self.options)
        if self._paused:
            self._send(child, "pause", True)
        if self._hot:
            self._send(child, "hot", self._hot)
        if self._painted:
            self._send(child, "painted")  # a restarted child: the dashboard is long on screen
        threading.Thread(target=self._read, args=(child,), name=f"poll-reader-{generation}", daemon=True).start()
        threading.Thread(target=self._drain, args=(child,), name=f"poll-stderr-{generation}", daemon=True).start()
        return child

    @property
    def pid(self) -> int | None:
        child = self._child
        return child.process.pid if child is not None else None

    def _send(self, child: _Child | None, *message: Any) -> None:
        if child is None:
            return
        # A dead child's pipe: its reader reports the exit.
        with contextlib.suppress(OSError, ValueError):
            child.control.write(encode(message))
            child.control.flush()

    def _drain(self, child: _Child) -> None:
        assert child.process.stderr is not None
        with child.process.stderr as stream:
            for raw in stream:
                line = raw.decode(errors="replace").strip()
                if line:
                    child.stderr.append(line)

    def _read(self, child: _Child) -> None:
        cause = ""
        try:
            while (message := read_message(child.data)) is not None:
                self._handle(child, message)
        except WireError as error:
            cause = f"unreadable output ({error})"
        except Exception as error:  # a bug here must still end as words, not a silent thread death
            cause = f"{type(error).__name__}: {error}"
        finally:
            with contextlib.suppress(OSError):
                child.data.close()
        if cause:
            # Nobody reads it any more: stop it (it is restarted like any other failure).
            with contextlib.suppress(ProcessLookupError):
                child.process.kill()
        code = child.process.wait()
        self._exited(child, code, cause)

    def _handle(self, child: _Child, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "status":
            text, failed = str(message[1]), bool(message[2])
            if failed:
                child.failure = text
            self._status_out(text, failed)
        elif kind == "clock":
            origin, zero, speed = message[1], float(message[2]), float(message[3])
            self.clock = _scenario_clock(origin, zero, speed)
        elif kind == "delta":
            with self._lock:
                first = child.deltas == 0 and child.generation > 1
                child.deltas += 1
                self.snapshot = apply_delta(self.snapshot, message[1], first_of_generation=first)
                if child.deltas > 1:
                    self._failures = 0  # it polls again
            self._snapshot_out()

    def _exited(self, child: _Child, code: int, cause: str) -> None:
        with self._lock:
            if self._closed or child is not self._child:
                return
            why = cause or child.failure or _describe_exit(code)
            if not child.failure and child.stderr and code != EXIT_SESSION_ENDED:
                why += f": {child.stderr[-1]}"
            first_failure = self._failures == 0
            if self.snapshot is not None:
                now = self.clock() if self.clock is not None else datetime.now(UTC)
                self.snapshot = stopped(self.snapshot, f"polling stopped ({why})", now)
            # An invalid config (edited since the dashboard started) fails the same way again: the
            # operator fixes it and presses r.
            if code == EXIT_BAD_CONFIG:
                then = "r restarts it"
            else:
                then = f"restarting in {self._schedule_restart():.0f} s (r: now)"
        self._status_out(f"polling stopped ({why}); {then}", first_failure)
        self._snapshot_out()

    # --- delivery ----------------------------------------------------------------------------

    def attach(self, on_snapshot: SnapshotCallback, on_status: StatusCallback) -> None:
        """Receive Snapshots and status from now on, starting with the latest of each so far."""
        with self._lock:
            self._on_snapshot, self._on_status = on_snapshot, on_status
            status, self._status = self._status, None
            pending = self._unsent_snapshot
        if status is not None:
            on_status(*status)
        if pending:
            self._snapshot_out()

    def _status_out(self, text: str, failed: bool) -> None:
        with self._lock:
            callback = self._on_status
            if callback is None:
                # Before the UI attaches only the latest counts, unless an earlier one was a failure.
                if self._status is None or failed or not self._status[1]:
                    self._status = (text, failed)
                return
        callback(text, failed)

    def _snapshot_out(self) -> None:
        with self._lock:
            callback, snapshot = self._on_snapshot, self.snapshot
            self._unsent_snapshot = callback is None and snapshot is not None
        if callback is not None and snapshot is not None:
            callback(snapshot)

    # --- the live session's interface --------------------------------------------------------

    def refresh_now(self) -> None:
        with self._lock:
            child = self._child
            dead = child is None or child.process.poll() is not None
        if dead:
            self.start()
        else:
            self._send(child, "refresh")

    def painted(self) -> None:
        """The dashboard's first frame is on screen: the child's first poll may start (see poll_child)."""
        with self._lock:
            self._painted = True
            self._send(self._child, "painted")

    def set_paused(self, paused: bool) -> None:
        with self._lock:  # a child being started gets the state it is sent, not a stale one
            self._paused = paused
            self._send(self._child, "pause", paused)

    def set_hot_services(self, names: Iterable[str]) -> None:
        hot = tuple(sorted(set(names)))
        with self._lock:
            if hot != self._hot:
                self._hot = hot
                self._send(self._child, "hot", hot)

    async def run(self) -> None:
        """Until :meth:`close`: the child does the work; this is the session's lifetime in the app."""
        import asyncio  # here: the dashboard starts the child before it imports asyncio (~25 ms)

        self._done_loop = asyncio.get_running_loop()
        self._done = asyncio.Event()
        if self._closed:
            return
        if self._child is None:
            self.start()
        await self._done.wait()

    def close(self, timeout: float = 1.0) -> None:
        """Tell the child to stop (closing its control pipe) and wait up to ``timeout`` for it.

        A child that is still cleaning up (the demo endpoint stops with it) finishes on its own;
        one that does not react is killed. Safe to call more than once, from any thread.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            child, self._child = self._child, None
            if self._restart is not None:
                self._restart.cancel()
        if self._done is not None and self._done_loop is not None:
            with contextlib.suppress(RuntimeError):
                self._done_loop.call_soon_threadsafe(self._done.set)
        if child is None:
            return
        with contextlib.suppress(OSError, ValueError):
            child.control.close()
        try:
            child.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                child.process.kill()

    async def aclose(self) -> None:
        import asyncio

        await asyncio.to_thread(self.close)


def _scenario_clock(origin: datetime, zero: float, speed: float) -> Callable[[], datetime]:
    import time

    def now() -> datetime:
        return origin + timedelta(seconds=(time.monotonic() - zero) * speed)

    return now
