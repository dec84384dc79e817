"""The benchmark machinery still works: a real pty, a real frame stream, a figure out of it.

No timing is asserted (the machine may be loaded): only that measurements are produced, are
well-formed, and that the results table judges them against their targets.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from benchmarks import report, s1_startup
from benchmarks.__main__ import _clean
from benchmarks.procs import FIXTURE, child_env, replay_argv
from benchmarks.pty_harness import PtyProcess
from benchmarks.s4_drive import pane_shown
from benchmarks.stats import Figure, SectionResult, Target, percentile, ratios
from benchmarks.watch import Watcher

FRESH = re.compile(r"sources (\d+)/\1 fresh")


def test_bare_app_first_paint_is_measured_under_a_pty() -> None:
    seconds = s1_startup.bare_first_paint()
    assert math.isfinite(seconds) and seconds > 0


def test_a_pane_switch_on_the_replayed_dashboard_is_timed_to_the_painted_pane(tmp_path: Path) -> None:
    with PtyProcess(replay_argv(FIXTURE, tmp_path), 120, 40, env=child_env()) as app:
        watch = Watcher(app)
        assert watch.until(lambda s: bool(FRESH.search(s.text)), 120.0) is not None
        painted, settled = watch.press(b"2", pane_shown("Health"), timeout=60.0)
        assert painted is not None and settled is not None
        assert 0 < painted <= settled
        first_row = next(watch.screen.line(r) for r in range(2, watch.screen.rows) if watch.screen.line(r).strip())
        assert first_row.lstrip().startswith("Health")
        assert app.rss_mib() > 0


def test_results_table_judges_each_figure_against_its_target() -> None:
    section = SectionResult("demo", "0 Demo")
    section.add("fast thing (s)", "s", [0.2, 0.1, 0.3], baseline=Figure.of([0.4, 0.4, 0.4]),
                ratio=ratios([(0.2, 0.4), (0.1, 0.4), (0.3, 0.4)]), target=Target("≤ 0.6x", 0.6, on_ratio=True))
    slow = [10.0, 20.0, 30.0, 40.0]
    section.add("slow thing (ms)", "ms", slow, target=Target("p95 ≤ 25 ms", 25.0), judged_value=percentile(slow, 95))
    section.add("missing (s)", "s", [float("nan")])
    header = {"started": "now", "cpus": 2, "load_before": "0/0", "load_after": "0/0", "seconds": 1.0}
    table = report.markdown([section], header)
    assert "≤ 0.6x: **met** (0.50x)" in table
    assert "p95 ≤ 25 ms: **not met** (40.0)" in table
    assert "Targets met: 1 of 2." in table
    data = json.loads(json.dumps(_clean(report.to_json([section], header)), allow_nan=False))
    rows = data["sections"][0]["rows"]
    assert [r["met"] for r in rows] == [True, False, None]
    assert rows[2]["figure"]["median"] is None


def test_a_resized_pty_reaches_the_dashboard(tmp_path: Path) -> None:
    """The harness's resize is the terminal's: the app redraws at the new size (80 columns shorten the tabs)."""
    with PtyProcess(replay_argv(FIXTURE, tmp_path), 120, 40, env=child_env()) as app:
        watch = Watcher(app)
        assert watch.until(lambda s: "2 Health" in s.text and bool(FRESH.search(s.text)), 120.0) is not None
        app.resize(80, 24)
        watch.resized()
        assert watch.until(lambda s: "2 Hea " in s.text and "2 Health" not in s.text, 30.0) is not None
