"""Snapshots of the security & compliance pane and the finding screen at 80x24 and 160x48 (recorded
poll, frozen clock, fresh ledger). Regenerate after a deliberate change with ``--snapshot-update`` and
look at the SVGs before committing them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from skafu_tui.snapshot import Snapshot
from skafu_tui.ui.app import SkafuApp
from skafu_tui.ui.screens.finding import FindingScreen
from tests.ui.test_security_pane import show_pane, wait_until

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (160, 48)]


def pane_snapshot(pane_id: str, snapshot: Snapshot) -> Callable[[Pilot[Any]], Any]:
    async def before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await show_pane(app, pilot, snapshot, pane_id)

    return before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_security_pane(
    snap_compare: SnapCompare, make_app: Callable[..., SkafuApp], recorded_snapshot: Snapshot, tmp_path: Path,
    size: tuple[int, int],
) -> None:
    app = make_app(state_dir=tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=pane_snapshot("security", recorded_snapshot))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_finding_screen(
    snap_compare: SnapCompare, make_app: Callable[..., SkafuApp], recorded_snapshot: Snapshot, tmp_path: Path,
    size: tuple[int, int],
) -> None:
    app = make_app(state_dir=tmp_path)

    async def before(pilot: Pilot[Any]) -> None:
        await pane_snapshot("security", recorded_snapshot)(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FindingScreen), "the finding screen")

    assert snap_compare(app, terminal_size=size, run_before=before)
