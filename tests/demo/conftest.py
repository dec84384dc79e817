"""Fixtures for the embedded AWS: our server (subprocess) and stock moto (in process).

Every test talks through real aiobotocore clients. Tests isolate themselves by account: the
``ext`` fixture gives each test its own account id (``x-moto-account-id``), so one server per
session serves them all without resets between tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ACCOUNT = "123456789012"
REGION = "us-east-1"
START_TIMEOUT_S = 20.0
SERVER_CODE = (
    "import sys; from skafu_tui.demo.server import run_server; "
    "sys.exit(run_server(sys.argv[1], int(sys.argv[2]), 'empty', 1.0, False))"
)


def server_command(host: str = "127.0.0.1", port: int = 0) -> list[str]:
    return [sys.executable, "-c", SERVER_CODE, host, str(port)]


def server_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def first_line(stream: Any, timeout: float) -> str:
    """The first line a subprocess writes, or '' if none comes within ``timeout`` seconds."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return ""


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode("utf-8", "replace")


@dataclass(frozen=True)
class Aws:
    """One endpoint and account: aiobotocore clients plus the seed/control endpoints."""

    endpoint: str
    account: str = DEFAULT_ACCOUNT

    @contextlib.asynccontextmanager
    async def client(self, service: str) -> AsyncIterator[Any]:
        config = AioConfig(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)
        async with get_session().create_client(
            service,
            region_name=REGION,
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=config,
        ) as client:
            account = self.account

            def add_account(request: Any, **_: Any) -> None:
                request.headers["x-moto-account-id"] = account

            client.meta.events.register("before-sign.*.*", add_account)
            yield client

    def post(self, path: str, body: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
        data = raw if raw is not None else json.dumps(body if body is not None else []).encode()
        request = urllib.request.Request(self.endpoint + path, data=data, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _decode(exc.read())

    def get(self, path: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(self.endpoint + path, timeout=30) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _decode(exc.read())

    async def fails(self, service: str, operation: str, status: int, **params: Any) -> dict[str, Any]:
        """Call ``operation`` expecting the HTTP ``status`` failure; returns the parsed error."""
        async with self.client(service) as client:
            with pytest.raises(ClientError) as info:
                await getattr(client, operation)(**params)
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status, info.value.response
        error: dict[str, Any] = info.value.response["Error"]
        return error

    def seed(self, kind: str, items: list[dict[str, Any]]) -> int:
        """Seed ``items`` into this account; fails the test on anything but 200."""
        status, doc = self.post(f"/_skafu/seed/{kind}", [{**item, "account": self.account} for item in items])
        assert status == 200, doc
        return int(doc["stored"])


@pytest.fixture(scope="session")
def ext_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Our server (moto + extensions) in a subprocess on a free loopback port."""
    log = tmp_path_factory.mktemp("ext-server") / "stderr.txt"
    with log.open("w") as stderr:
        proc = subprocess.Popen(
            server_command(), cwd=ROOT, env=server_env(), stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    try:
        line = first_line(proc.stdout, START_TIMEOUT_S)
        assert line.startswith("endpoint="), f"server did not start: {line!r} {log.read_text()}"
        yield line.strip().removeprefix("endpoint=")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def stock_endpoint() -> Iterator[str]:
    """Plain moto, as shipped, to show each gap still exists."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Spawned:
    proc: subprocess.Popen[str]
    line: str
    """The first line the server printed ('' if none within the start timeout)."""


@pytest.fixture
def spawn_server(tmp_path: Path) -> Iterator[Callable[..., Spawned]]:
    """Start ``run_server`` in a subprocess (stderr to ``tmp_path/stderr.txt``); killed at teardown."""
    started: list[subprocess.Popen[str]] = []

    def spawn(host: str = "127.0.0.1") -> Spawned:
        with (tmp_path / "stderr.txt").open("w") as stderr:
            proc = subprocess.Popen(
                server_command(host),
                cwd=ROOT,
                env=server_env(),
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        started.append(proc)
        return Spawned(proc, first_line(proc.stdout, START_TIMEOUT_S))

    yield spawn
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture
def aws_at() -> type[Aws]:
    """The Aws helper class, for tests that start their own server."""
    return Aws


@pytest.fixture
def ext(ext_endpoint: str, request: pytest.FixtureRequest) -> Aws:
    """Our server, in an account of this test's own."""
    digest = int(hashlib.sha256(request.node.nodeid.encode()).hexdigest(), 16)
    return Aws(ext_endpoint, f"{digest % 10**11 + 10**11:012d}")


@pytest.fixture
def stock(stock_endpoint: str) -> Aws:
    return Aws(stock_endpoint)
