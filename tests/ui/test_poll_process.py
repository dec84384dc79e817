"""Polling in a child process: it feeds the dashboard, survives being killed, dies with the
dashboard, and obeys the dashboard's controls. Against the suite's demo endpoint (its content is
whatever scenario the server holds: every expectation is read from what the child reported)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from skafu_tui.config.locate import peek_config
from skafu_tui.options import Options
from skafu_tui.poll_child import EXIT_STOPPED, Child, Outbox
from skafu_tui.poll_process import PollProcess
from skafu_tui.poll_wire import encode
from skafu_tui.snapshot import Snapshot, SourceStatus
from skafu_tui.ui.app import SkafuApp
from skafu_tui.ui.header import SourcesBar, StatusHeader

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config.yaml"
START_TIMEOUT_S = 60.0
"""The child imports the AWS libraries and polls every source: seconds on a loaded machine."""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")}
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
               AWS_EC2_METADATA_DISABLED="true")  # fmt: skip
    return env


def _options(endpoint: str, state: Path) -> Options:
    return Options(endpoint_url=endpoint, config_path=CONFIG, state_dir=state)


@pytest.fixture
def session(demo_endpoint: str, tmp_path: Path) -> Iterator[PollProcess]:
    process = PollProcess.spawn(_options(demo_endpoint, tmp_path), env=_env(), restart_delays_s=(0.5,))
    try:
        yield process
    finally:
        process.close()


def _reported(snapshot: Snapshot | None) -> bool:
    """Every source polled at least once (none pending)."""
    return snapshot is not None and all(s.status is not SourceStatus.PENDING for s in snapshot.sources.values())


def _fresh(snapshot: Snapshot) -> int:
    return sum(1 for s in snapshot.sources.values() if s.status is SourceStatus.OK and s.fetched_at is not None)


async def wait_until(pilot: Any, condition: Callable[[], Any], what: str, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def _text(app: SkafuApp, widget: type[Any]) -> str:
    return str(app.query_one(widget).render())


def _bar_shows(app: SkafuApp) -> bool:
    """The sources bar shows the latest Snapshot the child sent, every source reported."""
    snapshot = app.snapshot
    return _reported(snapshot) and _text(app, SourcesBar).startswith(
        f"sources {_fresh(snapshot)}/{len(snapshot.sources)} fresh"  # type: ignore[union-attr]
    )


async def test_the_poll_process_feeds_the_dashboard_and_takes_its_keys(
    session: PollProcess, demo_endpoint: str, tmp_path: Path
) -> None:
    app = SkafuApp(None, _options(demo_endpoint, tmp_path), session=session, peek=peek_config(CONFIG))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: _bar_shows(app), "every source in the sources bar")
        snapshot = app.snapshot
        assert snapshot is not None
        assert len(snapshot.sources) == 16
        bar = _text(app, SourcesBar)
        for name, state in snapshot.sources.items():
            if state.status is not SourceStatus.OK:
                assert name in bar  # a failed source is named, with its cause
        assert snapshot.account and snapshot.account in _text(app, StatusHeader)
        assert snapshot.metrics, "records crossed the pipe, not only source states"

        # Once every source has reported, the other panes are mounted and their keys work.
        await wait_until(pilot, lambda: len(app.query("#changes")) == 1, "the other panes")
        await pilot.press("2")
        assert app.query_one("#health").display and not app.query_one("#overview").display

        # `r` crosses to the poll process: alarms (production cadence, no --demo) poll again now.
        before = snapshot.sources["alarms"].attempted_at
        assert before is not None
        await pilot.press("r")
        await wait_until(pilot, lambda: app.snapshot is not None
                         and (app.snapshot.sources["alarms"].attempted_at or before) > before, "a refreshed poll")


async def test_a_killed_poll_process_marks_sources_failed_then_recovers(
    session: PollProcess, demo_endpoint: str, tmp_path: Path
) -> None:
    app = SkafuApp(None, _options(demo_endpoint, tmp_path), session=session, peek=peek_config(CONFIG))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.assessment is not None and _reported(app.snapshot), "every source")
        before = app.snapshot
        assert before is not None and session.pid is not None
        first = session.pid
        os.kill(first, signal.SIGKILL)

        await wait_until(pilot, lambda: "killed by SIGKILL" in _text(app, SourcesBar), "the cause in the bar", 20)
        assert app.is_running
        failed = app.snapshot
        assert failed is not None
        for name, state in failed.sources.items():
            assert state.status is SourceStatus.ERROR and "killed by SIGKILL" in state.message, name
            assert state.fetched_at == before.sources[name].fetched_at, "the data keeps its age"
        assert failed.metrics == before.metrics, "the data stays on screen"
        assert "0/16 fresh" in _text(app, SourcesBar)

        # Restarted after its back-off, the new child polls again and the cause goes away.
        await wait_until(pilot, lambda: session.pid not in (None, first), "a new poll process", 20)
        await wait_until(
            pilot, lambda: _bar_shows(app) and "SIGKILL" not in _text(app, SourcesBar), "every source polled again"
        )


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # a zombie has exited
    except FileNotFoundError:
        return True


def test_a_forked_poll_process_polls_and_exits_when_the_dashboard_dies(demo_endpoint: str, tmp_path: Path) -> None:
    # As the dashboard starts it: forked from a single-threaded process (pytest's is not).
    script = (
        "import threading, time\n"
        "from pathlib import Path\n"
        "from skafu_tui.options import Options\n"
        "from skafu_tui.poll_process import PollProcess\n"
        f"p = PollProcess.spawn(Options(endpoint_url={demo_endpoint!r}, config_path=Path({str(CONFIG)!r}),"
        f" state_dir=Path({str(tmp_path)!r})), fork=True)\n"
        "done = threading.Event()\n"
        "p.attach(lambda s: all(x.status.value != 'pending' for x in s.sources.values()) and done.set(),"
        " lambda text, failed: None)\n"
        "print(p.pid, done.wait(60), flush=True)\n"
        "time.sleep(300)\n"
    )
    dashboard = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=_env(), cwd=ROOT
    )
    try:
        assert dashboard.stdout is not None
        pid, polled = dashboard.stdout.readline().split()
        child = int(pid)
        assert polled == "True", "the forked poll process reported every source"
        assert not _gone(child)
    finally:
        dashboard.kill()  # SIGKILL: no clean-up runs in the dashboard
        dashboard.wait()
    deadline = time.monotonic() + 20
    while not _gone(child):
        assert time.monotonic() < deadline, "the orphaned poll process is still running"
        time.sleep(0.05)


async def test_controls_reach_the_session_even_before_it_exists(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[Any, ...]] = []

    class FakeSession:
        def __init__(self, *args: Any) -> None:
            self.clock = None
            calls.append(("start",))

        async def run(self) -> None:
            await asyncio.Event().wait()

        def refresh_now(self) -> None:
            calls.append(("refresh",))

        def set_paused(self, paused: bool) -> None:
            calls.append(("pause", paused))

        def set_hot_services(self, names: tuple[str, ...]) -> None:
            calls.append(("hot", tuple(names)))

        async def aclose(self) -> None:
            calls.append(("close",))

    import skafu_tui.live

    monkeypatch.setattr(skafu_tui.live, "LiveSession", FakeSession)
    control_r, control_w = os.pipe()
    data_r, data_w = os.pipe()
    control = os.fdopen(control_w, "wb")
    # Sent before the child has read its config: kept, and applied when the session starts.
    control.write(encode(("pause", True)) + encode(("hot", ("api", "web"))))
    control.flush()
    child = Child(_options("http://127.0.0.1:9", tmp_path), os.fdopen(control_r, "rb"),
                  Outbox(os.fdopen(data_w, "wb")))  # fmt: skip
    task = asyncio.create_task(child.run())
    try:
        deadline = time.monotonic() + 20
        while ("hot", ("api", "web")) not in calls:
            assert time.monotonic() < deadline, f"controls not applied: {calls}"
            await asyncio.sleep(0.02)
        assert calls[:3] == [("start",), ("pause", True), ("hot", ("api", "web"))]
        control.write(encode(("refresh",)) + encode(("pause", False)))
        control.flush()
        while ("pause", False) not in calls:
            assert time.monotonic() < deadline, f"controls not applied: {calls}"
            await asyncio.sleep(0.02)
        assert calls[3:] == [("refresh",), ("pause", False)]
        control.close()  # the dashboard went away
        assert await asyncio.wait_for(task, 10) == EXIT_STOPPED
        assert calls[-1] == ("close",)
    finally:
        task.cancel()
        child.outbox.close()
        os.close(data_r)


@pytest.mark.parametrize(
    ("python", "words"),
    [
        (("/nonexistent/python3",), "polling cannot start ("),
        ((sys.executable, "-c", "import sys; sys.stderr.write('ImportError: no aiobotocore\\n'); sys.exit(1)"),
         "polling stopped (exit status 1: ImportError: no aiobotocore); restarting in 60 s (r: now)"),
    ],
    ids=["cannot start", "crashes"],
)
def test_a_poll_process_that_cannot_run_says_why_in_words(python: tuple[str, ...], words: str, tmp_path: Path) -> None:
    statuses: list[tuple[str, bool]] = []
    process = PollProcess(_options("http://127.0.0.1:9", tmp_path), python=python, restart_delays_s=(60.0,))
    try:
        process.start()
        process.attach(lambda snapshot: None, lambda text, failed: statuses.append((text, failed)))
        deadline = time.monotonic() + 20
        while not statuses:
            assert time.monotonic() < deadline, "no status"
            time.sleep(0.02)
        text, failed = statuses[0]
        assert failed and text.startswith(words), text
    finally:
        process.close()
