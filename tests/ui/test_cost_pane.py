"""The cost pane over the recorded demo poll: budget gauges and words, the Cost Explorer cadence line,
anomalies, movers, the daily plot and table, and the dashboard's own API spend (values derived from the
assessment, the config's cadences and the pricing model, not literals)."""

from __future__ import annotations

from skafu_tui.api_spend import modelled_spend
from skafu_tui.assess.common import Health
from skafu_tui.ui.panes import cost_rows
from skafu_tui.ui.panes.security_common import duration_words, money
from tests.ui.test_security_pane import HOSTILE_TITLE, block, hostile, pilot_app, screen_text, show_pane
from widgets.gauge import ThresholdGauge
from widgets.keyed_table import KeyedTable
from widgets.plot import PlotextPlot


async def test_cost_pane_shows_budget_forecast_movers_anomalies_and_api_spend(
    make_app, recorded_snapshot, tmp_path, cfg
):
    app = pilot_app(make_app, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await show_pane(app, pilot, recorded_snapshot, "cost")
        cost = app.assessment.cost
        assert cost.budget is not None and cost.forecast_month_end is not None

        mtd = pane.query_one("#cost-mtd-gauge", ThresholdGauge)
        assert mtd.value == cost.month_to_date / cost.budget * 100
        assert mtd.alert == 100.0
        text = block(pane, "#cost-mtd")
        assert money(cost.month_to_date) in text and f"of {money(cost.budget)} budget" in text
        assert ("OVER BUDGET" in text) == cost.over_budget

        forecast = pane.query_one("#cost-forecast-gauge", ThresholdGauge)
        assert forecast.value == cost.forecast_month_end / cost.budget * 100
        words = block(pane, "#cost-forecast")
        assert money(cost.forecast_month_end) in words
        assert ("FORECAST OVER BUDGET" in words) == cost.forecast_over_budget
        assert ("within budget" in words) != cost.forecast_over_budget

        ce = block(pane, "#cost-ce")
        assert f"Cost Explorer: every {duration_words(cfg.cadence.cost)}" in ce
        assert "last <1m ago" in ce  # the recorded poll is 30 s old at the frozen clock

        anomalies = block(pane, "#cost-anomalies")
        for a in cost.anomalies:
            assert a.service in anomalies and money(a.impact) in anomalies
        movers = block(pane, "#cost-movers").splitlines()
        assert movers[0].startswith(("▲ " if cost.movers[0].change > 0 else "▼ ")
                                    + cost_rows.short_service(cost.movers[0].service, 24))

        hot = sum(1 for s in app.assessment.system.services if s.status is not Health.HEALTHY)
        spend = modelled_spend(cfg, hot)
        api = block(pane, "#cost-api")
        assert f"{recorded_snapshot.api_calls:,} calls, ${recorded_snapshot.api_cost_usd:,.2f} so far" in api
        assert f"${spend.always_on_usd:,.2f}/month" in api

        table = pane.query_one("#cost-services", KeyedTable)
        assert table.displayed_keys == [*cost.daily.services, cost_rows.TOTAL_KEY]
        top = cost.daily.services[0]
        assert table.row_text(top)[1] == money(sum(cost.daily.amounts[0]))
        plot = pane.query_one("#cost-plot", PlotextPlot)
        total = plot.series[0]
        assert total[0] == "total"
        # Days up to the last billed day only: today's unbilled zero is not drawn as a fall.
        assert len(total[2]) == cost.daily.days.index(cost.last_day) + 1
        assert total[2][-1] == cost.last_day_cost
        assert "daily budget" in plot.plain.splitlines()[0]
        services = pane.query_one("#cost-services-plot", PlotextPlot).series
        assert [s[0] for s in services] == [cost_rows.short_service(s) for s in
                                            cost.daily.services[: cost_rows.PLOTTED_SERVICES]]


async def test_hostile_service_and_anomaly_text_renders_literally(make_app, recorded_snapshot, tmp_path):
    s = recorded_snapshot
    snapshot = s.with_changes(
        cost_days=tuple(hostile(d, service=HOSTILE_TITLE + d.service) for d in s.cost_days),
        cost_anomalies=tuple(hostile(a, service=HOSTILE_TITLE, usage_type=HOSTILE_TITLE) for a in s.cost_anomalies),
    )
    app = pilot_app(make_app, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await show_pane(app, pilot, snapshot, "cost")
        assert "[bold red]x[/]" in block(pane, "#cost-anomalies")
        table = pane.query_one("#cost-services", KeyedTable)
        assert all("[bold red]x[/]" in table.row_text(k)[0] for k in table.displayed_keys[:-1])
        plot = pane.query_one("#cost-services-plot", PlotextPlot)
        assert "[bold red]x[/]" in plot.plain.splitlines()[0]  # the legend
        screen = screen_text(app)
        assert "[bold red]x[/]" in screen and all(ch not in screen for ch in ("\x1b", "\x07", "\u202e", "\u200b"))
        assert app.is_running
