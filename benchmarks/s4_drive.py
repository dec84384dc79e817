"""4. Drive latency: keypress to painted screen, at normal and large state (also 6's UI figure).

The app is :mod:`benchmarks.replay_app` (the real dashboard fed one Snapshot, frozen clock), so
after a key nothing but that key's answer reaches the terminal. Per key: the screen is idle, the
key is sent, and the time is taken at the end of the first frame after which the screen shows the
target (a pane: its title as the pane's first line and no "waiting for data…"; the incident
detail: its key hint line; back: the hint gone): "painted". The end of the burst (no byte for
250 ms) is reported too: "settled" (footer and deferred repaints included).

Normal state: the recorded poll of the demo. Large state: 200 services, 5 regions, 10,000
findings of which 1,000 open an incident each (see :mod:`benchmarks.large_state`).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.procs import CONFIG, FIXTURE, child_env, replay_argv
from benchmarks.pty_harness import PtyProcess
from benchmarks.screen import Screen
from benchmarks.stats import Figure, RunContext, SectionResult, Target, percentile
from benchmarks.watch import Predicate, Watcher

COLS, ROWS = 120, 40
FRESH = re.compile(r"sources (\d+)/\1 fresh")
WAITING = ("waiting for data", "waiting for the first poll")
DETAIL_HINT = "esc back  a ack"
OPEN_COUNT = re.compile(r"Incidents: ([\d,]+) open")
PANE_KEYS = "23451"


def pane_shown(title: str) -> Predicate:
    def shown(screen: Screen) -> bool:
        first = next((r for r in range(2, screen.rows) if screen.line(r).strip()), None)
        if first is None or not screen.line(first).lstrip().startswith(title):
            return False
        return not any(w in screen.text for w in WAITING)

    return shown


def incidents_listed(minimum: int) -> Predicate:
    def listed(screen: Screen) -> bool:
        m = OPEN_COUNT.search(screen.text)
        return m is not None and int(m.group(1).replace(",", "")) >= minimum

    return listed


@dataclass
class DriveRun:
    state: str
    panes: list[float] = field(default_factory=list)
    panes_settled: list[float] = field(default_factory=list)
    first_visits: list[float] = field(default_factory=list)
    opens: list[float] = field(default_factory=list)
    opens_settled: list[float] = field(default_factory=list)
    backs: list[float] = field(default_factory=list)
    ready_s: float = float("nan")
    rss_mib: float = float("nan")
    problems: list[str] = field(default_factory=list)


def drive(snapshot: Path, config: Path, scratch: Path, *, large: bool, rounds: int, opens: int,
          min_incidents: int) -> DriveRun:
    from skafu_tui.ui.keys import PANES

    titles = {key: title for _, title, key in PANES}
    run = DriveRun("large" if large else "normal")
    with tempfile.TemporaryDirectory(dir=scratch) as state, \
            PtyProcess(replay_argv(snapshot, Path(state), config, large=large), COLS, ROWS, env=child_env()) as app:
        watch = Watcher(app)
        if watch.until(lambda s: bool(FRESH.search(s.text)), 180.0) is None:
            run.problems.append("the replayed Snapshot was never drawn")
            return run
        # Visit the incident list until the ledger holds the state's incidents (the engine opens
        # them on a thread after the first assessment), then go back: panes are measured on a
        # settled app. This visit makes 6 a not-first visit; 2-5 stay first visits in round 1.
        painted, _ = watch.press(b"6", incidents_listed(min_incidents), timeout=180.0)
        if painted is None:
            run.problems.append(f"the incident list never showed {min_incidents} open incidents")
        run.ready_s = (watch.last_frame_at or app.started_at) - app.started_at
        watch.press(b"1", pane_shown(titles["1"]))
        for r in range(rounds):
            for key in PANE_KEYS:
                painted, settled = watch.press(key.encode(), pane_shown(titles[key]))
                if painted is None or settled is None:
                    run.problems.append(f"pane {key} never painted")
                    continue
                run.panes.append(painted)
                run.panes_settled.append(settled)
                if r == 0 and key != "1":
                    run.first_visits.append(painted)
        watch.press(b"6", pane_shown(titles["6"]))
        for _ in range(opens):
            painted, settled = watch.press(b"\r", lambda s: s.has(DETAIL_HINT))
            if painted is None or settled is None:
                run.problems.append("enter did not open the incident detail")
                break
            run.opens.append(painted)
            run.opens_settled.append(settled)
            back, _ = watch.press(b"\x1b", lambda s: not s.has(DETAIL_HINT))
            if back is None:
                run.problems.append("escape did not return to the list")
                break
            run.backs.append(back)
            watch.press(b"j", lambda s: True)  # next incident
        run.rss_mib = app.rss_mib()
    return run


def _ms(samples: list[float]) -> list[float]:
    return [s * 1000.0 for s in samples]


def run(ctx: RunContext) -> tuple[SectionResult, list[DriveRun]]:
    from benchmarks import large_state

    result = SectionResult("drive", "4 Drive latency")
    scratch = Path(ctx.scratch)
    # 6 rounds: n=30 pane switches per state, so p95 (nearest rank) is not simply the slowest of 15.
    rounds, opens = (1, 2) if ctx.quick else (6, 6)
    runs = [drive(FIXTURE, CONFIG, scratch, large=False, rounds=rounds, opens=opens, min_incidents=1)]
    ctx.log("drive: normal state done; building the large state")
    config, snapshot = large_state.build(FIXTURE, CONFIG, scratch)
    runs.append(drive(snapshot, config, scratch, large=True, rounds=rounds, opens=opens, min_incidents=1000))
    for r in runs:
        label = f"{r.state} state"
        panes = _ms(r.panes)
        result.add(f"pane switch 1-5, {label} (ms)", "ms", Figure.of(panes), target=Target("p95 ≤ 50 ms", 50.0),
                   judged_value=percentile(panes, 95),
                   note=f"p95 {percentile(panes, 95):.0f} ms (nearest rank, n={len(panes)}); first visits "
                        f"max {max(_ms(r.first_visits), default=float('nan')):.0f} ms; settled p95 "
                        f"{percentile(_ms(r.panes_settled), 95):.0f} ms")
        opened = _ms(r.opens)
        result.add(f"open incident (enter), {label} (ms)", "ms", Figure.of(opened),
                   target=Target("p95 ≤ 100 ms", 100.0) if r.state == "large" else None,
                   judged_value=percentile(opened, 95),
                   note=f"p95 {percentile(opened, 95):.0f} ms (n={len(opened)}); settled p95 "
                        f"{percentile(_ms(r.opens_settled), 95):.0f} ms")
        backs = _ms(r.backs)
        result.add(f"return to list (escape), {label} (ms)", "ms", Figure.of(backs),
                   judged_value=percentile(backs, 95), note=f"p95 {percentile(backs, 95):.0f} ms")
        result.add(f"app RSS, {label} (MiB)", "MiB", [r.rss_mib], target=Target("≤ 200 MiB", 200.0),
                   note=f"state drawn and incidents listed {r.ready_s:.1f} s after start")
        result.errors.extend(f"{label}: {p}" for p in r.problems)
    result.details["samples_ms"] = {
        r.state: {"panes": _ms(r.panes), "panes_settled": _ms(r.panes_settled), "first_visits": _ms(r.first_visits),
                  "opens": _ms(r.opens), "opens_settled": _ms(r.opens_settled), "backs": _ms(r.backs)}
        for r in runs
    }
    return result, runs
