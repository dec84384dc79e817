"""UI test fixtures: a recorded demo poll for layout, a live demo poll for truth.

- ``recorded_snapshot``/``frozen_now``: the poll recorded by ``tests/ui/record_fixture.py``,
  at a fixed date, with the app's clock frozen: snapshot SVGs are byte-stable.
- ``live_snapshot``: a real poll of the demo server seeded with today's skafu scenario (the
  ``skafu_scenario`` fixture); assert content against ``skafu_scenario.facts``/``.scenario``.
- ``make_app``: a :class:`SkafuApp` that polls nothing; feed it a snapshot with ``app.feed``
  and wait with :func:`wait_for_data`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skafu_tui.config import Config, load_config
from skafu_tui.snapshot import Snapshot
from skafu_tui.snapshot_io import load
from skafu_tui.ui.app import SkafuApp
from tests.ui.record_fixture import FIXTURE, RECORDED_AT

# Snapshot SVGs break on these (textual-facts): make every run see the same environment.
for _var in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL_ANIMATIONS", "COLORTERM"):
    os.environ.pop(_var, None)

FROZEN_NOW = RECORDED_AT + timedelta(seconds=30)


@pytest.fixture(scope="session")
def cfg() -> Config:
    return load_config(Path(__file__).resolve().parents[2] / "config.yaml").config


@pytest.fixture(scope="session")
def recorded_snapshot() -> Snapshot:
    return load(FIXTURE)


@pytest.fixture
def frozen_now() -> datetime:
    return FROZEN_NOW


@pytest.fixture
def make_app(cfg: Config) -> Callable[..., SkafuApp]:
    def factory(now: datetime = FROZEN_NOW, **kwargs: Any) -> SkafuApp:
        return SkafuApp(cfg, None, clock=lambda: now, start_session=False, **kwargs)

    return factory


async def wait_for_data(app: SkafuApp, pilot: Any, timeout: float = 10.0) -> None:
    """Wait until the app has drawn an assessment (the assessment runs on a thread)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while app.assessment is None:
        if loop.time() > deadline:
            raise AssertionError("the app drew no assessment in time")
        await pilot.pause(0.02)
    await pilot.pause()


@pytest.fixture(scope="module")
def live_snapshot(skafu_scenario: Any) -> Snapshot:
    """One real poll of the seeded demo, with the clock at the scenario's start."""
    from skafu_tui.aws.session import AwsSettings
    from skafu_tui.poller import Poller

    cfg = load_config(Path(__file__).resolve().parents[2] / "config.yaml").config
    start = skafu_scenario.scenario.start
    settings = AwsSettings.from_config(cfg, endpoint_url=skafu_scenario.endpoint, credentials=("demo", "demo"))

    async def poll() -> Snapshot:
        poller = Poller(cfg, settings, clock=lambda: start)
        try:
            return await poller.poll_once()
        finally:
            await poller.aclose()

    return asyncio.run(poll())
