"""Maintenance windows now: is one open for the watched environment, and when is the next one.

Pure functions of config and an injected time (the header and the change feed both use them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skafu_tui.config import Config


@dataclass(frozen=True)
class WindowState:
    environment: str
    open_now: bool
    continuous: bool
    closes_at: datetime | None
    """When the open window closes (None when closed or continuous)."""
    next_opens_at: datetime | None
    """The next opening after now (None when none is configured within two months)."""


def window_state(cfg: Config, now: datetime, environment: str | None = None) -> WindowState | None:
    env = environment or cfg.changes.environment
    windows = [w for w in cfg.maintenance_windows if w.environment == env]
    if not windows:
        return None
    if any(w.continuous for w in windows):
        return WindowState(env, True, True, None, None)
    openings = sorted(o for w in windows for o in w.openings(now))
    current = next(((a, b) for a, b in openings if a <= now < b), None)
    upcoming = next((a for a, _ in openings if a > now), None)
    return WindowState(env, current is not None, False, current[1] if current else None, upcoming)


def in_window(cfg: Config, at: datetime, environment: str | None = None) -> bool:
    """Whether a change at `at` fell inside a maintenance window of the environment."""
    env = environment or cfg.changes.environment
    return any(w.is_open(at) for w in cfg.maintenance_windows if w.environment == env)


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins:02d}m"
    return f"{mins}m"


def window_summary(cfg: Config, now: datetime) -> str:
    """One phrase for the header, e.g. ``maint production: closed, opens in 5d 3h``."""
    state = window_state(cfg, now)
    if state is None:
        return ""
    label = f"maint {state.environment}:"
    if state.continuous:
        return f"{label} continuous"
    if state.open_now and state.closes_at is not None:
        return f"{label} OPEN, closes in {_span((state.closes_at - now).total_seconds())}"
    if state.next_opens_at is not None:
        return f"{label} closed, opens in {_span((state.next_opens_at - now).total_seconds())}"
    return f"{label} closed"
