"""Run a program under a real pseudo-terminal and measure what a terminal would receive.

No Textual test driver is involved: the child sees a tty of the given size, and every byte
it writes is counted with a timestamp, so first-paint time, bytes per minute and keypress
latency are what an SSH session would carry.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class Chunk:
    at: float
    data: bytes


@dataclass
class PtyProcess:
    """A child on a pty; output is read continuously on a thread."""

    argv: Sequence[str]
    cols: int = 120
    rows: int = 40
    env: dict[str, str] | None = None
    pid: int = 0
    fd: int = -1
    started_at: float = 0.0
    chunks: list[Chunk] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _reader: threading.Thread | None = None
    _closed: bool = False

    def start(self) -> PtyProcess:
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("TERM", "xterm-256color")
        env["COLUMNS"], env["LINES"] = str(self.cols), str(self.rows)
        self.started_at = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            try:
                os.execvpe(self.argv[0], list(self.argv), env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        return self

    def _read_loop(self) -> None:
        while not self._closed:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.1)
                if not ready:
                    continue
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.chunks.append(Chunk(time.perf_counter(), data))
            self._answer_queries(data)

    def _answer_queries(self, data: bytes) -> None:
        # Textual asks the terminal for its cursor position / device attributes at start;
        # a real terminal answers, so we do too, or the app waits for a reply.
        if b"\x1b[6n" in data:
            os.write(self.fd, b"\x1b[1;1R")
        if b"\x1b[c" in data:
            os.write(self.fd, b"\x1b[?62;22c")

    def output_since(self, t0: float) -> bytes:
        with self._lock:
            return b"".join(c.data for c in self.chunks if c.at >= t0)

    def bytes_between(self, t0: float, t1: float) -> int:
        with self._lock:
            return sum(len(c.data) for c in self.chunks if t0 <= c.at < t1)

    def wait_for(self, needle: bytes | Callable[[bytes], bool], timeout: float, since: float = 0.0) -> float | None:
        """Time (perf_counter) of the chunk that completed ``needle``, or None on timeout."""
        deadline = time.perf_counter() + timeout
        check = needle if callable(needle) else (lambda buf: needle in buf)
        while time.perf_counter() < deadline:
            with self._lock:
                buf = b""
                for c in self.chunks:
                    if c.at < since:
                        continue
                    buf += c.data
                    if check(buf):
                        return c.at
            time.sleep(0.005)
        return None

    def send(self, keys: bytes) -> float:
        t = time.perf_counter()
        os.write(self.fd, keys)
        return t

    def quiet_after(self, t0: float, quiet: float = 0.15, timeout: float = 5.0) -> float:
        """The time of the last output chunk after t0, once output has been quiet for ``quiet``."""
        deadline = time.perf_counter() + timeout
        last = t0
        while time.perf_counter() < deadline:
            with self._lock:
                later = [c.at for c in self.chunks if c.at >= t0]
            if later:
                last = max(later)
            if time.perf_counter() - last >= quiet and later:
                return last
            time.sleep(0.01)
        return last

    def cpu_seconds(self) -> float:
        """utime+stime of the child and its waited-for children, from /proc."""
        with open(f"/proc/{self.pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def rss_mib(self) -> float:
        with open(f"/proc/{self.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self, timeout: float = 5.0) -> None:
        if self.pid <= 0:
            return
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self._closed = True
        try:
            os.close(self.fd)
        except OSError:
            pass
        self.pid = 0
