"""3. Memory soak: 2,000 polls of the real Poller (every Snapshot assessed) against its own demo.

Runs :mod:`benchmarks.soak_worker` in a subprocess so its memory is its own. :func:`start` and
:func:`finish` let the orchestrator run it while another section waits (the 80x24 idle window),
because 2,000 polls cost minutes of CPU on this machine.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from typing import IO

from benchmarks.procs import PYTHON, ROOT, DemoServer, child_env
from benchmarks.stats import RunContext, SectionResult, Target


@dataclass
class SoakJob:
    server: DemoServer
    process: subprocess.Popen[str]
    polls: int
    stderr: IO[bytes]
    concurrent_with: str = ""

    def last_error(self) -> str:
        self.stderr.seek(0)
        lines = self.stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no output"


def start(ctx: RunContext, concurrent_with: str = "") -> SoakJob:
    polls, warmup = (200, 50) if ctx.quick else (2000, 200)
    server = DemoServer("skafu").start()
    during = f" (while {concurrent_with})" if concurrent_with else ""
    ctx.log(f"soak: {polls} polls against {server.endpoint}{during}")
    stderr = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [PYTHON, "-m", "benchmarks.soak_worker", server.endpoint, "--polls", str(polls), "--warmup", str(warmup)],
        stdout=subprocess.PIPE, stderr=stderr, text=True, env=child_env(), cwd=ROOT,
    )  # fmt: skip
    return SoakJob(server, process, polls, stderr, concurrent_with)


def finish(job: SoakJob, timeout: float = 900.0) -> SectionResult:
    result = SectionResult("soak", "3 Memory soak")
    try:
        out, _ = job.process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        job.process.kill()
        job.process.communicate()
        result.errors.append(f"the soak did not finish {job.polls} polls within {timeout:.0f} s")
        return result
    finally:
        job.server.stop()
    if job.process.returncode != 0 or not out.strip():
        result.errors.append(f"soak worker exited {job.process.returncode}: {job.last_error()}")
        return result
    data = json.loads(out.strip().splitlines()[-1])
    rss0, rss1 = data["rss_mib"]
    note = f"{data['polls']} polls in {data['seconds']:.0f} s, {data['api_calls']} API calls"
    if job.concurrent_with:
        note += f"; ran during {job.concurrent_with}"
    result.add("RSS growth over the soak (MiB)", "MiB", [data["rss_growth_mib"]], target=Target("≤ 10 MiB", 10.0),
               note=f"from polls {data['warmup_polls']} to {data['polls']}: {rss0:.1f} → {rss1:.1f} MiB "
                    f"(tracemalloc's own {data['tracemalloc_overhead_mib']:.1f} MiB included); {note}")
    result.add("Python heap held since warm-up (MiB)", "MiB", [data["heap_growth_mib"]],
               note="allocated after warm-up and alive at the end (the latest Snapshot's data is most of it)")
    result.add("poller process RSS after the soak (MiB)", "MiB", [rss1], target=Target("≤ 200 MiB", 200.0),
               note="headless: poller + assessment, no UI")
    if data.get("assess_failures"):
        result.errors.append(f"{data['assess_failures']} assessments raised during the soak")
    result.details.update(data)
    return result


def run(ctx: RunContext) -> SectionResult:
    return finish(start(ctx))
