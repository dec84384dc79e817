"""Shared helpers of the source tests (imported by module name: pytest puts this directory on sys.path)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from skafu_tui.aws.session import AwsSettings

REGION = "us-east-1"


@dataclass(frozen=True)
class SeededDemo:
    endpoint: str
    scenario: Any
    """The ``skafu_tui.demo.scenario_model.Scenario`` that was seeded."""
    facts: Any
    """``skafu_tui.demo.scenario.facts(scenario)``."""

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
