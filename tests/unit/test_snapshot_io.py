"""Recorded Snapshots load back as the same data, with repeated values held once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skafu_tui.snapshot import Snapshot
from skafu_tui.snapshot_io import load, save, to_dict
from tests.ui.record_fixture import FIXTURE


@pytest.fixture(scope="module")
def recorded() -> Snapshot:
    return load(FIXTURE)


def test_a_saved_snapshot_loads_back_equal(recorded: Snapshot, tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    save(recorded, path)
    again = load(path)
    assert again == recorded
    assert to_dict(again) == json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_series_sharing_a_timestamp_hold_one_object_for_it(recorded: Snapshot) -> None:
    # The replay of a large state keeps a quarter of a million points: each distinct time once.
    by_time: dict[object, set[int]] = {}
    for series in recorded.metrics.values():
        for t in series.timestamps:
            by_time.setdefault(t, set()).add(id(t))
    assert sum(len(series.timestamps) for series in recorded.metrics.values()) > len(by_time)
    assert all(len(ids) == 1 for ids in by_time.values())


def test_findings_keep_their_times_and_text(recorded: Snapshot) -> None:
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))["findings"]
    assert [f.updated_at.isoformat().replace("+00:00", "Z") for f in recorded.findings] == [
        r["updated_at"] for r in raw
    ]
    shown = [(f.region, f.type, f.title) for f in recorded.findings]
    assert shown == [(r["region"], r["type"], r["title"]) for r in raw]
