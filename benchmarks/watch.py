"""Follow a pty child frame by frame and ask what is on screen after each frame.

A frame is the bytes up to Textual's synchronized-output end (``ESC[?2026l``); each complete frame
is applied to a :class:`~benchmarks.screen.Screen`, so "painted" means "the screen shows it",
whatever styles or cursor moves split the text in the byte stream.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from benchmarks.pty_harness import SYNC_END, PtyProcess
from benchmarks.screen import Screen

Predicate = Callable[[Screen], bool]


class Watcher:
    def __init__(self, proc: PtyProcess) -> None:
        self.proc = proc
        self.screen = Screen(proc.cols, proc.rows)
        self.pos = 0
        self.last_frame_at: float | None = None

    def _next_frame(self, deadline: float) -> float | None:
        end = self.proc.wait_offset(SYNC_END, max(0.0, deadline - time.perf_counter()), self.pos)
        if end is None:
            return None
        self.screen.feed(self.proc.read_range(self.pos, end))
        self.pos = end
        self.last_frame_at = self.proc.time_of(end)
        return self.last_frame_at

    def resized(self) -> None:
        """Follow the process's new size (after :meth:`PtyProcess.resize`); the next frames repaint all."""
        self.catch_up()
        self.screen = Screen(self.proc.cols, self.proc.rows)

    def until(self, predicate: Predicate, timeout: float) -> float | None:
        """Time of the end of the first frame (after those already seen) that makes ``predicate`` true."""
        deadline = time.perf_counter() + timeout
        while True:
            at = self._next_frame(deadline)
            if at is None:
                return None
            if predicate(self.screen):
                return at

    def catch_up(self) -> None:
        """Apply every frame complete so far."""
        while self.proc.find(SYNC_END, self.pos) is not None:
            self._next_frame(time.perf_counter())

    def settle(self, quiet: float = 0.25, timeout: float = 10.0) -> float | None:
        """End of the last frame of the current burst: once no byte came for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            last = self.proc.last_output_at()
            if last is not None and time.perf_counter() - last >= quiet:
                break
            time.sleep(0.01)
        self.catch_up()
        return self.last_frame_at

    def press(self, key: bytes, predicate: Predicate, timeout: float = 15.0, quiet: float = 0.25
              ) -> tuple[float | None, float | None]:
        """Send ``key`` when the screen is idle; (seconds to the frame satisfying ``predicate``,
        seconds to the end of the burst). Either is None when it did not happen within ``timeout``."""
        self.settle(quiet=quiet, timeout=timeout)
        t0 = self.proc.send(key)
        painted = self.until(predicate, timeout)
        if painted is None:
            return None, None
        settled = self.settle(quiet=quiet, timeout=timeout)
        return painted - t0, (settled if settled is not None else painted) - t0
