"""The poll process's wire: frames, and Snapshot deltas that rebuild exactly what the poller published."""

from __future__ import annotations

import dataclasses
import io
import pickle
from datetime import timedelta
from types import MappingProxyType

import pytest

from skafu_tui.poll_wire import WireError, apply_delta, encode, read_message, snapshot_delta, stopped
from skafu_tui.snapshot import Snapshot, SourceState, SourceStatus
from skafu_tui.snapshot_io import load
from tests.ui.record_fixture import FIXTURE


@pytest.fixture(scope="module")
def recorded() -> Snapshot:
    return load(FIXTURE)


def test_frames_round_trip_and_the_end_of_the_stream_is_none() -> None:
    stream = io.BytesIO(encode(("status", "connecting…", False)) + encode(("refresh",)))
    assert read_message(stream) == ("status", "connecting…", False)
    assert read_message(stream) == ("refresh",)
    assert read_message(stream) is None


@pytest.mark.parametrize(
    "raw",
    [
        encode(("status", "x", False))[:-3],
        b"\x00\x00",
        b"\x00\x00\x00\x05junk!",
        len(pickle.dumps(1)).to_bytes(4, "big") + pickle.dumps(1),
    ],
    ids=["torn body", "torn header", "not a pickle", "not a message"],
)
def test_a_torn_or_foreign_stream_is_an_error_not_a_message(raw: bytes) -> None:
    with pytest.raises(WireError):
        read_message(io.BytesIO(raw))


def test_a_first_delta_carries_everything_and_rebuilds_the_snapshot(recorded: Snapshot) -> None:
    rebuilt = apply_delta(None, pickle.loads(pickle.dumps(snapshot_delta(None, recorded))))
    assert rebuilt == recorded


def test_later_deltas_carry_only_what_a_poll_replaced(recorded: Snapshot) -> None:
    key = next(iter(recorded.metrics))
    gone = list(recorded.metrics)[-1]
    metrics = dict(recorded.metrics)
    metrics[key] = recorded.metrics[key].model_copy(update={"values": (1.0, 2.0)})
    del metrics[gone]
    later = recorded.with_changes(taken_at=recorded.taken_at + timedelta(minutes=1), metrics=metrics,
                                  alarms=recorded.alarms[:1])  # fmt: skip

    delta = snapshot_delta(recorded, later)
    assert set(delta) == {"taken_at", "metrics", "alarms"}
    changed, removed = delta["metrics"]
    assert (set(changed), removed) == ({key}, (gone,))
    assert apply_delta(recorded, pickle.loads(pickle.dumps(delta))) == later


def test_a_restarted_poller_neither_blanks_the_data_nor_forgets_why_sources_failed(recorded: Snapshot) -> None:
    at = recorded.taken_at + timedelta(minutes=2)
    failed = stopped(recorded, "polling stopped (killed by SIGKILL)", at)
    assert {s.status for s in failed.sources.values()} == {SourceStatus.ERROR}
    assert all(s.message == "polling stopped (killed by SIGKILL)" for s in failed.sources.values())
    assert [s.fetched_at for s in failed.sources.values()] == [s.fetched_at for s in recorded.sources.values()]

    # The new child's first publication: nothing polled yet, every source pending.
    fresh_start = Snapshot(taken_at=at, regions=recorded.regions,
                           sources={n: SourceState(name=n) for n in recorded.sources})  # fmt: skip
    merged = apply_delta(failed, snapshot_delta(None, fresh_start), first_of_generation=True)
    assert merged.findings == recorded.findings and merged.metrics == recorded.metrics
    assert merged.sources == failed.sources

    # Its first completed poll replaces that source's state (and only what it polled).
    polled = dataclasses.replace(recorded.sources["guardduty"], fetched_at=at, attempted_at=at)
    sources = {**fresh_start.sources, "guardduty": polled}
    after_poll = fresh_start.with_changes(sources=MappingProxyType(sources), findings=recorded.findings[:1])
    merged = apply_delta(merged, snapshot_delta(fresh_start, after_poll))
    assert merged.sources["guardduty"] == polled
    assert merged.sources["metrics"].status is SourceStatus.ERROR
    assert merged.findings == recorded.findings[:1]
