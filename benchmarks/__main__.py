"""``python -m benchmarks`` (``make bench``): run every section, print the table, write the results.

    python -m benchmarks [--quick] [--only startup,idle,...] [--serial] [--panes] [--out DIR]

Sections: startup, idle, soak, drive, poll, scale, endpoint (see each ``benchmarks/s*_*.py``).
Results go to ``DIR/latest.json`` and ``DIR/latest.md`` (default ``benchmarks/results``).
``--quick`` is a smoke run (one repetition, 10-second idle windows, 200-poll soak): the
machinery works, the figures mean little. The soak runs during the 80x24 idle window unless
``--serial`` (2,000 polls cost minutes of CPU; the 120x40 idle figures, which carry the targets,
are never measured next to it). ``--panes`` adds a 20-second idle measurement of panes 2-7.
Exit status: 0 when every section ran (targets met or not), 1 when a section could not run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import report, s1_startup, s2_idle, s3_soak, s4_drive, s5_poll, s6_scale, s7_endpoint
from benchmarks.s3_soak import SoakJob
from benchmarks.s4_drive import DriveRun
from benchmarks.stats import RunContext, SectionResult

SECTIONS = ("startup", "drive", "poll", "scale", "endpoint", "idle", "soak")
DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def _clean(value: Any) -> Any:
    """JSON without NaN/inf (they become null)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _timed(name: str, title: str, body: Callable[[], SectionResult]) -> tuple[SectionResult, bool]:
    _log(f"section {name}: start (load {_load()})")
    started = time.perf_counter()
    crashed = False
    try:
        result = body()
    except Exception as exc:  # one section failing must not lose the others' figures
        traceback.print_exc(file=sys.stderr)
        result = SectionResult(name, title, errors=[f"{type(exc).__name__}: {exc}"])
        crashed = True
    result.seconds = time.perf_counter() - started
    _log(f"section {name}: done in {result.seconds:.0f} s")
    return result, crashed


def run(selected: list[str], *, quick: bool, serial: bool, panes: bool, out: Path) -> int:
    started = time.perf_counter()
    header: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_before": _load(),
        "quick": quick,
        "python": sys.version.split()[0],
    }
    results: dict[str, SectionResult] = {}
    crashed = False
    with tempfile.TemporaryDirectory(prefix="skafu-bench-") as scratch:
        ctx = RunContext(quick=quick, scratch=scratch, log=_log)
        drive_runs: list[DriveRun] = []

        def drive() -> SectionResult:
            result, runs = s4_drive.run(ctx)
            drive_runs.extend(runs)
            return result

        bodies: dict[str, tuple[str, Callable[[], SectionResult]]] = {
            "startup": ("1 Startup", lambda: s1_startup.run(ctx)),
            "drive": ("4 Drive latency", drive),
            "poll": ("5 Poll efficiency", lambda: s5_poll.run(ctx)),
            "scale": ("6 Scale", lambda: s6_scale.run(ctx, drive_runs)),
            "endpoint": ("7 Embedded endpoint", lambda: s7_endpoint.run(ctx)),
        }
        for name in SECTIONS:
            if name in selected and name in bodies:
                title, body = bodies[name]
                results[name], failed = _timed(name, title, body)
                crashed |= failed
        soak_job: list[SoakJob] = []
        together = "idle" in selected and "soak" in selected and not serial
        if "idle" in selected:

            def before_size(size: tuple[int, int]) -> None:
                if together and size == (80, 24) and not soak_job:
                    soak_job.append(s3_soak.start(ctx, concurrent_with="the 80x24 idle window"))

            results["idle"], failed = _timed("idle", "2 Idle cost",
                                             lambda: s2_idle.run(ctx, panes=panes, before_size=before_size))
            crashed |= failed
        if "soak" in selected:
            job = soak_job[0] if soak_job else None
            results["soak"], failed = _timed("soak", "3 Memory soak",
                                             lambda: s3_soak.finish(job) if job else s3_soak.run(ctx))
            crashed |= failed
        ctx.close()
    header.update(load_after=_load(), seconds=time.perf_counter() - started)
    ordered = [results[n] for n in ("startup", "idle", "soak", "drive", "poll", "scale", "endpoint") if n in results]
    table = report.markdown(ordered, header)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(table, encoding="utf-8")
    data = _clean(report.to_json(ordered, header))
    (out / "latest.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(table)
    _log(f"wrote {out / 'latest.json'} and {out / 'latest.md'}")
    return 1 if crashed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="smoke run: one repetition, short windows")
    parser.add_argument("--only", default="", help=f"comma-separated sections among {', '.join(SECTIONS)}")
    parser.add_argument("--serial", action="store_true", help="run the soak alone, not during the 80x24 idle")
    parser.add_argument("--panes", action="store_true", help="also measure idle on panes 2-7 at 120x40")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where latest.json and latest.md go")
    args = parser.parse_args(argv)
    selected = [s.strip() for s in args.only.split(",") if s.strip()] or list(SECTIONS)
    unknown = [s for s in selected if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)} (choose from {', '.join(SECTIONS)})")
    return run(selected, quick=args.quick, serial=args.serial, panes=args.panes, out=args.out)


if __name__ == "__main__":
    raise SystemExit(main())
