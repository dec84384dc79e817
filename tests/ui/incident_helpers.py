"""Shared by the incident UI tests: an app with a movable clock and its own ledger dir, waiting for
conditions, and snapshots derived from the recorded poll (the P1 service recovered, hostile text).

Truth comes from the scenario: the P1 service, the deployer and the deploy event name are the
scenario's constants; the recorded poll is that scenario at ``RECORDED_AT``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rich.text import Text
from textual.widgets import Static

from skafu_tui.config import Config
from skafu_tui.demo.scenario_model import DEPLOY_EVENT_NAME, DEPLOYER, P1_SERVICE
from skafu_tui.ledger import Incident
from skafu_tui.models import AlarmState, Finding, TrailEvent
from skafu_tui.snapshot import Snapshot
from skafu_tui.snapshot_io import shifted
from skafu_tui.ui.app import SkafuApp

__all__ = ["DEPLOYER", "DEPLOY_EVENT_NAME", "P1_SERVICE"]

HOSTILE = "[bold red]PWNED[/] [link=https://evil.example]click[/link] [@click=app.quit]q[/] \x1b[2J\u202eRTL\u200b"
"""Rich markup, an action link, a screen-clearing escape, an RTL override and a zero-width space."""


class MovableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def incident_app(cfg: Config, state_dir: Path, clock: Callable[[], datetime]) -> SkafuApp:
    return SkafuApp(cfg, None, clock=clock, start_session=False, state_dir=state_dir)


async def wait_for(pilot: Any, condition: Callable[[], Any], what: str, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
    await pilot.pause()


def incident_by_key(app: SkafuApp, key: str) -> Incident | None:
    return next((i for i in app.incident_hub.view.incidents if i.key == key), None)


def p1(app: SkafuApp) -> Incident | None:
    return incident_by_key(app, f"service:{P1_SERVICE}")


async def fed(app: SkafuApp, pilot: Any, snapshot: Snapshot, until: Callable[[], Any] | None = None) -> None:
    """Feed a poll and wait until the incident engine has applied it (and `until` holds)."""
    before = app.incident_hub.view
    app.feed(snapshot)
    await wait_for(pilot, lambda: app.incident_hub.view is not before and (until is None or until()),
                   "the incident update")


def deploy_event(snapshot: Snapshot) -> TrailEvent:
    """The scenario's deployment of the P1 service (truth: the scenario's deployer and event name)."""
    return next(e for e in snapshot.trail_events if e.username == DEPLOYER and e.name == DEPLOY_EVENT_NAME)


def recovered(snapshot: Snapshot, cfg: Config, later: timedelta) -> Snapshot:
    """The poll `later` on, with the P1 service rolled back: its series are a healthy service's, its
    alarms OK (what the scenario shows after the rollback)."""
    healthy = next(s.name for s in cfg.services if s.name != P1_SERVICE and s.critical
                   and f"svc/{s.name}/requests" in snapshot.metrics)
    metrics = dict(snapshot.metrics)
    for key, series in snapshot.metrics.items():
        if key.startswith(f"svc/{healthy}/"):
            twin = key.replace(healthy, P1_SERVICE)
            metrics[twin] = series.model_copy(update={"key": twin})
    p1_alarms = set(next(s for s in cfg.services if s.name == P1_SERVICE).alarms)
    alarms = tuple(a.model_copy(update={"state": AlarmState.OK}) if a.name in p1_alarms else a
                   for a in snapshot.alarms)
    return shifted(dataclasses.replace(snapshot, metrics=MappingProxyType(metrics), alarms=alarms), later)


def with_hostile_finding(snapshot: Snapshot, resource: str) -> Snapshot:
    """A severe finding on `resource` (it rings the bell) whose every text field is hostile, its
    description 100 KB."""
    base = snapshot.findings[0]
    finding = Finding(
        id="hostile-1",
        type=f"CredentialAccess:IAMUser/{HOSTILE}",
        severity=8.0,
        title=f"title {HOSTILE}",
        description=f"desc {HOSTILE} " + "x" * 100_000,
        resource_type="AWS::Lambda::Function",
        resource_id=resource,
        created_at=base.created_at,
        updated_at=base.updated_at,
    )
    return dataclasses.replace(snapshot, findings=(*snapshot.findings, finding))


def static_text(app: SkafuApp, selector: str) -> str:
    """The plain text a Static shows (its content, as drawn)."""
    widget = app.screen.query_one(selector, Static)
    content = widget.render()
    return content.plain if isinstance(content, Text) else str(getattr(content, "plain", content))
