"""The terminal driver: Textual's Linux driver, writing each frame from the event loop's thread.

Textual hands every write to an output thread through a queue. That thread needs the GIL to pick
the frame up, and the event loop keeps the GIL for the rest of the keypress (the Resize and Show
messages of the widgets just shown), handing it over only every switch interval (5 ms): measured
over a pseudo-terminal, a pane switch's frame reached the terminal 4-17 ms after it was ready,
about a third of the whole keypress-to-screen time. Writing in place sends it at once. The write
blocks only while the terminal's buffer is full (a stalled terminal would stall the app either
way: Textual's queue holds 30 writes, then blocks too); the output thread stays, idle.
"""

from __future__ import annotations

import threading

from textual.drivers.linux_driver import LinuxDriver

__all__ = ["DirectWriteDriver"]


class DirectWriteDriver(LinuxDriver):
    """``LinuxDriver`` whose writes go straight to the terminal from the calling thread."""

    _write_lock = threading.Lock()
    """Writes come from the event loop; the lock keeps any other thread's write whole."""

    def write(self, data: str) -> None:
        out = self._file
        if out is None:
            return  # no stderr to write to (Textual writes nowhere then either)
        with self._write_lock:
            out.write(data)
            out.flush()
