"""Run the scenario's seeding and driver in a child process of the server.

The seeder and driver are AWS clients of the server, so they live in a process of their own:
their boto3 work runs on another core than moto's request handling (seeding is about twice as
fast), and the server's memory holds only what it serves (boto3's service models for a dozen
clients weigh ~100 MB). The child seeds, reports one line on stdout (``seeded <seconds>`` or
``seed-failed <message>``), then drives the scenario until its stdin closes (the server stopped or
died) or it receives SIGTERM.

Run by hand: ``python -m skafu_tui.demo.scenario_runner --endpoint http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import argparse
import gc
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from skafu_tui.demo.scenario_model import Scenario, build_scenario

SEED_TIMEOUT_S = 30.0


class ScenarioRunner:
    """The parent's handle on the child: scenario clock, seeding outcome, and :meth:`stop`."""

    def __init__(self, process: subprocess.Popen[bytes], scenario: Scenario, speed: float, clock_zero: float) -> None:
        self.process = process
        self.scenario = scenario
        self.speed = speed
        self._zero = clock_zero
        self.seed_seconds: float | None = None
        self.seed_error: str | None = None

    def now(self) -> datetime:
        return self.scenario.start + timedelta(seconds=(time.monotonic() - self._zero) * self.speed)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def wait_seeded(self, timeout: float = SEED_TIMEOUT_S) -> None:
        """Block until the child reports its seeding (or dies, or ``timeout`` passes)."""
        stdout = self.process.stdout
        assert stdout is not None
        line = b""
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    self.seed_error = f"no seeding report within {timeout:.0f} s"
                    return
                chunk = os.read(stdout.fileno(), 4096)
                if not chunk:
                    self.seed_error = f"scenario process exited ({self.process.poll()}) before seeding"
                    return
                line += chunk
        text = line.decode(errors="replace").strip()
        if text.startswith("seeded "):
            self.seed_seconds = float(text.split()[1])
        else:
            self.seed_error = text.removeprefix("seed-failed ").strip() or "unknown failure"

    def stop(self, timeout: float = 1.0) -> None:
        """End the child within ``timeout`` seconds (SIGTERM, then SIGKILL)."""
        proc = self.process
        if proc.stdin is not None and not proc.stdin.closed:
            proc.stdin.close()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        if proc.stdout is not None:
            proc.stdout.close()


def spawn_runner(endpoint: str, *, speed: float, start: datetime | None, seed_value: int) -> ScenarioRunner:
    """Spawn the child and return its handle at once; :meth:`ScenarioRunner.wait_seeded` waits for its report."""
    clock_zero = time.monotonic()
    scenario = build_scenario(seed_value, start)
    cmd = [
        sys.executable, "-m", "skafu_tui.demo.scenario_runner",
        "--endpoint", endpoint,
        "--speed", repr(speed),
        "--start", scenario.start.isoformat(),
        "--seed", str(seed_value),
        "--clock-zero", repr(clock_zero),
    ]  # fmt: skip
    # The child imports this very package, wherever it was imported from.
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)}
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, env=env)
    return ScenarioRunner(proc, scenario, speed, clock_zero)


def _watch_stdin(stop: threading.Event) -> None:
    try:
        while sys.stdin.buffer.read(1024):
            pass
    finally:
        stop.set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skafu_tui.demo.scenario_runner")
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--start", default=None, help="scenario start, ISO 8601 (default: now)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clock-zero", type=float, default=None, help="time.monotonic() at scenario start")
    parser.add_argument("--no-drive", action="store_true", help="seed, then exit")
    args = parser.parse_args(argv)
    # Ctrl-C in a terminal reaches the whole process group: the server decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from skafu_tui.demo.driver import Driver
    from skafu_tui.demo.seeder import seed

    start = datetime.fromisoformat(args.start) if args.start else datetime.now(UTC)
    scenario = build_scenario(args.seed, start)
    gc.disable()  # seeding allocates much and frees little: collect once it is done (see server.py)
    try:
        seeded = seed(args.endpoint, scenario)
        report = f"seeded {seeded.seconds:.3f}"
    except Exception as exc:  # reported to the parent as a line: the demo serves what did get seeded
        report = "seed-failed " + " ".join(str(exc).split())[:2000]
    sys.stdout.write(report + "\n")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nobody reads our stdout any more
    gc.enable()
    if args.no_drive:
        return 0
    stop = threading.Event()
    threading.Thread(target=_watch_stdin, args=(stop,), daemon=True).start()
    driver = Driver(args.endpoint, scenario, speed=args.speed, clock_zero=args.clock_zero)
    driver.start()
    while not stop.wait(0.5):
        pass
    driver.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
