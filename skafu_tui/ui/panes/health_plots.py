"""Plots of the selected service's error rate, p95 and throughput over the last 3 hours.

Each plot is its own ``PlotextPlot`` (its own plotext figure) with the KPI's target (dotted) and
alert (solid) lines; ``set_series`` ignores data equal to what is shown, so a refresh that brings
no new minute, or a cursor that stays on the same service, never rebuilds a plot.

Narrow (``-row``): three small plots side by side, with legends short enough for ~25 columns
(``━ p95  ┈ ≤ 200  ─ ✖ 500``). Wide: the plots stack, each as wide as the column, legends in words.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Container

from skafu_tui.assess.common import as_utc
from skafu_tui.assess.health import ERROR_RATE, P95, THROUGHPUT
from widgets.plot import PlotextPlot, Threshold

if TYPE_CHECKING:
    from skafu_tui.assess.health import ServiceHealth

PLOTTED = (
    (ERROR_RATE, "err%", "error rate %"),
    (P95, "p95", "p95 latency ms"),
    (THROUGHPUT, "rps", "throughput req/s"),
)
"""(kpi, short label, long label)."""
HOURS = 3


def plot_id(kpi: str) -> str:
    return f"plot-{kpi}"


class ServicePlots(Container):
    """Three plots of one service; :meth:`show` points them at a service, :attr:`row` lays them out."""

    DEFAULT_CSS = """
    ServicePlots { height: 10; layout: vertical; }
    ServicePlots.-row { layout: horizontal; }
    ServicePlots > PlotextPlot { width: 1fr; height: 1fr; min-width: 20; min-height: 6; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-row")
        self.service: str | None = None
        """The service plotted (None before the first :meth:`show`)."""
        self._last: tuple[ServiceHealth | None, datetime] | None = None

    def compose(self) -> ComposeResult:
        for kpi, _, _ in PLOTTED:
            yield PlotextPlot(x_axis="time", y_min=0.0, id=plot_id(kpi))

    @property
    def row(self) -> bool:
        """True: side by side with short legends; False: stacked with legends in words."""
        return self.has_class("-row")

    def set_row(self, row: bool) -> None:
        if row != self.row:
            self.set_class(row, "-row")
            if self._last is not None:
                self.show(*self._last)

    def show(self, service: ServiceHealth | None, now: datetime) -> None:
        self._last = (service, now)
        self.service = service.name if service is not None else None
        end = as_utc(now)
        since = end - timedelta(hours=HOURS)
        short = self.row
        for kpi, brief, words in PLOTTED:
            plot = self.query_one(f"#{plot_id(kpi)}", PlotextPlot)
            label = brief if short else words
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
            if short:
                target = Threshold(reading.target, "≥" if reading.higher_is_better else "≤", "target")
                alert = Threshold(reading.alert, "✖", "alert")
            else:
                target = Threshold(reading.target, "target", "target")
                alert = Threshold(reading.alert, "alert", "alert")
            plot.set_series([(label, xs, ys)], thresholds=[target, alert])
