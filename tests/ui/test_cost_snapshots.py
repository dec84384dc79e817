"""Snapshots of the cost pane at 80x24 and 160x48 (recorded poll, frozen clock, fresh ledger).
Regenerate after a deliberate change with ``--snapshot-update`` and look at the SVGs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from skafu_tui.snapshot import Snapshot
from skafu_tui.ui.app import SkafuApp
from tests.ui.test_security_snapshots import SIZES, SnapCompare, pane_snapshot


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cost_pane(
    snap_compare: SnapCompare, make_app: Callable[..., SkafuApp], recorded_snapshot: Snapshot, tmp_path: Path,
    size: tuple[int, int],
) -> None:
    app = make_app(state_dir=tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=pane_snapshot("cost", recorded_snapshot))
