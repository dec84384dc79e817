"""2. Idle cost: CPU and bytes to the terminal per minute, no keys, demo running.

The dashboard (``--endpoint-url`` against ``demo-server --scenario skafu``, production cadences)
and the baseline (a bare Textual app whose clock label changes every second) run side by side,
each on its own pty of the same size, over the same wall-clock window: both at ~0-1% of a core,
they barely contend, and the machine's noise hits both alike. Each one-minute window is one sample;
the ratio is taken window by window. Sizes run one after the other (120x40, then 80x24).

With ``panes`` the 120x40 run then visits panes 2-7 and measures each for ``pane_window`` seconds
(shorter than a minute: a pane that repaints when nothing changed shows up within seconds).
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.procs import DemoServer, bare_argv, child_env, dashboard_argv
from benchmarks.pty_harness import PtyProcess
from benchmarks.stats import Figure, RunContext, SectionResult, Target, ratios
from benchmarks.watch import Watcher

FRESH = re.compile(r"sources (\d+)/\1 fresh")


@dataclass
class Window:
    seconds: float
    cpu_s: float
    bytes: int

    @property
    def cpu_pct(self) -> float:
        return 100.0 * self.cpu_s / self.seconds

    @property
    def bytes_per_min(self) -> float:
        return self.bytes * 60.0 / self.seconds


@dataclass
class IdleRun:
    size: tuple[int, int]
    app: list[Window] = field(default_factory=list)
    bare: list[Window] = field(default_factory=list)
    panes: dict[str, Window] = field(default_factory=dict)
    rss_start: float = float("nan")
    rss_end: float = float("nan")
    problem: str = ""


def _measure(procs: list[PtyProcess], seconds: float) -> list[Window]:
    t0 = time.perf_counter()
    cpu0 = [p.cpu_seconds() for p in procs]
    time.sleep(seconds)
    t1 = time.perf_counter()
    return [
        Window(t1 - t0, p.cpu_seconds() - c0, p.bytes_between(t0, t1)) for p, c0 in zip(procs, cpu0, strict=True)
    ]


def idle_run(endpoint: str, scratch: Path, size: tuple[int, int], minutes: int, window_s: float,
             panes: bool, pane_window_s: float, log: object) -> IdleRun:
    cols, rows = size
    out = IdleRun(size)
    with tempfile.TemporaryDirectory(dir=scratch) as state, \
            PtyProcess(dashboard_argv(endpoint, Path(state)), cols, rows, env=child_env()) as app, \
            PtyProcess(bare_argv(clock=True), cols, rows, env=child_env()) as bare:
        watch = Watcher(app)
        if watch.until(lambda s: bool(FRESH.search(s.text)), 120.0) is None:
            out.problem = "the dashboard never showed every source fresh; measured anyway"
        Watcher(bare).until(lambda s: s.has("bare-app-ready"), 60.0)
        time.sleep(3.0)  # the first poll's follow-up repaints (incident banners, plots) settle
        out.rss_start = app.rss_mib()
        for _ in range(minutes):
            a, b = _measure([app, bare], window_s)
            out.app.append(a)
            out.bare.append(b)
            if not app.alive():
                out.problem = "the dashboard exited during the idle window"
                return out
        out.rss_end = app.rss_mib()
        if panes:
            from skafu_tui.ui.keys import PANES

            for pane, _title, key in PANES[1:]:
                app.send(key.encode())
                time.sleep(3.0)  # the first visit draws the pane: not idle yet
                out.panes[pane] = _measure([app], pane_window_s)[0]
    return out


def run(ctx: RunContext, *, panes: bool = False) -> SectionResult:
    result = SectionResult("idle", "2 Idle cost")
    minutes = ctx.reps(3, 1)
    window_s = 10.0 if ctx.quick else 60.0
    runs: list[IdleRun] = []
    with DemoServer("skafu").start() as server:
        for size in ((120, 40), (80, 24)):
            ctx.log(f"idle {size[0]}x{size[1]}: {minutes} x {window_s:.0f} s")
            runs.append(idle_run(server.endpoint, Path(ctx.scratch), size, minutes, window_s,
                                 panes and size == (120, 40) and not ctx.quick, 20.0, ctx.log))
    for r in runs:
        label = f"{r.size[0]}x{r.size[1]}"
        main = r.size == (120, 40)
        cpu = [w.cpu_pct for w in r.app]
        traffic = [w.bytes_per_min / 1000.0 for w in r.app]
        result.add(
            f"idle CPU {label} (% of a core)", "%", cpu, baseline=Figure.of([w.cpu_pct for w in r.bare]),
            ratio=ratios([(a.cpu_pct, b.cpu_pct) for a, b in zip(r.app, r.bare, strict=False)]),
            target=Target("≤ 2%", 2.0) if main else None, note=r.problem,
        )
        result.add(
            f"idle bytes to terminal {label} (KB/min)", "KB/min", traffic,
            baseline=Figure.of([w.bytes_per_min / 1000.0 for w in r.bare]),
            ratio=ratios([(a.bytes_per_min, b.bytes_per_min) for a, b in zip(r.app, r.bare, strict=False)]),
            target=Target("≤ 100 KB/min", 100.0) if main else None,
        )
        result.add(f"app RSS after idle {label} (MiB)", "MiB", [r.rss_end], target=Target("≤ 200 MiB", 200.0),
                   note=f"growth over the idle window {r.rss_end - r.rss_start:+.1f} MiB")
        for pane, w in r.panes.items():
            result.add(f"idle on pane {pane} {label} (KB/min)", "KB/min", [w.bytes_per_min / 1000.0],
                       target=Target("≤ 100 KB/min", 100.0), note=f"CPU {w.cpu_pct:.2f}% over {w.seconds:.0f} s")
    result.details["windows"] = [
        {"size": f"{r.size[0]}x{r.size[1]}", "app": [vars(w) for w in r.app], "bare": [vars(w) for w in r.bare],
         "panes": {k: vars(v) for k, v in r.panes.items()}, "rss_start_mib": r.rss_start, "rss_end_mib": r.rss_end}
        for r in runs
    ]
    return result
