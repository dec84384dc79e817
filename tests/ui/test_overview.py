"""The overview pane over the recorded demo poll: what the operator sees, derived from the assessment.

Expected values come from ``app.assessment`` (the same poll judged by ``skafu_tui.assess``), never
from literals; the helpers at the top are shared by the health pane's tests.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from textual.pilot import Pilot

from skafu_tui.assess.common import Level
from skafu_tui.assess.health import ERROR_RATE, P95
from skafu_tui.snapshot import Snapshot, SourceStatus
from skafu_tui.ui.app import SkafuApp
from skafu_tui.ui.filter_bar import FilterBar
from skafu_tui.ui.panes.health import HealthPane
from skafu_tui.ui.panes.health_format import MARKS
from skafu_tui.ui.panes.health_table import FitTable
from skafu_tui.ui.panes.overview_text import NO_LEDGER, alert_target
from tests.ui.conftest import wait_for_data


async def wait_until(pilot: Pilot[Any], condition: Callable[[], Any], what: str, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
    await pilot.pause()


async def drawn(app: SkafuApp, pilot: Pilot[Any], snapshot: Snapshot, pane_id: str = "overview") -> Any:
    """Feed ``snapshot``, show ``pane_id`` and wait until that pane drew this assessment."""
    app.feed(snapshot)
    await wait_for_data(app, pilot)
    if pane_id != "overview":
        await pilot.press({"health": "2"}[pane_id])
    pane = app.query_one(f"#{pane_id}")
    await wait_until(pilot, lambda: pane._drawn is app.assessment, f"the {pane_id} pane to draw")
    app.clear_notifications()  # incident banners belong to the incident tests
    await pilot.pause()
    return pane


async def refed(app: SkafuApp, pilot: Pilot[Any], snapshot: Snapshot) -> None:
    """Feed another poll and wait until it is drawn."""
    before = app.assessment
    app.feed(snapshot)
    await wait_until(pilot, lambda: app.assessment is not before, "the next assessment")
    await pilot.pause()


def screen_text(app: SkafuApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def table(app: SkafuApp, widget_id: str) -> FitTable:
    return app.query_one(f"#{widget_id}", FitTable)


def later(snapshot: Snapshot, **changes: Any) -> Snapshot:
    """The same poll a minute later (a new object), with ``changes``."""
    return snapshot.with_changes(taken_at=snapshot.taken_at + timedelta(minutes=1), **changes)


# --- services and summary ---------------------------------------------------------------------


async def test_service_rows_show_status_and_kpis_with_marks(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot)
        services = table(app, "ov-services")
        system = app.assessment.system
        assert services.displayed_keys == [s.name for s in system.services]
        statuses = set()
        for s in system.services:
            name, status, err, p95, _rps, _avail = services.row_text(s.name)
            assert name == s.name
            assert status.endswith(s.status.value)
            statuses.add(s.status.value)
            reading = s.kpi(ERROR_RATE)
            assert err == f"{reading.value:.2f} {MARKS[reading.status]}"
            reading = s.kpi(P95)
            assert p95 == f"{reading.value:,.0f} {MARKS[reading.status]}"
        assert {"healthy", "degraded", "unhealthy"} <= statuses  # the recorded poll has all three
        text = screen_text(app)
        summary = f"{system.healthy_count}/{len(system.services)} services healthy"
        assert system.overall_status.value.upper() in text and summary in text
        assert f"error rate {system.error_rate_pct:.2f}%" in text


async def test_cost_line_shows_month_to_date_forecast_and_budget(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot)
        cost = app.assessment.cost
        text = screen_text(app)
        assert f"month to date {cost.month_to_date:,.2f} of {cost.budget:,.2f} {cost.unit}" in text
        assert f"forecast {cost.forecast_month_end:,.2f}" in text


async def test_incidents_line_is_na_without_counts_and_shows_counts_by_class(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await drawn(app, pilot, recorded_snapshot)
        line = app.query_one("#ov-incidents")
        pane.incident_counts = None
        await pilot.pause()
        assert NO_LEDGER in str(line.render())
        classes = app.cfg.incidents.ordered_classes()
        counts = {name: i for i, name in enumerate(classes)}
        pane.show_incidents(counts)
        await pilot.pause()
        shown = str(line.render())
        assert " · ".join(f"{name} {n}" for name, n in counts.items()) in shown


# --- alerts -----------------------------------------------------------------------------------


async def test_alerts_are_listed_worst_first_with_area_and_detail(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await drawn(app, pilot, recorded_snapshot)
        alerts = table(app, "ov-alerts")
        expected = app.assessment.alerts
        assert len(alerts.displayed_keys) == len(expected) > 3
        ranks = []
        for key, alert in zip(alerts.displayed_keys, expected, strict=True):
            mark, area, title, detail = alerts.full_text(key)
            assert (mark, area, title, detail) == (MARKS[alert.level], alert.area, alert.title, alert.detail)
            ranks.append(alert.level.rank)
        assert ranks == sorted(ranks, reverse=True) and expected[0].level is Level.FAIL
        # The highlighted alert is shown in full beside the table.
        full = str(app.query_one("#ov-alert-full").render())
        assert expected[0].title in full and expected[0].detail in full


async def test_long_cells_are_cut_visibly_and_tables_fit_80_columns(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot)
        alerts = table(app, "ov-alerts")
        cut = [k for k in alerts.displayed_keys if alerts.row_text(k)[3] != alerts.full_text(k)[3]]
        assert cut, "at 80 columns some alert details must be cut"
        assert all(alerts.row_text(k)[3].endswith("…") for k in cut)
        for widget_id in ("ov-alerts", "ov-services"):
            t = table(app, widget_id)
            assert t.virtual_size.width <= t.size.width, f"{widget_id} scrolls sideways"


async def test_enter_on_a_service_opens_health_on_that_service(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot)
        target = next(s.name for s in app.assessment.system.services if s.status.value == "unhealthy")
        services = table(app, "ov-services")
        services.focus()
        while services.selected_key != target:
            await pilot.press("j")
        await pilot.press("enter")
        health = app.query_one("#health", HealthPane)
        await wait_until(pilot, lambda: health._drawn is app.assessment, "the health pane")
        assert app.active_pane == "health"
        assert health.selected_service().name == target
        assert app.focused is table(app, "hl-services")


async def test_enter_on_an_alert_opens_the_pane_that_explains_it(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot)
        alerts = table(app, "ov-alerts")
        by_key = dict(zip(alerts.displayed_keys, app.assessment.alerts, strict=True))
        security_key = next(k for k, a in by_key.items() if a.area == "security")
        service_key = next(k for k, a in by_key.items() if a.ref.startswith("service:"))
        alb_key = next(k for k, a in by_key.items() if a.ref == "check:system.alb")
        alerts.focus()
        alerts.move_cursor_to_key(security_key)
        await pilot.press("enter")
        assert app.active_pane == alert_target(by_key[security_key])[0] == "security"
        await pilot.press("1")
        alerts.focus()
        alerts.move_cursor_to_key(service_key)
        await pilot.press("enter")
        health = app.query_one("#health", HealthPane)
        await wait_until(pilot, lambda: health._drawn is app.assessment, "the health pane")
        assert app.active_pane == "health"
        assert health.selected_service().name == service_key.removeprefix("service:")
        await pilot.press("1")
        alerts.focus()
        alerts.move_cursor_to_key(alb_key)
        await pilot.press("enter")
        await pilot.pause()
        assert app.active_pane == "health" and app.focused is table(app, "hl-alb")


# --- keys: j/k, / filter, refresh in place ---------------------------------------------------


async def test_slash_filters_the_focused_table_and_escape_clears(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot)
        alerts = table(app, "ov-alerts")
        total = len(alerts.displayed_keys)
        alerts.focus()
        await pilot.press("slash", *"security")
        bar = app.query_one("#overview FilterBar", FilterBar)
        assert bar.display and bar.target is alerts
        wanted = [k for k, a in zip(alerts.source_keys, app.assessment.alerts, strict=True)
                  if "security" in f"{a.area} {a.title} {a.detail}".casefold()]
        assert 0 < len(alerts.displayed_keys) < total
        assert set(alerts.displayed_keys) <= set(wanted)
        await pilot.press("enter")  # keep the filter, back to the table, the bar still says so
        assert app.focused is alerts and bar.display and alerts.filter_text == "security"
        await pilot.press("escape")
        assert alerts.filter_text == "" and len(alerts.displayed_keys) == total
        assert not bar.display and app.focused is alerts
        # A word only in the part of a detail cut off with "…" still finds its row.
        key = next(k for k in alerts.displayed_keys if alerts.row_text(k)[3] != alerts.full_text(k)[3])
        tail = alerts.full_text(key)[3][len(alerts.row_text(key)[3]) - 1:]
        hidden = [word for word in tail.split() if word.isalnum()][-1]
        assert hidden.casefold() not in alerts.row_text(key)[3].casefold()
        await pilot.press("slash", *hidden)
        assert key in alerts.displayed_keys


async def test_cursor_stays_on_the_same_row_when_a_refresh_reorders(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot)
        alerts = table(app, "ov-alerts")
        keys = alerts.displayed_keys
        cert = next(k for k in keys if k == "check:security.certificates")
        below = keys[keys.index(cert) + 1]
        alerts.focus()
        while alerts.selected_key != below:
            await pilot.press("j")
        services = table(app, "ov-services")
        # Without certificates the certificate alert above the cursor goes away.
        await refed(app, pilot, later(recorded_snapshot, certificates=()))
        assert cert not in alerts.displayed_keys
        assert alerts.selected_key == below
        assert alerts.cursor_row == alerts.displayed_keys.index(below)
        services.focus()
        await pilot.press("j", "j", "j")
        chosen = services.selected_key
        await refed(app, pilot, later(recorded_snapshot))
        assert services.selected_key == chosen


async def test_unfocused_alerts_keep_the_worst_in_view(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot)
        alerts = table(app, "ov-alerts")
        alerts.focus()
        await pilot.press("j", "j", "j")
        table(app, "ov-services").focus()
        await refed(app, pilot, later(recorded_snapshot))
        assert alerts.cursor_row == 0 and alerts.scroll_y == 0


async def test_stale_and_failing_sources_show_in_the_title_with_cause(make_app, recorded_snapshot, frozen_now):
    sources = dict(recorded_snapshot.sources)
    sources["metrics"] = dataclasses.replace(sources["metrics"], fetched_at=frozen_now - timedelta(hours=2))
    sources["guardduty"] = dataclasses.replace(sources["guardduty"], status=SourceStatus.DENIED,
                                               message="access denied", action="guardduty:ListFindings")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await drawn(app, pilot, recorded_snapshot.with_changes(sources=sources))
        title = str(app.query_one("#ov-title").render())
        assert "metrics: stale (2.0 h old)" in title
        assert "guardduty: access denied (guardduty:ListFindings)" in title
        assert "alarms" in title and "<1m" in title
