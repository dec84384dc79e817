"""The embedded AWS: moto's server plus our extensions, in a process of its own.

``run_server`` binds a loopback address, seeds the scenario, prints one line
``endpoint=http://HOST:PORT`` when ready and serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import gc
import importlib
import ipaddress
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from types import FrameType
from typing import Any

SCENARIOS = ("skafu", "empty")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _prepare_moto() -> None:
    # moto reads its settings when first imported: these must be in place before that.
    os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)


def build_app() -> WsgiApp:
    """moto's dispatcher wrapped by our middleware, with every extension registered."""
    _prepare_moto()
    from moto.moto_api._internal.models import moto_api_backend
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from skafu_tui.demo.ext import install_all, moto_speed
    from skafu_tui.demo.ext.middleware import SkafuMiddleware

    moto_speed.install()
    install_all()
    return SkafuMiddleware(DomainDispatcherApplication(create_backend_app), moto_api_backend.reset)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _quiet_handler() -> type:
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class QuietHandler(MotoRequestHandler):  # type: ignore[misc]
        """moto's handler (keeps underscored S3 headers) without werkzeug's per-request log lines."""

        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

        def log_error(self, *args: Any, **kwargs: Any) -> None:
            pass

        def log(self, *args: Any, **kwargs: Any) -> None:
            pass

    return QuietHandler


def _endpoint(host: str, port: int) -> str:
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _spawn_scenario(scenario: str, endpoint: str, speed: float, seed_start: datetime | None) -> Any:
    """Start seeding ``scenario`` from its own process (it waits for the endpoint to serve)."""
    if scenario != "skafu":
        return None
    try:
        seeder = importlib.import_module("skafu_tui.demo.seeder")
    except ModuleNotFoundError as exc:
        if exc.name != "skafu_tui.demo.seeder":
            raise
        print("note: skafu_tui.demo.seeder is not available; serving without the scenario", file=sys.stderr)
        return None
    return seeder.spawn(endpoint, speed=speed, start=seed_start)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=128)


def _silence_stdout() -> None:
    # Whoever started us reads the endpoint line and may never read stdout again; a later write
    # (moto prints on unknown hosts) would fill the pipe and block a request thread forever.
    sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def _stop(driver: Any) -> None:
    stopper = getattr(driver, "stop", None)
    if callable(stopper):
        stopper()


PARENT_ENV = "SKAFU_TUI_PARENT_PID"
"""Set by the launcher: the server exits when that process is no longer its parent."""


def _watched_parent() -> int | None:
    value = os.environ.get(PARENT_ENV, "")
    return int(value) if value.isdigit() else None


def run_server(
    host: str,
    port: int,
    scenario: str,
    speed: float,
    allow_remote: bool,
    seed_start: datetime | None = None,
) -> int:
    """Serve the embedded AWS until SIGINT/SIGTERM; returns the process exit code."""
    if scenario not in SCENARIOS:
        print(f"error: unknown scenario {scenario!r} (choose from {', '.join(SCENARIOS)})", file=sys.stderr)
        return 2
    if not allow_remote and not is_loopback(host):
        print(f"error: refusing to bind non-loopback host {host!r} without --allow-remote", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():  # signal() works only there
        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    # Until the endpoint is announced, moto's imports and the seeding allocate a few million
    # long-lived objects and almost no garbage (~10k objects); the cyclic collector would walk
    # the growing heap again and again (~0.4 s of the seed's CPU). It runs again from then on,
    # on what is allocated from then on.
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            listener = _listen(host.strip("[]"), port)
        except OSError as exc:
            print(f"error: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
            return 1
        # The scenario's process starts now: its interpreter, imports and data build overlap
        # moto's import here; its first requests wait in the listen backlog until we serve.
        endpoint = _endpoint(host, listener.getsockname()[1])
        driver = None
        try:
            driver = _spawn_scenario(scenario, endpoint, speed, seed_start)
            from werkzeug.serving import make_server

            app = build_app()
            server = make_server(
                host.strip("[]"), port, app, threaded=True, request_handler=_quiet_handler(), fd=listener.fileno()
            )
        except BaseException:
            _stop(driver)
            raise
        finally:
            listener.close()  # the server holds its own duplicate of the socket
        serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        serving.start()
        if driver is not None:
            importlib.import_module("skafu_tui.demo.seeder").finish(driver, app)
        if driver is not None and callable(getattr(driver, "now", None)):
            from skafu_tui.demo.ext import base

            base.SCENARIO_CLOCK = driver
        print(f"endpoint={endpoint}", flush=True)
        if collecting:
            # What was built so far lives as long as the server: frozen, the first collection no
            # longer walks it (it made the dashboard's first request wait 180-500 ms; 37-49 ms so).
            gc.freeze()
            gc.enable()
        _silence_stdout()
        # Wake twice a second: the signal handler then runs promptly, and a server whose parent
        # (the dashboard that started it) died goes with it instead of lingering as an orphan.
        parent = _watched_parent()
        while not stop.wait(0.5):
            if parent is not None and os.getppid() != parent:
                break
        _stop(driver)
        server.shutdown()
        server.server_close()
        return 0
    finally:
        if collecting:
            gc.enable()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
