"""Run a program under a real pseudo-terminal and measure what a terminal would receive.

No Textual test driver is involved: the child sees a tty of the given size, and every byte
it writes is counted with a timestamp, so first-paint time, bytes per minute and keypress
latency are what an SSH session would carry.

The harness answers the queries a modern terminal answers (cursor position, device attributes
and DECRQM for synchronized output, mode 2026). Textual then wraps every frame in
``ESC[?2026h … ESC[?2026l``, so the end of a painted frame is a byte sequence, not a guess.
Timestamps are ``time.perf_counter()`` (CLOCK_MONOTONIC on Linux: comparable across processes).
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"

# Query → answer of a terminal that supports what Textual asks about.
_ANSWERS: tuple[tuple[bytes, bytes], ...] = (
    (b"\x1b[6n", b"\x1b[1;1R"),  # cursor position report
    (b"\x1b[c", b"\x1b[?62;22c"),  # primary device attributes
    (b"\x1b[?2026$p", b"\x1b[?2026;2$y"),  # synchronized output: supported, currently reset
)

Needle = bytes | re.Pattern[bytes] | Callable[[bytes], bool]


@dataclass
class Chunk:
    at: float
    data: bytes


@dataclass
class PtyProcess:
    """A child on a pty; output is read continuously on a thread.

    The output is kept as one byte stream plus the end offset and arrival time of every read, so
    searches run over the stream once instead of re-joining chunks on every poll.
    """

    argv: Sequence[str]
    cols: int = 120
    rows: int = 40
    env: dict[str, str] | None = None
    pid: int = 0
    fd: int = -1
    started_at: float = 0.0
    exit_status: int | None = None
    _stream: bytearray = field(default_factory=bytearray)
    _ends: list[int] = field(default_factory=list)
    _times: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _reader: threading.Thread | None = None
    _closed: bool = False

    def start(self) -> PtyProcess:
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("TERM", "xterm-256color")
        # The size is the pty's (set below): COLUMNS/LINES would pin it, and the child would ignore
        # every resize (shutil.get_terminal_size, which Textual asks on SIGWINCH, prefers them).
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.started_at = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            try:
                # The size must be set before exec, or a fast child reads a 0x0 terminal.
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
                os.execvpe(self.argv[0], list(self.argv), env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        self._reader = threading.Thread(target=self._read_loop, name=f"pty-{pid}", daemon=True)
        self._reader.start()
        return self

    def __enter__(self) -> PtyProcess:
        return self.start() if self.pid == 0 else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- reading -----------------------------------------------------------------------

    def _read_loop(self) -> None:
        while not self._closed:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.1)
                if not ready:
                    continue
                data = os.read(self.fd, 65536)
            except OSError:  # EIO: the child closed the pty (exited)
                return
            if not data:
                return
            now = time.perf_counter()
            with self._lock:
                self._stream += data
                self._ends.append(len(self._stream))
                self._times.append(now)
            self._answer_queries(data)

    def _answer_queries(self, data: bytes) -> None:
        # A real terminal answers these; without answers Textual waits or skips sync output.
        for query, answer in _ANSWERS:
            if query in data:
                try:
                    os.write(self.fd, answer)
                except OSError:
                    return

    @property
    def chunks(self) -> list[Chunk]:
        """Every read, with its arrival time (a copy)."""
        with self._lock:
            starts = [0, *self._ends[:-1]]
            return [Chunk(t, bytes(self._stream[s:e])) for s, e, t in zip(starts, self._ends, self._times, strict=True)]

    @property
    def total_bytes(self) -> int:
        with self._lock:
            return len(self._stream)

    def offset_at(self, t0: float) -> int:
        """Stream offset of the first byte that arrived at or after ``t0``."""
        with self._lock:
            i = bisect.bisect_left(self._times, t0)
            return 0 if i == 0 else self._ends[i - 1]

    def time_of(self, offset: int) -> float:
        """Arrival time of the read holding the byte just before ``offset`` (the end of a match)."""
        with self._lock:
            i = bisect.bisect_left(self._ends, offset)
            return self._times[min(i, len(self._times) - 1)]

    def read_range(self, start: int, end: int) -> bytes:
        with self._lock:
            return bytes(self._stream[start:end])

    def output_since(self, t0: float) -> bytes:
        start = self.offset_at(t0)
        with self._lock:
            return bytes(self._stream[start:])

    def bytes_between(self, t0: float, t1: float) -> int:
        with self._lock:
            lo = bisect.bisect_left(self._times, t0)
            hi = bisect.bisect_left(self._times, t1)
            start = 0 if lo == 0 else self._ends[lo - 1]
            end = 0 if hi == 0 else self._ends[hi - 1]
            return end - start

    def last_output_at(self) -> float | None:
        with self._lock:
            return self._times[-1] if self._times else None

    # --- waiting -----------------------------------------------------------------------

    def find(self, needle: Needle, start: int = 0) -> int | None:
        """Stream offset just past the first match of ``needle`` at or after ``start``."""
        with self._lock:
            view = bytes(self._stream[start:])
        if isinstance(needle, bytes):
            i = view.find(needle)
            return None if i < 0 else start + i + len(needle)
        if isinstance(needle, re.Pattern):
            m = needle.search(view)
            return None if m is None else start + m.end()
        # A predicate: grow the prefix read by read until it holds.
        with self._lock:
            ends = [e for e in self._ends if e > start]
        for end in ends:
            if needle(view[: end - start]):
                return end
        return None

    def wait_for(self, needle: Needle, timeout: float, since: float = 0.0) -> float | None:
        """Arrival time of the read that completed ``needle`` (output after ``since``), or None."""
        found = self.wait_offset(needle, timeout, self.offset_at(since) if since else 0)
        return None if found is None else self.time_of(found)

    def wait_offset(self, needle: Needle, timeout: float, start: int = 0) -> int | None:
        """Stream offset just past ``needle``'s first match at or after ``start``, or None on timeout
        (also at once if the child has exited and no more output can come)."""
        deadline = time.perf_counter() + timeout
        while True:
            found = self.find(needle, start)
            if found is not None:
                return found
            if time.perf_counter() >= deadline or not self.alive():
                return self.find(needle, start)
            time.sleep(0.005)

    def wait_frame(self, needle: Needle, timeout: float, start: int = 0) -> tuple[float, int] | None:
        """(time, offset) of the end of the first frame, at or after ``start``, whose bytes complete
        ``needle``; falls back to the read holding the match when frames are not delimited."""
        found = self.wait_offset(needle, timeout, start)
        if found is None:
            return None
        with self._lock:
            opened = self._stream.rfind(SYNC_START, 0, found)
            in_frame = opened >= 0 and self._stream.find(SYNC_END, opened, found) < 0
        if not in_frame:
            return self.time_of(found), found
        end = self.wait_offset(SYNC_END, max(0.5, timeout), found)
        if end is None:
            return self.time_of(found), found
        return self.time_of(end), end

    def settle(
        self, start: int, quiet: float = 0.25, timeout: float = 10.0, first_timeout: float = 10.0
    ) -> float | None:
        """Time the burst of output starting at offset ``start`` ended: the arrival of its last read,
        once nothing more came for ``quiet`` seconds. None if nothing came within ``first_timeout``."""
        deadline = time.perf_counter() + first_timeout
        while self.total_bytes <= start:
            if time.perf_counter() >= deadline or not self.alive():
                return None
            time.sleep(0.002)
        deadline = time.perf_counter() + timeout
        while True:
            last = self.last_output_at()
            now = time.perf_counter()
            if last is not None and now - last >= quiet:
                return last
            if now >= deadline:
                return last
            time.sleep(0.005)

    def quiet_after(self, t0: float, quiet: float = 0.15, timeout: float = 5.0) -> float:
        """The time of the last output after t0, once output has been quiet for ``quiet``."""
        found = self.settle(self.offset_at(t0), quiet=quiet, timeout=timeout, first_timeout=timeout)
        return t0 if found is None else found

    # --- input and process state ---------------------------------------------------------

    def resize(self, cols: int, rows: int) -> None:
        """Change the terminal's size; the kernel signals SIGWINCH to the child, as a terminal window would."""
        self.cols, self.rows = cols, rows
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def send(self, keys: bytes) -> float:
        t = time.perf_counter()
        os.write(self.fd, keys)
        return t

    def alive(self) -> bool:
        if self.pid <= 0 or self.exit_status is not None:
            return False
        try:
            done, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        if done:
            self.exit_status = status
            return False
        return True

    def cpu_seconds(self) -> float:
        """utime+stime of the child itself (not its children), from /proc."""
        return process_cpu_seconds(self.pid)

    def rss_mib(self) -> float:
        """Resident set of the child in MiB (raises ProcessLookupError once it has exited)."""
        return process_rss_mib(self.pid)

    def stop(self, timeout: float = 5.0) -> None:
        if self.pid <= 0:
            return
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.alive():
                time.sleep(0.05)
            if self.alive():
                try:
                    os.kill(self.pid, signal.SIGKILL)
                    _, self.exit_status = os.waitpid(self.pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
        self._closed = True
        if self._reader is not None:
            self._reader.join(1.0)
        with contextlib.suppress(OSError):
            os.close(self.fd)
        self.pid = 0


def process_cpu_seconds(pid: int) -> float:
    """utime+stime of one process, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        raise ProcessLookupError(pid) from None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def process_pss_mib(pid: int) -> float:
    """Proportional set size of one process in MiB: pages shared with other processes (a forked
    child's copy-on-write pages) count a share each, so a process tree's PSS sum is its footprint."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    raise ProcessLookupError(pid)


def process_rss_mib(pid: int) -> float:
    """VmRSS of one process in MiB; a zombie (no VmRSS line) or a missing process raises."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    raise ProcessLookupError(pid)
