"""The dashboard's terminal driver writes each frame at once, in order, from the thread that drew it."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pytest

from benchmarks.procs import FIXTURE, child_env, replay_argv
from benchmarks.pty_harness import PtyProcess
from benchmarks.watch import Watcher
from skafu_tui.ui.app import SkafuApp
from skafu_tui.ui.terminal_driver import TerminalDriver

FRESH = re.compile(r"sources (\d+)/\1 fresh")
SYNC_START, SYNC_END = "\x1b[?2026h", "\x1b[?2026l"


def test_the_dashboard_draws_through_the_direct_write_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    assert SkafuApp(None, start_session=False).get_driver_class() is TerminalDriver


async def test_a_frame_is_on_the_terminal_when_write_returns() -> None:
    driver = TerminalDriver(SkafuApp(None, start_session=False))
    terminal = io.StringIO()
    driver._file = terminal
    threads_before = threading.active_count()
    driver.write(SYNC_START)
    driver.write("frame one")
    driver.write(SYNC_END)
    assert terminal.getvalue() == f"{SYNC_START}frame one{SYNC_END}"  # no queue, no output thread in between
    driver.write("frame two")
    assert terminal.getvalue().endswith(f"{SYNC_END}frame two")
    assert threading.active_count() == threads_before


HELP_ROW = "Cursor down"


def test_through_a_real_terminal_an_arrow_key_is_not_an_escape_and_a_lone_escape_is(tmp_path: Path) -> None:
    """The driver's own input loop: a key's escape sequence stays one key (the help stays open, its
    text scrolls), a lone Escape closes the help."""
    with PtyProcess(replay_argv(FIXTURE, tmp_path), 100, 30, env=child_env()) as app:
        watch = Watcher(app)
        assert watch.until(lambda s: bool(FRESH.search(s.text)), 120.0) is not None
        opened, _ = watch.press(b"?", lambda s: s.has(HELP_ROW), timeout=30.0)
        assert opened is not None
        watch.press(b"\x1b[B", lambda s: True, timeout=5.0)  # arrow down, one write as terminals send it
        watch.settle()
        assert watch.screen.has(HELP_ROW)  # still open
        closed, _ = watch.press(b"\x1b", lambda s: not s.has(HELP_ROW), timeout=30.0)
        assert closed is not None
        assert FRESH.search(watch.screen.text)  # back on the dashboard


def test_a_driver_chosen_with_textual_driver_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.linux_driver:LinuxDriver")
    assert SkafuApp(None, start_session=False).get_driver_class().__name__ == "LinuxDriver"
