"""Fixtures for the source tests: the embedded demo endpoint seeded with the skafu scenario.

``demo`` wraps the suite's ``skafu_scenario`` (tests/conftest.py: one server per session,
reseeded per module) so tests derive every expected value from the seeded truth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sources_support import SeededDemo

from skafu_tui.config import Config, load_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(skafu_scenario: Any) -> SeededDemo:
    """The seeded skafu scenario: endpoint, Scenario, its facts and the ids the endpoint chose."""
    return SeededDemo(skafu_scenario.endpoint, skafu_scenario.scenario, skafu_scenario.facts, skafu_scenario.seeded)


@pytest.fixture(scope="session")
def cfg() -> Config:
    return load_config(ROOT / "config.yaml").config
