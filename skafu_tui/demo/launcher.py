"""Start the embedded demo endpoint as a child process and learn its address.

The server runs in its own process (a heavy moto request stalled a Textual event loop for
up to 162 ms when they shared one), and announces readiness with exactly one stdout line
``endpoint=http://HOST:PORT``. This module imports nothing from moto: the app and the report
use it to start the server, which may then fail cleanly if the ``demo`` extra is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

READY_PREFIX = "endpoint="
READY_TIMEOUT_S = 30.0


class DemoStartError(RuntimeError):
    """The demo endpoint did not come up; the message says why in words."""


def _command(scenario: str, speed: float, port: int) -> list[str]:
    return [
        sys.executable, "-m", "skafu_tui", "demo-server",
        "--host", "127.0.0.1", "--port", str(port),
        "--scenario", scenario, "--speed", str(speed),
    ]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # The child must never reach real AWS, whatever the operator's shell exports.
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env.pop(key, None)
    env.setdefault("AWS_ACCESS_KEY_ID", "demo")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "demo")
    env["PYTHONUNBUFFERED"] = "1"
    env["SKAFU_TUI_PARENT_PID"] = str(os.getpid())
    return env


@dataclass
class DemoServer:
    """A running demo endpoint; stop it with :meth:`stop` (idempotent)."""

    endpoint: str
    process: subprocess.Popen[bytes] | asyncio.subprocess.Process
    stderr: IO[bytes] | None = None
    """Where the child's stderr goes: a file, so a chatty child can never block on a full pipe."""

    def stop(self, timeout: float = 3.0) -> None:
        proc = self.process
        if proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        if isinstance(proc, subprocess.Popen):
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)

    async def astop(self, timeout: float = 3.0) -> None:
        proc = self.process
        if isinstance(proc, subprocess.Popen):
            await asyncio.to_thread(self.stop, timeout)
            return
        if proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()


def scenario_clock(endpoint: str, timeout: float = 5.0) -> Callable[[], datetime] | None:
    """The running scenario's clock, read once from ``GET /_skafu/clock`` and then run locally.

    At ``--speed N`` the scenario stamps its data N times faster than the wall clock; the
    dashboard must query and age data by scenario time or it would never see the newest points.
    """
    try:
        with urllib.request.urlopen(f"{endpoint}/_skafu/clock", timeout=timeout) as response:
            doc = json.loads(response.read())
        origin = datetime.fromisoformat(doc["now"])
        speed = float(doc["speed"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    zero = time.monotonic()

    def now() -> datetime:
        return origin + timedelta(seconds=(time.monotonic() - zero) * speed)

    return now


def _parse_ready(line: str) -> str | None:
    line = line.strip()
    return line[len(READY_PREFIX):] if line.startswith(READY_PREFIX) else None


def _last_error(stderr: IO[bytes]) -> str:
    stderr.seek(0)
    lines = stderr.read().decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else "no output"


def start_demo_server(scenario: str = "skafu", speed: float = 1.0, port: int = 0) -> DemoServer:
    """Start the server and block until it is ready (for the headless report and tests)."""
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        _command(scenario, speed, port), stdout=subprocess.PIPE, stderr=err,
        stdin=subprocess.DEVNULL, env=_env(), start_new_session=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode(errors="replace")
    endpoint = _parse_ready(line)
    if endpoint is None:
        proc.kill()
        proc.wait()
        raise DemoStartError(f"demo endpoint did not start: {_last_error(err)}")
    return DemoServer(endpoint, proc, err)


async def astart_demo_server(scenario: str = "skafu", speed: float = 1.0, port: int = 0) -> DemoServer:
    """Start the server without blocking the event loop (for the app)."""
    err = tempfile.TemporaryFile()
    proc = await asyncio.create_subprocess_exec(
        *_command(scenario, speed, port), stdout=asyncio.subprocess.PIPE,
        stderr=err, stdin=asyncio.subprocess.DEVNULL, env=_env(),
        start_new_session=True,
    )
    assert proc.stdout is not None
    try:
        raw = await asyncio.wait_for(proc.stdout.readline(), READY_TIMEOUT_S)
    except TimeoutError as exc:
        proc.kill()
        raise DemoStartError(f"demo endpoint not ready after {READY_TIMEOUT_S:.0f} s") from exc
    endpoint = _parse_ready(raw.decode(errors="replace"))
    if endpoint is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise DemoStartError(f"demo endpoint did not start: {_last_error(err)}")
    return DemoServer(endpoint, proc, err)
