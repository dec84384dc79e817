"""7. The embedded endpoint: ready time, seed time, RSS, GetMetricData latency.

- Ready: spawn of ``skafu-tui demo-server --scenario empty`` to its ``endpoint=`` line.
- Seed: the server announces its endpoint only once the ``skafu`` scenario is seeded, so
  seed = ready(skafu) - ready(empty), pair by pair (empty and skafu runs alternate).
- RSS: of the server process (the seeder/driver child apart) right after seeding, and after
  ``speed`` x ``seconds`` of scenario time; the driver's progress is checked by counting the
  one-minute datapoints it published after the start.
- GetMetricData, 100 queries x 3 h at 60 s: :mod:`skafu_tui.demo.ext.cloudwatch_bench` end to end
  through botocore (UTC timestamp parser, as the app uses) and the server's share alone.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from benchmarks.procs import DemoServer
from benchmarks.stats import RunContext, SectionResult, Target

FAST_SPEED = 600.0
"""Ten scenario minutes a second: 3 hours in 18 s."""


def published_minutes(endpoint: str, since: datetime) -> int:
    """One-minute datapoints of a scenario metric after ``since`` (the driver publishes one a minute)."""
    import boto3

    client = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=endpoint,
                          aws_access_key_id="bench", aws_secret_access_key="bench")
    answer = client.get_metric_statistics(
        Namespace="AWS/ApiGateway", MetricName="Count",
        Dimensions=[{"Name": "ApiName", "Value": "project-management-api"}],
        StartTime=since, EndTime=since + timedelta(hours=6), Period=60, Statistics=["SampleCount"],
    )  # fmt: skip
    return len(answer.get("Datapoints") or ())


def run(ctx: RunContext) -> SectionResult:
    from skafu_tui.demo.ext.cloudwatch_bench import bench_get_metric_data, bench_get_metric_data_server

    result = SectionResult("endpoint", "7 Embedded endpoint")
    pairs = ctx.reps(2, 1)
    fast_s = 4.0 if ctx.quick else 18.0
    empty: list[float] = []
    skafu: list[float] = []
    rss_seeded: list[float] = []
    runner_rss: list[float] = []
    rss_later = float("nan")
    minutes = 0
    gmd_client = gmd_server = float("nan")
    for i in range(pairs):
        with DemoServer("empty").start() as server:
            empty.append(server.ready_s)
        started = datetime.now(UTC)
        speed = FAST_SPEED if i == 0 else 1.0
        with DemoServer("skafu", speed=speed).start() as server:
            skafu.append(server.ready_s)
            rss_seeded.append(server.rss_mib())
            runner_rss.append(server.runner_rss_mib())
            ctx.log(f"endpoint pair {i + 1}/{pairs}: empty ready {empty[-1]:.2f} s, skafu ready {skafu[-1]:.2f} s")
            if i == 0:
                time.sleep(fast_s)
                minutes = published_minutes(server.endpoint, started)
                rss_later = server.rss_mib()
                gmd_server = bench_get_metric_data_server(server.endpoint)
                gmd_client = bench_get_metric_data(server.endpoint)
    seed = [s - e for s, e in zip(skafu, empty, strict=True)]
    result.add("server ready, --scenario empty (s)", "s", empty, target=Target("≤ 2 s", 2.0))
    result.add("skafu scenario seeded (s)", "s", seed, target=Target("≤ 5 s", 5.0),
               note=f"ready with the scenario {min(skafu):.2f}-{max(skafu):.2f} s, minus the empty server's ready time")
    result.add("server RSS after seeding (MiB)", "MiB", rss_seeded, target=Target("≤ 400 MiB", 400.0),
               note=f"seeder/driver child apart: {max(runner_rss):.0f} MiB")
    scenario_h = FAST_SPEED * fast_s / 3600.0
    result.add(f"server RSS after {scenario_h:.1f} h of scenario time (MiB)", "MiB", [rss_later],
               target=Target("≤ 400 MiB", 400.0),
               note=f"--speed {FAST_SPEED:.0f} for {fast_s:.0f} s; {minutes} scenario minutes published")
    result.add("GetMetricData 100 queries x 3 h, end to end (ms)", "ms", [gmd_client * 1000.0],
               target=Target("≤ 300 ms", 300.0), note=f"server alone {gmd_server * 1000.0:.0f} ms; median of 5 calls")
    result.details.update(scenario_minutes_published=minutes, runner_rss_mib=runner_rss)
    return result
