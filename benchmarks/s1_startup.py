"""1. Startup: first paint of the overview and first full data, against a bare Textual app.

Each pair runs the bare app (one label) and the dashboard (``skafu-tui --endpoint-url`` against a
running ``demo-server --scenario skafu``) one after the other under a 120x40 pty, alternating which
goes first. First paint = end of the first frame after which the screen shows the overview's title
row (the bare app: its label); first full data = end of the frame that shows ``sources N/N fresh``.
One more dashboard run goes through :mod:`benchmarks.import_probe` to see when aiobotocore, botocore
and aiohttp are first imported by the UI process relative to that paint (the dashboard polls in a
child process, which imports them while the UI paints: the UI should never import them), and
``-X importtime`` lists the static import path of the app's modules.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.procs import FIXTURE, PYTHON, bare_argv, child_env, dashboard_argv, replay_argv, run_quiet
from benchmarks.pty_harness import PtyProcess
from benchmarks.stats import Figure, RunContext, SectionResult, Target, ratios
from benchmarks.watch import Watcher

FRESH = re.compile(r"sources (\d+)/\1 fresh")
AWS_PACKAGES = ("aiobotocore", "botocore", "boto3", "aiohttp")
COLS, ROWS = 120, 40
TIMEOUT = 90.0


def bare_first_paint() -> float:
    """Seconds from spawn to the bare app's label painted."""
    with PtyProcess(bare_argv(), COLS, ROWS, env=child_env()) as proc:
        at = Watcher(proc).until(lambda s: s.has("bare-app-ready"), TIMEOUT)
        if at is None:
            raise RuntimeError("the bare app did not paint its label")
        return at - proc.started_at


def dashboard_startup(endpoint: str, scratch: Path) -> tuple[float, float]:
    """(first paint, first full data) in seconds from spawn; full data is NaN if it never came."""
    with tempfile.TemporaryDirectory(dir=scratch) as state:
        argv = dashboard_argv(endpoint, Path(state))
        with PtyProcess(argv, COLS, ROWS, env=child_env()) as proc:
            watch = Watcher(proc)
            painted = watch.until(lambda s: s.row_starting("Overview", 2) is not None, TIMEOUT)
            if painted is None:
                raise RuntimeError("the dashboard did not paint the overview")
            full = watch.until(lambda s: bool(FRESH.search(s.text)), TIMEOUT)
            return painted - proc.started_at, (full - proc.started_at) if full is not None else float("nan")


def replay_first_paint(scratch: Path) -> float:
    """Seconds to the overview of the same app without a live session (the replay entry): what the
    dashboard's first paint would be if nothing of the session ran before it."""
    with tempfile.TemporaryDirectory(dir=scratch) as state, \
            PtyProcess(replay_argv(FIXTURE, Path(state)), COLS, ROWS, env=child_env()) as proc:
        painted = Watcher(proc).until(lambda s: s.row_starting("Overview", 2) is not None, TIMEOUT)
        return float("nan") if painted is None else painted - proc.started_at


def aws_imports_vs_paint(endpoint: str, scratch: Path) -> dict[str, float]:
    """Seconds between first paint and each AWS package's first import (negative: before paint)."""
    log = scratch / "imports.log"
    with tempfile.TemporaryDirectory(dir=scratch) as state:
        argv = dashboard_argv(endpoint, Path(state))
        argv = [PYTHON, "-m", "benchmarks.import_probe", str(log), *argv[1:]]
        with PtyProcess(argv, COLS, ROWS, env=child_env()) as proc:
            painted = Watcher(proc).until(lambda s: s.row_starting("Overview", 2) is not None, TIMEOUT)
    if painted is None or not log.exists():
        return {}
    out = {}
    for line in log.read_text().splitlines():
        at, name = line.split()
        out[name] = round(float(at) - painted, 3)
    return out


@dataclass
class StaticImports:
    aws_modules: list[str]
    """AWS packages' modules imported by ``import skafu_tui.cli, skafu_tui.ui.app``."""
    cumulative_ms: dict[str, float]
    heaviest_skafu_ms: dict[str, float]


def import_times() -> StaticImports:
    """``-X importtime`` of the CLI and the app module: cumulative ms of the app's own top modules,
    and any AWS package on that static path."""
    done = run_quiet([PYTHON, "-X", "importtime", "-c", "import skafu_tui.cli, skafu_tui.ui.app"])
    cumulative: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cum, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if cum.isdigit():
            cumulative[name] = int(cum) / 1000.0
    keys = ("skafu_tui.cli", "skafu_tui.ui.app", "textual.app", "skafu_tui.config", "skafu_tui.assess", "pydantic")
    top = sorted(((n, ms) for n, ms in cumulative.items() if n.startswith("skafu_tui")), key=lambda x: -x[1])[:8]
    return StaticImports(
        aws_modules=sorted(n for n in cumulative if n.partition(".")[0] in AWS_PACKAGES),
        cumulative_ms={k: cumulative[k] for k in keys if k in cumulative},
        heaviest_skafu_ms=dict(top),
    )


def run(ctx: RunContext) -> SectionResult:
    result = SectionResult("startup", "1 Startup")
    # 8 pairs: one pair's ratio ranged 0.9x-2.2x on this 2-core machine; a median of 4 swung 1.1x-1.75x.
    pairs = ctx.reps(8, 1)
    bare: list[float] = []
    paint: list[float] = []
    data_after: list[float] = []
    endpoint = ctx.demo_endpoint()
    scratch = Path(ctx.scratch)
    dashboard_startup(endpoint, scratch)  # warm the OS page cache and the server's clients
    for i in range(pairs):
        if i % 2 == 0:
            b = bare_first_paint()
            p, d = dashboard_startup(endpoint, scratch)
        else:
            p, d = dashboard_startup(endpoint, scratch)
            b = bare_first_paint()
        bare.append(b)
        paint.append(p)
        data_after.append(d - p)
        ctx.log(f"startup pair {i + 1}/{pairs}: bare {b:.3f}s, dashboard paint {p:.3f}s, full data +{d - p:.3f}s")
    imports = aws_imports_vs_paint(endpoint, scratch)
    replay = [replay_first_paint(scratch) for _ in range(ctx.reps(2, 1))]
    result.add("first paint: overview (s)", "s", paint, baseline=Figure.of(bare),
               ratio=ratios(list(zip(paint, bare, strict=True))), target=Target("≤ 1.5x bare", 1.5, on_ratio=True))
    result.add("first paint without the live session (s)", "s", replay,
               note="diagnostic: the replay entry (same app, no poller, no AWS imports)")
    result.add("first full data after first paint (s)", "s", data_after, target=Target("≤ 1.5 s", 1.5),
               note="until the sources bar says N/N fresh")
    static = import_times()
    before = {k: v for k, v in imports.items() if v < 0}
    relative = "; ".join(f"{k} {v * 1000:+.0f} ms" for k, v in sorted(imports.items(), key=lambda kv: kv[1]))
    result.add(
        "AWS libraries imported before first paint", "packages", [float(len(before))], target=Target("none", 0.0),
        note=f"in the UI process, first import relative to paint: {relative or 'none while the probe watched'}"
             " (the poll process imports them in parallel)",
    )
    result.add(
        "import skafu_tui.cli + ui.app (-X importtime)", "ms",
        [static.cumulative_ms.get("skafu_tui.ui.app", float("nan")) + static.cumulative_ms.get("skafu_tui.cli", 0.0)],
        note=f"AWS modules on that static path: {len(static.aws_modules)}",
    )
    result.details.update(static_imports=asdict(static), aws_imports_relative_to_paint_s=imports)
    return result
