"""The dashboard's terminal driver writes each frame at once, in order, from the thread that drew it."""

from __future__ import annotations

import io
import threading

import pytest

from skafu_tui.ui.app import SkafuApp
from skafu_tui.ui.terminal_driver import DirectWriteDriver

SYNC_START, SYNC_END = "\x1b[?2026h", "\x1b[?2026l"


def test_the_dashboard_draws_through_the_direct_write_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    assert SkafuApp(None, start_session=False).get_driver_class() is DirectWriteDriver


async def test_a_frame_is_on_the_terminal_when_write_returns() -> None:
    driver = DirectWriteDriver(SkafuApp(None, start_session=False))
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
