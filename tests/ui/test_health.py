"""The health pane over the recorded demo poll: services against targets, the selected service's
plots, the resources, the detail screen. Expected values come from ``app.assessment``."""

from __future__ import annotations

from datetime import timedelta

from skafu_tui.assess.common import as_utc
from skafu_tui.assess.health import AVAILABILITY, ERROR_RATE, P95, THROUGHPUT
from skafu_tui.ui.panes.health import HealthPane
from skafu_tui.ui.panes.health_detail import ServiceDetailScreen
from skafu_tui.ui.panes.health_format import MARKS
from skafu_tui.ui.panes.health_plots import HOURS, ServicePlots, plot_id
from tests.ui.test_overview import drawn, later, refed, screen_text, table, wait_until
from widgets.gauge import ThresholdGauge
from widgets.plot import PlotextPlot


def plots_built(app) -> bool:
    plots = list(app.query_one(ServicePlots).query(PlotextPlot))
    return all(p.ready and p.render_count and "loading" not in p.plain for p in plots)


async def test_service_rows_mark_every_kpi_against_target_and_alert(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot, "health")
        services = table(app, "hl-services")
        marks = set()
        for s in app.assessment.system.services:
            cells = services.row_text(s.name)
            assert cells[1].endswith(s.status.value)
            for cell, kpi in zip(cells[2:], (ERROR_RATE, P95, THROUGHPUT, AVAILABILITY), strict=True):
                reading = s.kpi(kpi)
                assert cell.endswith(f" {MARKS[reading.status]}"), (s.name, kpi, cell)
                marks.add(MARKS[reading.status])
        assert {"✓", "▲", "✖"} <= marks
        legend = str(app.query_one("#hl-legend").render())
        first = app.assessment.system.services[0].kpi(ERROR_RATE)
        assert f"err ≤ {first.target:g}% (> {first.alert:g})" in legend


async def test_plots_follow_the_cursor_and_show_three_hours_with_thresholds(make_app, recorded_snapshot, frozen_now):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await drawn(app, pilot, recorded_snapshot, "health")
        await wait_until(pilot, lambda: plots_built(app), "the plots")
        pane = app.query_one("#health", HealthPane)
        services = app.assessment.system.services
        error_plot = app.query_one(f"#{plot_id(ERROR_RATE)}", PlotextPlot)
        first = services[0]
        assert app.query_one(ServicePlots).service == first.name
        reading = first.kpi(ERROR_RATE)
        since = as_utc(frozen_now) - timedelta(hours=HOURS)
        expected = [v for t, v in zip(reading.series.timestamps, reading.series.values, strict=True)
                    if as_utc(t) >= since]
        assert list(error_plot.series[0][2]) == expected
        assert {t.value for t in error_plot._thresholds} == {reading.target, reading.alert}
        assert f"target {reading.target:g}" in error_plot.plain and f"alert {reading.alert:g}" in error_plot.plain
        builds = error_plot.render_count
        table(app, "hl-services").focus()
        await pilot.press("j")
        await wait_until(pilot, lambda: error_plot.render_count > builds, "the plot to redraw")
        second = services[1]
        assert pane.selected_service().name == second.name == app.query_one(ServicePlots).service
        assert second.name in str(app.query_one("#hl-selected").render())
        assert list(error_plot.series[0][2]) != expected
        await pilot.press("k")
        assert app.query_one(ServicePlots).service == first.name


async def test_plots_are_not_rebuilt_when_a_refresh_brings_the_same_data(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot, "health")
        await wait_until(pilot, lambda: plots_built(app), "the plots")
        plots = list(app.query_one(ServicePlots).query(PlotextPlot))
        builds = [p.render_count for p in plots]
        await refed(app, pilot, recorded_snapshot.with_changes())  # a new poll, same data
        await pilot.pause(0.1)
        assert app.query_one("#health")._drawn is app.assessment
        assert [p.render_count for p in plots] == builds


async def test_resources_show_alb_database_lambda_edge_and_health_events(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await drawn(app, pilot, recorded_snapshot, "health")
        res = app.assessment.resources
        alb = table(app, "hl-alb")
        bad_group = next(g for g in res.alb.groups if g.unhealthy)
        name, healthy, detail = alb.full_text(bad_group.name)
        assert name == bad_group.name
        assert healthy == f"{bad_group.healthy}/{bad_group.total} ▲"
        for t in bad_group.unhealthy:
            assert t.target_id in detail and t.reason in detail
        gauge = app.query_one("#hl-db-conn", ThresholdGauge)
        assert gauge.value == res.database.connections and gauge.maximum == res.database.max_connections
        lambdas = table(app, "hl-lambda")
        assert len(lambdas.displayed_keys) == len(res.lambdas)
        worst = max(res.lambdas, key=lambda f: f.error_rate.value or 0)
        assert lambdas.row_text(f"{worst.service}/{worst.name}")[1] == \
            f"{worst.error_rate.value:.2f} {MARKS[worst.error_rate.status]}"
        events = table(app, "hl-events")
        assert [events.full_text(k)[2] for k in events.displayed_keys] == [e.event_type for e in res.health_events]
        text = screen_text(app)
        assert f"{len(res.buckets)}/{len(res.buckets)} buckets accessible" in text
        assert res.distributions[0].id in text


async def test_enter_opens_the_service_detail_and_escape_closes_it(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot, "health")
        bad = next(s for s in app.assessment.system.services if s.breaches)
        services = table(app, "hl-services")
        services.focus()
        services.move_cursor_to_key(bad.name)
        await pilot.press("enter")
        assert isinstance(app.screen, ServiceDetailScreen)
        detail = str(app.screen.query_one("#service-detail").render())
        for alarm in bad.alarms_in_alarm:
            assert alarm in detail
        assert all(reason in detail for reason in bad.reasons)
        await pilot.press("escape")
        assert not isinstance(app.screen, ServiceDetailScreen)


async def test_filter_narrows_services_and_selection_survives_refresh(make_app, recorded_snapshot):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(app, pilot, recorded_snapshot, "health")
        services = table(app, "hl-services")
        services.focus()
        await pilot.press("slash", *"integration")
        wanted = [s.name for s in app.assessment.system.services if "integration" in s.name]
        assert services.displayed_keys == wanted
        await pilot.press("enter", "j")
        chosen = services.selected_key
        assert chosen == wanted[1]
        await refed(app, pilot, later(recorded_snapshot))
        assert services.selected_key == chosen and services.displayed_keys == wanted
        await pilot.press("escape")
        assert services.selected_key == chosen and len(services.displayed_keys) == len(app.assessment.system.services)
