"""A source dies mid-run: its pane keeps the data, marked stale with its age and cause; then recovers."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from types import MappingProxyType

from skafu_tui.snapshot import Snapshot, SourceStatus
from skafu_tui.snapshot_io import shifted
from skafu_tui.ui.header import SourcesBar
from tests.ui.conftest import FROZEN_NOW


def _with_source(snapshot: Snapshot, name: str, **changes: object) -> Snapshot:
    sources = dict(snapshot.sources)
    sources[name] = dataclasses.replace(sources[name], **changes)
    return snapshot.with_changes(sources=MappingProxyType(sources))


def _title(app, selector: str) -> str:
    return str(app.query_one(selector).render())


async def test_guardduty_outage_shows_stale_data_with_age_and_cause_then_recovers(cfg, recorded_snapshot):
    now = [FROZEN_NOW]
    from skafu_tui.ui.app import SkafuApp

    app = SkafuApp(cfg, None, clock=lambda: now[0], start_session=False)
    async with app.run_test(size=(160, 48)) as pilot:
        app.feed(recorded_snapshot)
        await _wait(pilot, lambda: app.assessment is not None)
        await pilot.press("3")
        finding = app.assessment.security.findings[0]
        assert finding.title[:20] in _screen(app)

        # 20 minutes later the next poll fails: access to GuardDuty was revoked.
        later = shifted(recorded_snapshot, timedelta(minutes=20))
        old_state = recorded_snapshot.sources["guardduty"]
        broken = _with_source(
            later, "guardduty", status=SourceStatus.DENIED, fetched_at=old_state.fetched_at,
            message="access denied (guardduty:ListFindings)", action="guardduty:ListFindings",
        )
        broken = broken.with_changes(findings=recorded_snapshot.findings)
        now[0] = FROZEN_NOW + timedelta(minutes=20)
        app.feed(broken)
        await _wait(pilot, lambda: "guardduty:ListFindings" in _screen(app))
        screen = _screen(app)
        assert finding.title[:20] in screen, "the last good findings stay on screen"
        assert "20m" in screen or "20 min" in screen, "the data's age is shown"
        assert "guardduty" in str(app.query_one(SourcesBar).render())

        # Access restored: the next poll succeeds and the cause disappears.
        app.feed(later)
        await _wait(pilot, lambda: "guardduty:ListFindings" not in _screen(app))
        assert finding.title[:20] in _screen(app)
        assert "guardduty" not in str(app.query_one(SourcesBar).render()).split("fresh", 1)[1]


def _screen(app) -> str:
    """The security pane as the operator reads it: its title line and its findings table."""
    from widgets.keyed_table import KeyedTable

    table = app.query_one("#sec-findings", KeyedTable)
    rows = [" ".join(table.row_text(k)) for k in table.displayed_keys]
    return "\n".join([str(app.query_one("#sec-title").render()), *rows])


async def _wait(pilot, condition, timeout: float = 10.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await pilot.pause(0.05)
