"""The poll process: the live session (demo endpoint, poller) in a child of the dashboard.

    python -m skafu_tui.poll_child CONTROL_FD DATA_FD

The dashboard starts it before importing Textual, so AWS imports, client creation and response
parsing run on another core while the UI imports and paints, and a poll never holds the UI's
GIL. It reads control messages from CONTROL_FD and writes status, the demo clock and Snapshot
deltas to DATA_FD (see :mod:`skafu_tui.poll_wire`). It stops when CONTROL_FD reaches its end:
the dashboard closed it or died. It never writes to the terminal: stdout is /dev/null, stderr
is read by the dashboard. Exit status: 0 when told to stop, 2 for an invalid config, 3 when the
session ended by itself (its cause already sent as a failed status), 4 for a broken pipe.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import queue
import sys
import threading
import time
from typing import IO, TYPE_CHECKING, Any

from skafu_tui.heap import trim_heap
from skafu_tui.poll_wire import encode, read_message, snapshot_delta
from skafu_tui.snapshot import SourceStatus

if TYPE_CHECKING:
    from skafu_tui.live import LiveSession
    from skafu_tui.options import Options
    from skafu_tui.snapshot import Snapshot

EXIT_STOPPED = 0
EXIT_BAD_CONFIG = 2
EXIT_SESSION_ENDED = 3
EXIT_NO_PARENT = 4

GC_AFTER_FIRST_POLLS_S = 1.0
GC_AT_LATEST_S = 60.0
"""The collector, paused for the start-up, runs again after this long even if a source never reported."""
FIRST_POLL_WAITS_FOR_PAINT_S = 1.0
"""Against a running endpoint the first poll waits for the dashboard's first frame, this long at most:
the endpoint answering it (moto on the same machine, in the benchmark) competed with that frame for
the CPU. Not with --demo: the embedded endpoint's start-up takes longer than the frame anyway."""
NICENESS = 5
"""Added to the poll process's nice value: it yields the CPU to the dashboard when they compete."""
PARENT_CHECK_S = 1.0
"""How often the child checks that the dashboard still exists (a belt to the pipe's braces)."""


class Outbox:
    """Frames to the dashboard, written by a thread: the event loop never blocks on a full pipe."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.broken = threading.Event()
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._write, name="poll-outbox", daemon=True)
        self._thread.start()

    def send(self, *message: Any) -> None:
        if not self.broken.is_set():
            self._queue.put(encode(message))

    def _write(self) -> None:
        while (frame := self._queue.get()) is not None:
            try:
                self.stream.write(frame)
                self.stream.flush()
            except (BrokenPipeError, ValueError, OSError):
                self.broken.set()
                return

    def close(self, timeout: float = 2.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)
        with contextlib.suppress(OSError, ValueError):
            self.stream.close()


class Child:
    """One poll process: forwards the session's output, applies the dashboard's controls."""

    def __init__(self, options: Options, control: IO[bytes], outbox: Outbox) -> None:
        self.options = options
        self.control = control
        self.outbox = outbox
        self.session: LiveSession | None = None
        self._sent: Snapshot | None = None
        self._clock_sent = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._parent = os.getppid()
        self._paused = False
        self._hot: tuple[str, ...] = ()
        self._painted = asyncio.Event()

    # --- session → dashboard ---------------------------------------------------------------

    def on_status(self, text: str, failed: bool) -> None:
        self.outbox.send("status", text, failed)

    def on_snapshot(self, snapshot: Snapshot) -> None:
        session = self.session
        if not self._clock_sent and session is not None and session.clock is not None:
            # Scenario time runs at the demo's speed from this reading on (CLOCK_MONOTONIC is
            # the same clock in both processes).
            self.outbox.send("clock", session.clock(), time.monotonic(), self.options.speed)
            self._clock_sent = True
        self.outbox.send("delta", snapshot_delta(self._sent, snapshot))
        self._sent = snapshot
        if not gc.isenabled() and self._loop is not None and not any(
            s.status is SourceStatus.PENDING for s in snapshot.sources.values()
        ):
            # Not now: a full collection holds the GIL for ~0.1 s, and the outbox has this
            # Snapshot, the one the dashboard is waiting for, still to write.
            self._loop.call_later(GC_AFTER_FIRST_POLLS_S, self._start_gc)

    @staticmethod
    def _start_gc() -> None:
        """The first polls are in: what was built to make them (modules, ~17 MB of service models,
        clients) lives as long as we do. Collect once, then keep it out of the collector's sight so
        later collections do not walk it again and again."""
        if not gc.isenabled():
            gc.collect()
            gc.freeze()
            gc.enable()
            trim_heap()

    # --- dashboard → session ---------------------------------------------------------------

    def _read_controls(self) -> None:
        """Runs on a thread; every message is applied on the event loop."""
        try:
            while (message := read_message(self.control)) is not None:
                self._call(self._apply, message)
        except Exception as error:  # a torn control stream is a dead dashboard: stop
            self.on_status(f"control stream broken: {error}", True)
        self._call(self._request_stop)

    def _call(self, fn: Any, *args: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(fn, *args)

    def _apply(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "painted":
            self._painted.set()
        elif kind == "pause":
            self._paused = bool(message[1])
        elif kind == "hot":
            self._hot = tuple(str(name) for name in message[1])
        session = self.session
        if session is None:
            return  # kept above; applied when the session starts
        if kind == "refresh":
            session.refresh_now()
        elif kind == "pause":
            session.set_paused(self._paused)
        elif kind == "hot":
            session.set_hot_services(self._hot)

    def _request_stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    async def _watch_parent(self) -> None:
        stop = self._stop
        assert stop is not None
        while not stop.is_set():
            if self.outbox.broken.is_set() or os.getppid() != self._parent:
                stop.set()
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), PARENT_CHECK_S)

    # --- lifetime --------------------------------------------------------------------------

    async def run(self) -> int:
        self._loop = asyncio.get_running_loop()
        self._loop.call_later(GC_AT_LATEST_S, self._start_gc)  # should a source never report
        self._stop = asyncio.Event()
        threading.Thread(target=self._read_controls, name="poll-control", daemon=True).start()
        from skafu_tui.config import ConfigError, load_config

        try:
            cfg = load_config(self.options.config_path).config
        except ConfigError as error:
            first = str(error.problems[0]) if error.problems else "invalid"
            self.on_status(f"the config is not valid: {first}", True)
            return EXIT_BAD_CONFIG
        from skafu_tui.live import LiveSession

        self.session = LiveSession(cfg, self.options, self.on_snapshot, self.on_status)
        # Controls that arrived while the config loaded (applied here, or by _apply if still queued).
        if self._paused:
            self.session.set_paused(True)
        if self._hot:
            self.session.set_hot_services(self._hot)
        if not self.options.demo:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._painted.wait(), FIRST_POLL_WAITS_FOR_PAINT_S)
        session_task = asyncio.create_task(self.session.run(), name="live-session")
        stop_task = asyncio.create_task(self._stop.wait(), name="stop")
        watch_task = asyncio.create_task(self._watch_parent(), name="watch-parent")
        try:
            await asyncio.wait({session_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            told_to_stop = self._stop.is_set()
            for task in (session_task, stop_task, watch_task):
                task.cancel()
            await asyncio.gather(session_task, stop_task, watch_task, return_exceptions=True)
            await self.session.aclose()
        if told_to_stop:
            return EXIT_NO_PARENT if self.outbox.broken.is_set() else EXIT_STOPPED
        # The session ended by itself: LiveSession reported why (a demo that did not start), or raised.
        failure = None if session_task.cancelled() else session_task.exception()
        if failure is not None:
            self.on_status(f"polling stopped: {type(failure).__name__}: {failure}", True)
        return EXIT_SESSION_ENDED


def main(argv: list[str]) -> int:
    # Until the first polls are in (see Child.on_snapshot): start-up builds long-lived objects
    # only, and the collector would walk the growing heap for nothing on the way to the first data.
    gc.disable()
    with contextlib.suppress(OSError):
        # When both want the CPU (start-up, a busy machine), the dashboard's frames go first.
        os.nice(NICENESS)
    control_fd, data_fd = int(argv[0]), int(argv[1])
    for fd in (control_fd, data_fd):
        # Inherited by no one (the demo endpoint is our child): the dashboard must see EOF when we die.
        os.set_inheritable(fd, False)
    control = os.fdopen(control_fd, "rb")
    outbox = Outbox(os.fdopen(data_fd, "wb"))
    try:
        first = read_message(control)
        if first is None or first[0] != "options":
            return EXIT_NO_PARENT
        return asyncio.run(Child(first[1], control, outbox).run())
    except KeyboardInterrupt:
        return EXIT_STOPPED
    except Exception as error:  # the dashboard shows it in words; the traceback goes to stderr
        outbox.send("status", f"polling stopped: {type(error).__name__}: {error}", True)
        raise
    finally:
        outbox.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
