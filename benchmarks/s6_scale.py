"""6. Scale: 200 services and 5 regions in config.

GetMetricData calls per full poll and the queries in each (AWS's limit: 500), the poll's wall time
against the demo endpoint (direct, warm clients; the demo seeds one region, so the other regions
answer empty or "not found"), and the UI drive latency at that size, which is the large state of
section 4 (200 services, 5 regions, 1,000 incidents, 10,000 findings), not measured twice.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import large_state
from benchmarks.procs import CONFIG
from benchmarks.s4_drive import DriveRun, _ms
from benchmarks.s5_poll import worker
from benchmarks.stats import Figure, RunContext, SectionResult, Target, percentile

SERVICES, REGIONS = 200, 5


def run(ctx: RunContext, drive_runs: list[DriveRun] | None = None) -> SectionResult:
    result = SectionResult("scale", f"6 Scale ({SERVICES} services, {REGIONS} regions)")
    config = large_state.large_config(CONFIG, Path(ctx.scratch) / "scale-config.yaml", services=SERVICES,
                                      regions=REGIONS)
    data = worker("scale", ctx.demo_endpoint(), "--config", str(config), "--polls", str(ctx.reps(3, 1)))
    queries = data["queries_per_call"]
    result.add("GetMetricData calls per full poll", "calls", [float(data["get_metric_data_calls"])],
               target=Target("≤ 500 queries each", 500.0), judged_value=float(max(queries, default=0)),
               note=f"queries per call: {', '.join(str(q) for q in queries)}")
    result.add("API calls per full poll", "calls", [float(data["calls_per_poll"])],
               note="errors (not-found in unseeded regions): "
                    + (", ".join(f"{k} {v}" for k, v in data["errors"].items()) or "none"))
    result.add("full poll wall time (s)", "s", data["poll_s"],
               note=f"first poll (clients made) {data['first_poll_s']:.2f} s")
    large = next((r for r in drive_runs or () if r.state == "large"), None)
    if large is not None:
        panes = _ms(large.panes)
        result.add("pane switch 1-5 at this size (ms)", "ms", Figure.of(panes), target=Target("p95 ≤ 50 ms", 50.0),
                   judged_value=percentile(panes, 95), note="section 4, large state")
    result.details.update(data)
    return result
