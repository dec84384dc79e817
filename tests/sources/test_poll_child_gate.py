"""The poll process's first poll waits for the dashboard's first frame (against a running endpoint)."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path
from typing import Any

import pytest

import skafu_tui.live
import skafu_tui.poll_child as poll_child
from skafu_tui.options import Options
from skafu_tui.poll_wire import encode

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


class RecordingSession:
    """Stands in for LiveSession (no AWS involved): records when its polling would start."""

    started = asyncio.Event()

    def __init__(self, *args: Any) -> None:
        self.clock = None

    async def run(self) -> None:
        RecordingSession.started.set()
        await asyncio.Event().wait()

    async def aclose(self) -> None:
        pass

    def set_paused(self, paused: bool) -> None:
        pass

    def set_hot_services(self, names: Any) -> None:
        pass


async def _child(monkeypatch: pytest.MonkeyPatch, options: Options) -> tuple[poll_child.Child, Any, int]:
    monkeypatch.setattr(skafu_tui.live, "LiveSession", RecordingSession)
    monkeypatch.setattr(poll_child, "FIRST_POLL_WAITS_FOR_PAINT_S", 30.0)
    RecordingSession.started = asyncio.Event()
    read_end, write_end = os.pipe()
    control = os.fdopen(read_end, "rb")
    outbox = poll_child.Outbox(io.BytesIO())
    child = poll_child.Child(options, control, outbox)
    return child, asyncio.create_task(child.run()), write_end


async def test_the_first_poll_starts_once_the_dashboard_has_painted(monkeypatch: pytest.MonkeyPatch) -> None:
    child, task, control = await _child(monkeypatch, Options(config_path=CONFIG, endpoint_url="http://127.0.0.1:1"))
    for _ in range(1000):  # the config loaded, the session made
        if child.session is not None:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    assert not RecordingSession.started.is_set() and not task.done()
    os.write(control, encode(("painted",)))
    await asyncio.wait_for(RecordingSession.started.wait(), 10)
    os.close(control)  # the dashboard goes: the child stops
    assert await asyncio.wait_for(task, 10) == poll_child.EXIT_STOPPED


async def test_with_demo_the_first_poll_does_not_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    _, task, control = await _child(monkeypatch, Options(config_path=CONFIG, demo=True))
    await asyncio.wait_for(RecordingSession.started.wait(), 10)  # no frame needed
    os.close(control)
    assert await asyncio.wait_for(task, 10) == poll_child.EXIT_STOPPED
