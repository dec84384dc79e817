"""Plots of the selected service's error rate, p95 and throughput over the last 3 hours.

Each plot is its own ``PlotextPlot`` (its own plotext figure) with the KPI's target (dotted) and
alert (solid) lines; ``set_series`` ignores data equal to what is shown, so a refresh that brings
no new minute, or a cursor that stays on the same service, never rebuilds a plot.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal

from skafu_tui.assess.common import as_utc
from skafu_tui.assess.health import ERROR_RATE, P95, THROUGHPUT
from widgets.plot import PlotextPlot, Threshold

if TYPE_CHECKING:
    from skafu_tui.assess.health import ServiceHealth

PLOTTED = ((ERROR_RATE, "errors %"), (P95, "p95 ms"), (THROUGHPUT, "req/s"))
HOURS = 3


def plot_id(kpi: str) -> str:
    return f"plot-{kpi}"


class ServicePlots(Horizontal):
    """Three plots side by side; :meth:`show` points them at one service."""

    DEFAULT_CSS = """
    ServicePlots { height: 10; }
    ServicePlots > PlotextPlot { width: 1fr; height: 1fr; min-width: 20; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.service: str | None = None
        """The service plotted (None before the first :meth:`show`)."""

    def compose(self) -> ComposeResult:
        for kpi, _ in PLOTTED:
            yield PlotextPlot(x_axis="time", y_min=0.0, id=plot_id(kpi))

    def show(self, service: ServiceHealth | None, now: datetime) -> None:
        self.service = service.name if service is not None else None
        end = as_utc(now)
        since = end - timedelta(hours=HOURS)
        for kpi, label in PLOTTED:
            plot = self.query_one(f"#{plot_id(kpi)}", PlotextPlot)
            reading = service.kpi(kpi) if service is not None else None
            if reading is None:
                plot.set_series([(label, [], [])])
                continue
            xs: list[float] = []
            ys: list[float] = []
            for t, v in zip(reading.series.timestamps, reading.series.values, strict=False):
                t = as_utc(t)
                if since <= t <= end:
                    xs.append(t.timestamp())
                    ys.append(v)
            plot.set_series(
                [(label, xs, ys)],
                thresholds=[Threshold(reading.target, "target", "target"), Threshold(reading.alert, "alert", "alert")],
            )
