"""2. Idle cost: CPU and bytes to the terminal per minute, no keys, demo running.

The dashboard (``--endpoint-url`` against ``demo-server --scenario skafu``, production cadences)
and the baseline (a bare Textual app whose clock label changes every second) run side by side,
each on its own pty of the same size, over the same wall-clock windows: both at ~0-1% of a core,
they barely contend, and the machine's noise hits both alike. Each one-minute window is one sample;
the ratio is taken window by window.

Measuring starts once every source is fresh and the new-incident banners (20 s) are gone: a
shift's steady state. 120x40 first; then both terminals are resized to 80x24 (SIGWINCH, as when
a window shrinks) and measured again after the re-layout: one start-up for both sizes.
With ``panes`` the 120x40 run then visits panes 2-7 and measures each for ``pane_window_s``.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.procs import bare_argv, child_env, dashboard_argv, tree_cpu_seconds, tree_pss_mib, tree_rss_mib
from benchmarks.pty_harness import PtyProcess
from benchmarks.screen import bytes_by_row
from benchmarks.stats import Figure, RunContext, SectionResult, Target, ratios
from benchmarks.watch import Watcher

FRESH = re.compile(r"sources (\d+)/\1 fresh")
BANNER = re.compile(r"(New|Reopened|Escalated) P\d incident|More new incidents")
BANNER_WAIT_S = 30.0
SIZES = ((120, 40), (80, 24))
RELAYOUT_S = 3.0


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
    banner_wait_s: float = 0.0
    rows: list[tuple[int, float, str]] = field(default_factory=list)
    """(row, KB/min, the row's text) of the dashboard's most repainted rows over the windows."""
    problem: str = ""
    rss_split: tuple[float, float] = (float("nan"), float("nan"))
    pss_end: float = float("nan")
    """(UI process, poll process) RSS at the end, MiB: the dashboard is both."""


def _measure(procs: list[PtyProcess], seconds: float) -> list[Window]:
    t0 = time.perf_counter()
    # The process and its descendants: the dashboard polls in a child process.
    cpu0 = [tree_cpu_seconds(p.pid) for p in procs]
    time.sleep(seconds)
    t1 = time.perf_counter()
    return [
        Window(t1 - t0, tree_cpu_seconds(p.pid) - c0, p.bytes_between(t0, t1))
        for p, c0 in zip(procs, cpu0, strict=True)
    ]


def _windows(run: IdleRun, app: PtyProcess, bare: PtyProcess, minutes: int, window_s: float,
             watch: Watcher) -> None:
    run.rss_start = sum(tree_rss_mib(app.pid))
    started, first = time.perf_counter(), app.total_bytes
    for _ in range(minutes):
        a, b = _measure([app, bare], window_s)
        run.app.append(a)
        run.bare.append(b)
        if not app.alive():
            run.problem = "the dashboard exited during the idle window"
            return
    run.rss_split = tree_rss_mib(app.pid)
    run.rss_end = sum(run.rss_split)
    run.pss_end = tree_pss_mib(app.pid)
    per_min = 60.0 / (time.perf_counter() - started) / 1000.0
    watch.catch_up()
    rows = bytes_by_row(app.read_range(first, app.total_bytes))
    top = sorted(rows.items(), key=lambda kv: -kv[1])[:5]
    run.rows = [(r, n * per_min, watch.screen.line(r - 1).strip()[:40] if 0 < r <= watch.screen.rows else "")
                for r, n in top]


def idle_runs(endpoint: str, scratch: Path, minutes: int, window_s: float, *, panes: bool,
              pane_window_s: float, before_size: Callable[[tuple[int, int]], None] | None) -> list[IdleRun]:
    cols, rows = SIZES[0]
    runs: list[IdleRun] = []
    with tempfile.TemporaryDirectory(dir=scratch) as state, \
            PtyProcess(dashboard_argv(endpoint, Path(state)), cols, rows, env=child_env()) as app, \
            PtyProcess(bare_argv(clock=True), cols, rows, env=child_env()) as bare:
        watch = Watcher(app)
        first = IdleRun(SIZES[0])
        if watch.until(lambda s: bool(FRESH.search(s.text)), 120.0) is None:
            first.problem = "the dashboard never showed every source fresh; measured anyway"
        Watcher(bare).until(lambda s: s.has("bare-app-ready"), 60.0)
        time.sleep(RELAYOUT_S)  # the first poll's follow-up repaints
        watch.catch_up()
        if BANNER.search(watch.screen.text):
            waited = time.perf_counter()
            watch.until(lambda s: not BANNER.search(s.text), BANNER_WAIT_S)
            first.banner_wait_s = time.perf_counter() - waited
        for size in SIZES:
            run = first if size == SIZES[0] else IdleRun(size)
            if size != SIZES[0]:
                app.resize(*size)
                bare.resize(*size)
                watch.resized()
                time.sleep(RELAYOUT_S)
            if before_size is not None:
                before_size(size)
            _windows(run, app, bare, minutes, window_s, watch)
            runs.append(run)
            if panes and size == SIZES[0]:
                from skafu_tui.ui.keys import PANES

                for pane, _title, key in PANES[1:]:
                    app.send(key.encode())
                    time.sleep(RELAYOUT_S)  # the first visit draws the pane: not idle yet
                    run.panes[pane] = _measure([app], pane_window_s)[0]
                app.send(b"1")
                time.sleep(RELAYOUT_S)
            if run.problem and not app.alive():
                break
    return runs


def run(ctx: RunContext, *, panes: bool = False,
        before_size: Callable[[tuple[int, int]], None] | None = None) -> SectionResult:
    result = SectionResult("idle", "2 Idle cost")
    minutes = ctx.reps(3, 1)
    window_s = 10.0 if ctx.quick else 60.0
    ctx.log(f"idle: {minutes} x {window_s:.0f} s at each of {', '.join(f'{c}x{r}' for c, r in SIZES)}")
    runs = idle_runs(ctx.demo_endpoint(), Path(ctx.scratch), minutes, window_s, panes=panes and not ctx.quick,
                     pane_window_s=20.0, before_size=before_size)
    for r in runs:
        label = f"{r.size[0]}x{r.size[1]}"
        main = r.size == SIZES[0]
        result.add(
            f"idle CPU {label} (% of a core)", "%", [w.cpu_pct for w in r.app],
            baseline=Figure.of([w.cpu_pct for w in r.bare]),
            ratio=ratios([(a.cpu_pct, b.cpu_pct) for a, b in zip(r.app, r.bare, strict=False)]),
            target=Target("≤ 2%", 2.0) if main else None,
            note=r.problem or ("after a resize from 120x40" if not main else ""),
        )
        result.add(
            f"idle bytes to terminal {label} (KB/min)", "KB/min", [w.bytes_per_min / 1000.0 for w in r.app],
            baseline=Figure.of([w.bytes_per_min / 1000.0 for w in r.bare]),
            ratio=ratios([(a.bytes_per_min, b.bytes_per_min) for a, b in zip(r.app, r.bare, strict=False)]),
            target=Target("≤ 100 KB/min", 100.0) if main else None,
            note="most repainted rows: "
            + "; ".join(f"row {row} {kb:.1f} KB/min ({text!r})" for row, kb, text in r.rows[:3]),
        )
        result.add(f"app memory after idle {label} (MiB, PSS of UI + poll process)", "MiB", [r.pss_end],
                   target=Target("≤ 200 MiB", 200.0),
                   note=f"RSS UI {r.rss_split[0]:.0f} + poll process {r.rss_split[1]:.0f} = {r.rss_end:.0f} MiB, "
                        f"which counts the pages the forked poll process shares with the UI twice; "
                        f"RSS {r.rss_end - r.rss_start:+.1f} MiB over the windows")
        for pane, w in r.panes.items():
            result.add(f"idle on pane {pane} {label} (KB/min)", "KB/min", [w.bytes_per_min / 1000.0],
                       target=Target("≤ 100 KB/min", 100.0), note=f"CPU {w.cpu_pct:.2f}% over {w.seconds:.0f} s")
    result.details["windows"] = [
        {"size": f"{r.size[0]}x{r.size[1]}", "app": [vars(w) for w in r.app], "bare": [vars(w) for w in r.bare],
         "panes": {k: vars(v) for k, v in r.panes.items()}, "rss_start_mib": r.rss_start, "rss_end_mib": r.rss_end,
         "rss_ui_poll_mib": r.rss_split, "pss_end_mib": r.pss_end,
         "banner_wait_s": r.banner_wait_s, "top_rows_kb_per_min": r.rows}
        for r in runs
    ]
    return result
