"""The terminal driver: Textual's Linux driver with quicker output and a quicker lone Escape.

Output: Textual hands every write to an output thread through a queue. That thread needs the GIL
to pick the frame up, and the event loop keeps the GIL for the rest of the keypress (the Resize and
Show messages of the widgets just shown), handing it over only every switch interval (5 ms):
measured over a pseudo-terminal, a pane switch's frame reached the terminal 4-17 ms after it was
ready, about a third of the whole keypress-to-screen time. Writing in place sends it at once. The
write blocks only while the terminal's buffer is full (a stalled terminal would stall the app
either way: Textual's queue holds 30 writes, then blocks too); the output thread stays, idle.

Input: an Escape byte alone may be the Escape key or the start of a key's sequence; the parser
tells them apart by waiting :data:`ESCAPE_DELAY_S` for more. Textual's input loop looks at the
parser's clock only when its 100 ms ``select`` returns, so `escape` (back from every drill-down)
took ~110 ms. This loop wakes when the parser's wait ends. The delay is 30 ms unless ``ESCDELAY``
(milliseconds, the curses convention) says otherwise: a terminal sends a key's sequence in one
write, and tmux's own default escape-time is 10 ms.
"""

from __future__ import annotations

import os
import selectors
import threading
from codecs import getincrementaldecoder

from textual import constants
from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

__all__ = ["ESCAPE_DELAY_S", "TerminalDriver"]

ESCAPE_DELAY_S = 0.03
IDLE_WAIT_S = 0.1
"""How often the input loop looks at the exit flag when no byte comes."""
READ_SIZE = 4096


class TerminalDriver(LinuxDriver):
    """``LinuxDriver`` writing straight to the terminal, reading with the parser's own timeouts."""

    _write_lock = threading.Lock()
    """Writes come from the event loop; the lock keeps any other thread's write whole."""

    def write(self, data: str) -> None:
        out = self._file
        if out is None:
            return  # no stderr to write to (Textual writes nowhere then either)
        with self._write_lock:
            out.write(data)
            out.flush()

    def run_input_thread(self) -> None:
        if "ESCDELAY" not in os.environ:
            constants.ESCAPE_DELAY = ESCAPE_DELAY_S  # type: ignore[misc]  # read by the parser per Escape
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        try:
            while not self.exit_event.is_set():
                if selector.select(_wait(parser)):
                    raw = os.read(self.fileno, READ_SIZE)
                    if not raw:
                        break  # end of input (a closed pipe)
                    for event in parser.feed(decode(raw)):  # "" while a character is incomplete
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass


def _wait(parser: XTermParser) -> float:
    """Until the parser's pending timeout (a lone Escape), else :data:`IDLE_WAIT_S`."""
    deadline: float | None = getattr(parser, "_timeout_time", None)
    if deadline is None:
        return IDLE_WAIT_S
    return min(IDLE_WAIT_S, max(0.0, deadline - get_time()))
