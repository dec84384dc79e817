"""Record the UI tests' snapshot: one real poll of the demo platform, moved to a fixed date.

Run after changing the scenario, the sources or the records:
    .venv/bin/python -m tests.ui.record_fixture
It starts the embedded server, seeds the skafu scenario (fixed seed), polls every source once
through the real aiobotocore path with the clock at the scenario's start, shifts every time by
whole days to RECORDED_AT, and writes tests/ui/fixtures/skafu_snapshot.json.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from skafu_tui.config import load_config
from skafu_tui.snapshot import Snapshot
from skafu_tui.snapshot_io import save, shifted

FIXTURE = Path(__file__).parent / "fixtures" / "skafu_snapshot.json"
RECORDED_AT = datetime(2026, 11, 24, 14, 37, 23, tzinfo=UTC)
"""The scenario's start in the fixture: a Tuesday, so no maintenance window is open."""
SEED = 7


async def _poll(endpoint: str, start: datetime) -> Snapshot:
    from skafu_tui.aws.session import AwsSettings
    from skafu_tui.poller import Poller

    cfg = load_config(None).config
    settings = AwsSettings.from_config(cfg, endpoint_url=endpoint, credentials=("demo", "demo"))
    poller = Poller(cfg, settings, clock=lambda: start)
    try:
        return await poller.poll_once()
    finally:
        await poller.aclose()


def record() -> Path:
    from skafu_tui.demo.launcher import start_demo_server
    from skafu_tui.demo.scenario_model import build_scenario
    from skafu_tui.demo.seeder import seed
    from tests.conftest import skafu_start

    start = skafu_start()
    server = start_demo_server("empty")
    try:
        seed(server.endpoint, build_scenario(SEED, start))
        snapshot = asyncio.run(_poll(server.endpoint, start))
    finally:
        server.stop()
    days = (RECORDED_AT - start).days if start <= RECORDED_AT else -((start - RECORDED_AT).days)
    moved = shifted(snapshot, RECORDED_AT - start)
    assert abs((moved.taken_at - RECORDED_AT).total_seconds()) < 1, (days, moved.taken_at)
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    save(moved, FIXTURE)
    return FIXTURE


if __name__ == "__main__":
    print(record())
