"""Shared helpers of the source tests (imported by module name: pytest puts this directory on sys.path)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import botocore.session
from botocore import xform_name

from skafu_tui.aws.session import AwsSettings

REGION = "us-east-1"


@dataclass(frozen=True)
class SeededDemo:
    endpoint: str
    scenario: Any
    """The ``skafu_tui.demo.scenario_model.Scenario`` that was seeded."""
    facts: Any
    """``skafu_tui.demo.scenario.facts(scenario)``."""
    seeded: Any = None
    """``skafu_tui.demo.seeder.Seeded``: identifiers the endpoint chose (target instance ids…)."""

    @property
    def now(self) -> datetime:
        """Scenario time: the poller's clock in these tests, so windows line up with the seed."""
        return self.scenario.start  # type: ignore[no-any-return]


def settings_for(endpoint: str, **overrides: Any) -> AwsSettings:
    """Settings for the demo endpoint: one attempt (no retry waits), short timeouts."""
    base: dict[str, Any] = {
        "regions": (REGION,),
        "endpoint_url": endpoint,
        "credentials": ("demo", "demo"),
        "retry_mode": "standard",
        "max_attempts": 1,
        "connect_timeout_s": 2.0,
        "read_timeout_s": 10.0,
    }
    base.update(overrides)
    return AwsSettings(**base)


async def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``condition()`` holds (state set by the poller's own tasks), or fail after ``timeout``."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - the condition is a snapshot field, not an event
            await asyncio.sleep(0.01)


@functools.cache
def snake_to_operation(service: str) -> dict[str, str]:
    """snake_case client method → API operation name, for one service."""
    model = _botocore().get_service_model(service)
    return {xform_name(op): op for op in model.operation_names}


@functools.cache
def _botocore() -> botocore.session.Session:
    return botocore.session.get_session()
