"""5. Poll efficiency: a full poll through a 50 ms latency proxy against the same calls made one by one
with plain boto3; API calls per poll and per hour; modelled AWS cost per operator-month against the
naive poller of ``../shared/notes/aws-facts.md`` (Cost Explorer every 60 s, 50 metrics every 30 s).

Both costs come from :mod:`skafu_tui.aws.pricing`: the dashboard's from ``modelled_monthly_cost``
(its config's plan and cadences), the naive poller's from the same per-call prices (``call_cost``)
and the same count of polls. An 8-hour-shift month is 22 working days; 24x7 is 30 days (the
facts note's $116 / $475 use the same).
"""

from __future__ import annotations

import json
import math
import subprocess
from typing import Any

from benchmarks.procs import CONFIG, PYTHON, ROOT, child_env
from benchmarks.stats import Figure, RunContext, SectionResult, Target, ratios

DELAY_S = 0.05
SHIFT_DAYS = 22.0
MONTH_DAYS = 30.0


class LatencyProxy:
    """:mod:`benchmarks.latency_proxy` as a child process."""

    def __init__(self, target: str, delay: float = DELAY_S) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "benchmarks.latency_proxy", target, "--delay", str(delay)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=child_env(), cwd=ROOT,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("listen="):
            self.stop()
            raise RuntimeError("the latency proxy did not start")
        self.url = line.removeprefix("listen=")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def worker(*args: str, timeout: float = 300.0) -> dict[str, Any]:
    done = subprocess.run([PYTHON, "-m", "benchmarks.poll_worker", *args], capture_output=True, text=True,
                          env=child_env(), cwd=ROOT, timeout=timeout, check=False)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"poll_worker {args[0]} failed: {tail[0]}")
    parsed: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return parsed


def _polls(interval_s: float, hours_per_day: float, days: float) -> float:
    return math.ceil(hours_per_day * 3600.0 / interval_s) * days


def naive_monthly_cost(hours_per_day: float, days: float) -> float:
    """Cost Explorer GetCostAndUsage every 60 s and a 50-metric GetMetricData every 30 s."""
    from skafu_tui.aws.pricing import call_cost

    ce = _polls(60.0, hours_per_day, days) * call_cost("ce", "GetCostAndUsage")
    cw = _polls(30.0, hours_per_day, days) * call_cost("cloudwatch", "GetMetricData", 50)
    return ce + cw


def calls_per_hour(groups: dict[str, dict[str, Any]], cfg: Any) -> tuple[float, float]:
    """(API calls, metered dollars) per hour at the configured cadences, from one measured poll per
    group (the hot tier, empty while every service is healthy, polls nothing)."""
    from skafu_tui.aws.catalog import GROUPS, cadence_s

    cadence = {g.name: cadence_s(cfg, g.cadence_key) for g in GROUPS}
    calls = sum(g["calls"] * 3600.0 / cadence[name] for name, g in groups.items() if name in cadence)
    usd = sum(g["cost_usd"] * 3600.0 / cadence[name] for name, g in groups.items() if name in cadence)
    return calls, usd


def run(ctx: RunContext) -> SectionResult:
    from skafu_tui.aws.pricing import modelled_monthly_cost
    from skafu_tui.config import load_config

    result = SectionResult("poll", "5 Poll efficiency")
    pairs = ctx.reps(3, 1)
    endpoint = ctx.demo_endpoint()
    proxy = LatencyProxy(endpoint)
    try:
        data = worker("efficiency", endpoint, "--proxy", proxy.url, "--pairs", str(pairs), "--config", str(CONFIG))
    finally:
        proxy.stop()
    app = [p["app_s"] for p in data["pairs"]]
    seq = [p["sequential_s"] for p in data["pairs"]]
    calls = [float(p["calls"]) for p in data["pairs"]]
    floor = statistics_floor(calls)
    result.add("full poll wall time, 50 ms per request (s)", "s", app, baseline=Figure.of(seq),
               ratio=ratios(list(zip(app, seq, strict=True))), target=Target("≤ 0.25x sequential", 0.25, on_ratio=True),
               note=f"baseline: the same calls one by one with plain boto3 (latency alone: ≥ {floor:.2f} s)")
    cfg = load_config(CONFIG).config
    per_hour, usd_hour = calls_per_hour(data["groups"], cfg)
    result.add("API calls per full poll", "calls", calls, note="every group once, as at start or on refresh")
    result.add("API calls per hour (configured cadences)", "calls/h", [per_hour],
               note=f"metered ${usd_hour:.4f}/h → ${usd_hour * 24 * MONTH_DAYS:.2f} per 24x7 month")
    shift = modelled_monthly_cost(cfg, 8.0, days=SHIFT_DAYS).total_usd
    full = modelled_monthly_cost(cfg, 24.0, days=MONTH_DAYS).total_usd
    naive_shift, naive_full = naive_monthly_cost(8.0, SHIFT_DAYS), naive_monthly_cost(24.0, MONTH_DAYS)
    result.add("modelled AWS cost per operator-month, 8 h shifts ($)", "USD", [shift],
               baseline=Figure.of([naive_shift]), ratio=Figure.of([shift / naive_shift]),
               note="22 working days; baseline: the naive poller")
    result.add("modelled AWS cost per operator-month, 24x7 ($)", "USD", [full], baseline=Figure.of([naive_full]),
               ratio=Figure.of([full / naive_full]), target=Target("≤ $5", 5.0), note="baseline: the naive poller")
    result.details.update(pairs=data["pairs"], calls_by_operation=data["calls_by_operation"], groups=data["groups"],
                          modelled={"shift_8h": shift, "24x7": full},
                          naive={"shift_8h": naive_shift, "24x7": naive_full})
    return result


def statistics_floor(calls: list[float]) -> float:
    """What the sequential calls cost in added latency alone."""
    return (max(calls) if calls else 0.0) * DELAY_S
