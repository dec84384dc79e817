"""Cost: month to date against budget, the forecast, 30 days by service, anomalies, movers, and
what this dashboard itself costs in API calls.

Cost Explorer is polled rarely on purpose ($0.01 a request, billing data refreshes a few times a
day): its cadence and last refresh are shown right under the title.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical

from skafu_tui.api_spend import ModelledSpend, modelled_spend
from skafu_tui.assess.common import Health
from skafu_tui.ui.filter_bar import FilterableMixin
from skafu_tui.ui.panes import cost_rows as rows
from skafu_tui.ui.panes.security_common import ColumnsPane, Section, TextBlock, freshness_line
from widgets.gauge import ThresholdGauge
from widgets.keyed_table import KeyedTable
from widgets.plot import PlotextPlot, Threshold

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment
    from skafu_tui.config import Config
    from skafu_tui.snapshot import Snapshot


class CostPane(ColumnsPane, FilterableMixin):
    """Budget gauges and words, anomalies and movers; daily cost by service (plot and table)."""

    title = "Cost"
    sources = ("cost", "budgets")

    DEFAULT_CSS = """
    CostPane #cost-forecast-gauge { margin-top: 1; }
    CostPane PlotextPlot { height: 10; }
    CostPane.-wide PlotextPlot { height: 12; }
    CostPane #cost-services { max-height: 14; }
    """

    def __init__(self, cfg: Config, *, id: str | None = None) -> None:
        super().__init__(cfg, id=id)
        self._spend: dict[int, ModelledSpend] = {}

    def compose(self) -> ComposeResult:
        yield TextBlock(self.title + "  waiting for data…", id="cost-title", classes="pane-title")
        yield TextBlock(id="cost-ce")
        with Vertical(classes="columns"):
            with Vertical(classes="column -left", id="cost-left"):
                yield Section("Month to date against budget")
                yield ThresholdGauge("Month to date", unit="%", precision=1, label_width=13, id="cost-mtd-gauge")
                yield TextBlock(id="cost-mtd")
                yield ThresholdGauge("Forecast", unit="%", precision=1, label_width=13, id="cost-forecast-gauge")
                yield TextBlock(id="cost-forecast")
                yield Section("Anomalies (root cause, impact)")
                yield TextBlock(id="cost-anomalies")
                yield Section("Top movers: last 7 days against the 7 before")
                yield TextBlock(id="cost-movers")
                yield Section("This dashboard's own AWS API spend")
                yield TextBlock(id="cost-api")
            with Vertical(classes="column", id="cost-right"):
                yield Section("Daily cost by service, 30 days")
                yield PlotextPlot(title="total per day", x_axis="time", y_min=0, id="cost-plot")
                yield PlotextPlot(title="top services per day", x_axis="time", y_min=0, id="cost-services-plot")
                yield KeyedTable(rows.SERVICE_COLUMNS, name="services", id="cost-services")

    def draw_pane(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        cost, cfg = assessment.cost, self.cfg
        block = self._block
        block("#cost-title").show(freshness_line(self.title, assessment, self.sources))
        block("#cost-ce").show(
            rows.cost_explorer_text(assessment.source("cost"), cfg.cadence.cost, cfg.cadence.cost_anomalies)
        )

        scale = max(110.0, *(p for p in (rows.pct_of_budget(cost, cost.month_to_date),
                                         rows.pct_of_budget(cost, cost.forecast_month_end)) if p is not None))
        pace_pct = rows.pct_of_budget(cost, rows.pace(cost))
        self._gauge("#cost-mtd-gauge", rows.pct_of_budget(cost, cost.month_to_date), pace_pct,
                    rows.mtd_status(cost), scale)
        self._gauge("#cost-forecast-gauge", rows.pct_of_budget(cost, cost.forecast_month_end), None,
                    rows.forecast_status(cost), scale)
        block("#cost-mtd").show(rows.mtd_text(cost))
        block("#cost-forecast").show(rows.forecast_text(cost))
        block("#cost-anomalies").show(rows.anomalies_text(cost, cfg.cost.anomaly_min_impact_usd))
        block("#cost-movers").show(rows.movers_text(cost))

        hot = sum(1 for s in assessment.system.services if s.status is not Health.HEALTHY)
        spend = self._spend.get(hot)
        if spend is None:
            spend = self._spend[hot] = modelled_spend(cfg, hot)
        block("#cost-api").show(rows.api_text(snapshot.api_calls, snapshot.api_cost_usd,
                                              spend.always_on_usd, spend.shift_usd, hot))

        daily = cost.daily_budget
        thresholds = [Threshold(daily, "daily budget")] if daily is not None else []
        self.query_one("#cost-plot", PlotextPlot).set_series(rows.total_series(cost), thresholds=thresholds)
        self.query_one("#cost-services-plot", PlotextPlot).set_series(rows.service_series(cost))
        self.query_one("#cost-services", KeyedTable).set_rows(rows.service_rows(cost))

    def _gauge(self, selector: str, value: float | None, target: float | None, status: str, scale: float) -> None:
        gauge = self.query_one(selector, ThresholdGauge)
        gauge.maximum = scale
        gauge.value = value
        gauge.target = target
        gauge.alert = 100.0 if value is not None else None
        gauge.status = status

    def _block(self, selector: str) -> TextBlock:
        return self.query_one(selector, TextBlock)
