"""Child processes the benchmarks start: the demo endpoint, the dashboard, the baselines.

Every child gets the same explicit terminal environment (xterm-256color, truecolor, no NO_COLOR,
no Textual overrides) and dummy AWS credentials, so figures do not depend on the caller's shell
and nothing can reach real AWS.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.pty_harness import process_cpu_seconds, process_pss_mib, process_rss_mib

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CONFIG = ROOT / "config.yaml"
FIXTURE = ROOT / "tests" / "ui" / "fixtures" / "skafu_snapshot.json"

# PYTHONDONTWRITEBYTECODE: any non-empty value (even "0") stops children writing .pyc files, and a
# module edited since its .pyc was written would then be recompiled on every run.
_DROP = ("NO_COLOR", "FORCE_COLOR", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "SKAFU_TUI_CONFIG", "PYTHONDONTWRITEBYTECODE")


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROP and not k.startswith("TEXTUAL")}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG=env.get("LANG", "C.UTF-8") or "C.UTF-8",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    env.update(extra)
    return env


def skafu_command() -> list[str]:
    """How an operator starts the dashboard: the console script when installed, else ``-m``."""
    script = Path(PYTHON).with_name("skafu-tui")
    return [str(script)] if script.exists() else [PYTHON, "-m", "skafu_tui"]


def dashboard_argv(endpoint: str, state_dir: Path, config: Path = CONFIG) -> list[str]:
    return [*skafu_command(), "--config", str(config), "--endpoint-url", endpoint, "--state-dir", str(state_dir)]


def bare_argv(clock: bool = False) -> list[str]:
    return [PYTHON, "-m", "benchmarks.bare_app", *(["--clock"] if clock else [])]


def replay_argv(snapshot: Path, state_dir: Path, config: Path = CONFIG, *, large: bool = False) -> list[str]:
    argv = [PYTHON, "-m", "benchmarks.replay_app", "--snapshot", str(snapshot), "--config", str(config)]
    argv += ["--state-dir", str(state_dir)]
    return [*argv, "--large"] if large else argv


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc; the demo server's scenario runner, say)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def descendants_of(pid: int) -> list[int]:
    """Every process below ``pid`` (the dashboard's poll process, and anything it started)."""
    found: list[int] = []
    stack = children_of(pid)
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(children_of(child))
    return found


def _alive_sum(pids: list[int], measure: Callable[[int], float]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):  # exited between listing and reading
            total += measure(pid)
    return total


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and its live descendants: the dashboard polls in a child process,
    and what it costs to leave open is both (a descendant that exited meanwhile is not counted)."""
    return process_cpu_seconds(pid) + _alive_sum(descendants_of(pid), process_cpu_seconds)


def tree_rss_mib(pid: int) -> tuple[float, float]:
    """(RSS of ``pid``, RSS of its live descendants) in MiB."""
    return process_rss_mib(pid), _alive_sum(descendants_of(pid), process_rss_mib)


def tree_pss_mib(pid: int) -> float:
    """PSS of ``pid`` and its live descendants in MiB: their memory counted once (a forked poll
    process shares its parent's pages until either writes them; RSS counts those pages twice)."""
    return process_pss_mib(pid) + _alive_sum(descendants_of(pid), process_pss_mib)


@dataclass
class DemoServer:
    """``skafu-tui demo-server`` as a child; ``ready_s`` is spawn → ``endpoint=`` line."""

    scenario: str = "skafu"
    speed: float = 1.0
    timeout: float = 120.0
    endpoint: str = ""
    ready_s: float = float("nan")
    started_at: float = 0.0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> DemoServer:
        argv = [*skafu_command(), "demo-server", "--port", "0", "--scenario", self.scenario, "--speed", str(self.speed)]
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            env=child_env(PYTHONUNBUFFERED="1"), start_new_session=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        deadline = time.monotonic() + self.timeout
        line = b""
        while not line.startswith(b"endpoint=") and time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
        if not line.startswith(b"endpoint="):
            self.stop()
            raise RuntimeError(f"demo-server --scenario {self.scenario} did not announce an endpoint")
        self.ready_s = time.perf_counter() - self.started_at
        self.endpoint = line.decode().strip().removeprefix("endpoint=")
        return self

    @property
    def pid(self) -> int:
        return self.process.pid if self.process is not None else 0

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def rss_mib(self) -> float:
        return process_rss_mib(self.pid)

    def runner_rss_mib(self) -> float:
        """RSS of the scenario runner (seeder and driver), a child of the server."""
        return sum(process_rss_mib(p) for p in children_of(self.pid))

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)

    def stop(self, timeout: float = 5.0) -> None:
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            # The runner child exits when the server's end of its stdin closes.
            proc.kill()
            proc.wait(timeout)
        if proc.stdout is not None:
            proc.stdout.close()

    def __enter__(self) -> DemoServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_quiet(argv: Sequence[str], timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv), capture_output=True, text=True, timeout=timeout, env=child_env(), cwd=ROOT, check=False
    )
