"""Suite-wide fixtures: one embedded AWS server per test session, reseeded per module.

``demo_endpoint`` starts the demo server (empty) in a subprocess once per session (each xdist
worker gets its own). ``skafu_scenario`` resets it and seeds the skafu scenario for one module,
with a fixed seed and a start pinned when the module begins (see :func:`skafu_start`), and gives
the test the endpoint and the :class:`~skafu_tui.demo.scenario_model.Scenario` to read every
expectation from.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKAFU_SEED = 7
SKAFU_SECOND = 23
SERVER_START_TIMEOUT_S = 30.0


def skafu_start(now: datetime | None = None) -> datetime:
    """Second 23 of the previous minute: at most 83 s before now, and not on a minute boundary.

    The start must be near the wall clock: AWS checks some seeds against it (ACM refuses an
    expired certificate, so "expires in 9 days" is 9 days from today) and pollers under test
    read the last hours by the real clock. Tests take every expected value from the scenario.
    """
    now = now or datetime.now(UTC)
    return (now - timedelta(minutes=1)).replace(second=SKAFU_SECOND, microsecond=0)


def _server_command() -> list[str]:
    if (ROOT / "skafu_tui" / "cli.py").exists():
        return [sys.executable, "-m", "skafu_tui", "demo-server", "--port", "0", "--scenario", "empty"]
    code = (
        "from skafu_tui.demo.server import run_server; "
        "raise SystemExit(run_server('127.0.0.1', 0, 'empty', 1.0, False))"
    )
    return [sys.executable, "-c", code]


def _first_line(stream: Any, timeout: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return ""


@pytest.fixture(scope="session")
def demo_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of an empty demo server running for the whole session."""
    log = tmp_path_factory.mktemp("demo-endpoint") / "stderr.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env.pop(key, None)
    with log.open("w") as stderr:
        proc = subprocess.Popen(_server_command(), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        line = _first_line(proc.stdout, SERVER_START_TIMEOUT_S)
        assert line.startswith("endpoint="), f"demo server did not start: {line!r} {log.read_text()[-2000:]}"
        yield line.strip().removeprefix("endpoint=")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass(frozen=True)
class SeededScenario:
    """What ``skafu_scenario`` yields; unpacks as ``endpoint, scenario``."""

    endpoint: str
    scenario: Any
    """The seeded ``skafu_tui.demo.scenario_model.Scenario``."""
    seeded: Any
    """``skafu_tui.demo.seeder.Seeded``: ids moto picked (instances, detector) and the seed time."""

    @property
    def facts(self) -> Any:
        from skafu_tui.demo.scenario import facts

        return facts(self.scenario)

    def __iter__(self) -> Iterator[Any]:
        yield self.endpoint
        yield self.scenario


@pytest.fixture(scope="module")
def skafu_scenario(demo_endpoint: str) -> SeededScenario:
    """The session's server, reset and seeded with the skafu scenario for this module."""
    from skafu_tui.demo.scenario_model import build_scenario
    from skafu_tui.demo.seeder import reset, seed

    reset(demo_endpoint)
    scenario = build_scenario(SKAFU_SEED, skafu_start())
    seeded = seed(demo_endpoint, scenario)
    # Reported, not asserted: the benchmark measures the bar (<= 5 s) on a quiet machine.
    print(f"\nskafu scenario seeded in {seeded.seconds:.2f} s {seeded.timings}")
    return SeededScenario(demo_endpoint, scenario, seeded)
