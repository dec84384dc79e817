"""Fixtures for the source tests: the embedded demo endpoint seeded with the skafu scenario.

``scenario`` uses the shared ``skafu_scenario`` fixture when the suite provides one; otherwise it
starts the embedded server (moto + extensions) in a child process on loopback and seeds the
scenario into it from here, keeping the :class:`Scenario` so tests derive every expected value
from the seeded truth.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sources_support import SeededDemo

from skafu_tui.config import Config, load_config

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
SERVER_CODE = (
    "import sys; from skafu_tui.demo.server import run_server; "
    "sys.exit(run_server('127.0.0.1', 0, 'empty', 1.0, False))"
)


def _first_line(stream: Any, timeout: float) -> str:
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else ""


@pytest.fixture(scope="session")
def own_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededDemo]:
    from skafu_tui.demo.scenario import facts
    from skafu_tui.demo.scenario_model import build_scenario
    from skafu_tui.demo.seeder import seed

    log = tmp_path_factory.mktemp("demo-server") / "stderr.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env.pop(key, None)
    with log.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVER_CODE],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        line = _first_line(proc.stdout, 30.0)
        assert line.startswith("endpoint="), f"demo server did not start: {line!r} {log.read_text()[-2000:]}"
        endpoint = line.strip().removeprefix("endpoint=")
        scenario = build_scenario(7, datetime.now(UTC))
        seeded = seed(endpoint, scenario)
        yield SeededDemo(endpoint, scenario, facts(scenario), seeded)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def demo(request: pytest.FixtureRequest) -> SeededDemo:
    """The seeded skafu scenario: endpoint, Scenario and its facts."""
    return request.getfixturevalue("own_demo")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def cfg() -> Config:
    return load_config(ROOT / "config.yaml").config
