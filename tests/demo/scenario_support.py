"""Helpers shared by the scenario tests: an aiobotocore client on the demo endpoint."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import AsyncIterator
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from skafu_tui.demo.scenario_model import REGION


@contextlib.asynccontextmanager
async def aws(endpoint: str, service: str) -> AsyncIterator[Any]:
    """A real aiobotocore client (one attempt, no retries) for ``service`` at ``endpoint``."""
    config = AioConfig(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)
    async with get_session().create_client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    ) as client:
        yield client


def first_line(stream: Any, timeout: float) -> str:
    """The first line a subprocess writes, or '' if none comes within ``timeout`` seconds."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return ""
