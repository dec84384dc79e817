"""Shared setup for the widget kit's tests: an environment that keeps snapshots stable."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _stable_terminal_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Snapshots compare byte for byte and break on NO_COLOR and TEXTUAL_THEME (textual-facts.md).
    for name in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL_ANIMATIONS"):
        monkeypatch.delenv(name, raising=False)
