"""Starting the poll process: forked while the dashboard is still single-threaded, else spawned.

The dashboard starts its poll process ~50 ms after it starts, before Textual or any thread
exists. Forking it then saves the child a Python start-up and the imports the two share (~0.1 s
of CPU on the way to the first full data); the fork is immediately detached from the terminal
(own session, /dev/null on stdin and stdout, stderr to a pipe the dashboard reads) and exits with
``os._exit``, so none of the dashboard's exit handlers run twice. Later starts (restarts, with the
UI's threads running) spawn a fresh interpreter, where a fork could inherit a lock held by
another thread.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from typing import IO


class Forked:
    """A forked child, with the part of ``Popen``'s interface the dashboard uses."""

    def __init__(self, pid: int, stderr: IO[bytes]) -> None:
        self.pid = pid
        self.stderr: IO[bytes] | None = stderr
        self.returncode: int | None = None
        self._lock = threading.Lock()

    def _reap(self, flags: int) -> int | None:
        try:
            pid, status = os.waitpid(self.pid, flags)
        except ChildProcessError:  # reaped by another thread's call: it stores the code
            return self.returncode
        with self._lock:
            if pid and self.returncode is None:
                self.returncode = os.waitstatus_to_exitcode(status)
            return self.returncode

    def poll(self) -> int | None:
        return self.returncode if self.returncode is not None else self._reap(os.WNOHANG)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll() if deadline is not None else self._reap(0)) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("poll process", timeout or 0.0)
            time.sleep(0.01)
        return code

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


def _in_fork(control_r: int, data_w: int, stderr_w: int, keep: tuple[int, ...], close: tuple[int, ...]) -> None:
    """The forked child: detach from the terminal, run the poll process, never return."""
    code = 1
    try:
        os.setsid()  # the terminal's ctrl+c and hang-up are the dashboard's to handle
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.dup2(stderr_w, 2)
        for fd in (devnull, stderr_w, *close):
            with contextlib.suppress(OSError):
                os.close(fd)
        from skafu_tui.poll_child import main

        code = main([str(fd) for fd in keep])
    except BaseException:  # whatever happens, it ends here with a status the dashboard reads
        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(code)


def start_child(python: Sequence[str], env: dict[str, str], *, fork: bool
                ) -> tuple[subprocess.Popen[bytes] | Forked, IO[bytes], IO[bytes]]:
    """Start ``python -m skafu_tui.poll_child`` (or fork into it); returns the process, the
    control stream to write and the data stream to read."""
    control_r, control_w = os.pipe()
    data_r, data_w = os.pipe()
    process: subprocess.Popen[bytes] | Forked
    try:
        if fork and threading.active_count() == 1:
            stderr_r, stderr_w = os.pipe()
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()  # or the child would write the same buffered bytes again
            pid = os.fork()
            if pid == 0:
                _in_fork(control_r, data_w, stderr_w, keep=(control_r, data_w),
                         close=(control_w, data_r, stderr_r))  # fmt: skip
            os.close(stderr_w)
            process = Forked(pid, os.fdopen(stderr_r, "rb"))
        else:
            process = subprocess.Popen(
                [*python, "-m", "skafu_tui.poll_child", str(control_r), str(data_w)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                pass_fds=(control_r, data_w), env=env,
                # Its own session: ctrl+c in the terminal (before the UI takes the keyboard, or
                # after) reaches the dashboard only, which then closes the control pipe.
                start_new_session=True,
            )  # fmt: skip
    except BaseException:
        os.close(control_w)
        os.close(data_r)
        raise
    finally:
        os.close(control_r)
        os.close(data_w)
    return process, os.fdopen(control_w, "wb"), os.fdopen(data_r, "rb")
