"""Memory soak, in a process of its own: the real Poller at an accelerated cadence, every published
Snapshot assessed, until ``polls`` Snapshots; prints one JSON object.

    python -m benchmarks.soak_worker ENDPOINT [--polls 2000] [--warmup 200] [--scale 0.0001]

A poll is one group's completed poll (one published Snapshot, what the app receives). Memory is
measured after ``warmup`` polls (clients made, caches filled) and at the end, after a full GC:
RSS from /proc, and the Python heap allocated after warm-up and still alive at the end (tracemalloc,
started at warm-up, one frame per allocation) with the sites holding it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from benchmarks.pty_harness import process_rss_mib

SCALE = 1 / 300
"""Every cadence divided by 300: alarms every 0.1 s, metrics every 1 s, inventory every 2 s. The
groups keep their real proportions (2,000 polls are ~4.4 hours of a shift at production
cadences), unlike a near-zero scale where every loop spins as fast as the endpoint answers."""


@dataclass
class Mark:
    polls: int
    seconds: float
    rss_mib: float
    heap_mib: float
    """Python heap allocated since tracing started (at warm-up) and still alive."""
    tracer_mib: float
    """tracemalloc's own memory (part of RSS, not of the app)."""
    snapshot: tracemalloc.Snapshot | None = field(default=None, repr=False)


def _mark(polls: int, started: float) -> Mark:
    gc.collect()
    rss = process_rss_mib(os.getpid())  # before take_snapshot, which allocates a copy of every trace
    heap, _peak = tracemalloc.get_traced_memory()
    tracer = tracemalloc.get_tracemalloc_memory()
    snap = tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None
    return Mark(polls, time.perf_counter() - started, rss, heap / 2**20, tracer / 2**20, snap)


def _top(after: tracemalloc.Snapshot, n: int = 10) -> list[dict[str, Any]]:
    """Allocation sites holding the most memory allocated since warm-up."""
    keep = (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>"))
    stats = after.filter_traces(keep).statistics("lineno")
    return [
        {"where": str(s.traceback[0]), "kib": round(s.size / 1024, 1), "blocks": s.count}
        for s in stats[:n]
    ]


async def soak(endpoint: str, polls: int, warmup: int, scale: float) -> dict[str, Any]:
    from skafu_tui.assess import assess
    from skafu_tui.aws.session import AwsSettings
    from skafu_tui.config import load_config
    from skafu_tui.poller import Poller
    from skafu_tui.snapshot import Snapshot

    cfg = load_config(None).config
    settings = AwsSettings.from_config(cfg, endpoint_url=endpoint, credentials=("bench", "bench"))
    started = time.perf_counter()
    count = 0
    marks: list[Mark] = []
    done = asyncio.Event()
    failures = 0

    def on_snapshot(snap: Snapshot) -> None:
        nonlocal count, failures
        count += 1
        if count == 1:
            return  # the initial, empty Snapshot published before any poll
        try:
            assess(snap, cfg, datetime.now(UTC))
        except Exception:  # the soak reports, it does not die on an assessment bug
            failures += 1
        polled = count - 1
        if polled == warmup:
            marks.append(_mark(polled, started))
            tracemalloc.start(1)
        if polled >= polls:
            done.set()

    poller = Poller(cfg, settings, on_snapshot, cadence_scale=scale)
    task = asyncio.create_task(poller.run())
    await done.wait()
    meter_calls = poller.meter.total_calls if poller.meter is not None else 0
    await poller.aclose()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    del poller
    marks.append(_mark(count - 1, started))
    first, last = marks[0], marks[-1]
    tracemalloc.stop()
    return {
        "polls": last.polls,
        "warmup_polls": first.polls,
        "seconds": round(last.seconds, 2),
        "rss_mib": [round(first.rss_mib, 1), round(last.rss_mib, 1)],
        "rss_growth_mib": round(last.rss_mib - first.rss_mib, 2),
        "tracemalloc_overhead_mib": round(last.tracer_mib, 2),
        "heap_growth_mib": round(last.heap_mib, 3),
        "top_growth": _top(last.snapshot) if last.snapshot is not None else [],
        "assess_failures": failures,
        "api_calls": meter_calls,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak_worker")
    parser.add_argument("endpoint")
    parser.add_argument("--polls", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--scale", type=float, default=SCALE)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(soak(args.endpoint, args.polls, args.warmup, args.scale))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
