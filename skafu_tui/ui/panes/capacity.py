"""Capacity: utilisation against the seed's 60/70/80 %, database connections against max, storage
growth and days until full, actual growth against the seed's projections; 14-day plots."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical

from skafu_tui.assess.resources import CPU, DISK, MEMORY
from skafu_tui.ui.filter_bar import FilterableMixin
from skafu_tui.ui.panes import capacity_rows as rows
from skafu_tui.ui.panes.security_common import ColumnsPane, Section, TextBlock, freshness_line
from widgets.gauge import ThresholdGauge
from widgets.keyed_table import KeyedTable
from widgets.plot import PlotextPlot, Threshold

if TYPE_CHECKING:
    from skafu_tui.assess import Assessment
    from skafu_tui.snapshot import Snapshot

LABEL_WIDTH = 8


class CapacityPane(ColumnsPane, FilterableMixin):
    """Gauges and words on the left (or first); 14-day plots on the right (or below)."""

    title = "Capacity"
    sources = ("metrics",)

    DEFAULT_CSS = """
    CapacityPane #cap-projections { max-height: 8; }
    CapacityPane PlotextPlot { height: 9; }
    CapacityPane #cap-util-plot { height: 12; }
    CapacityPane.-wide #cap-util-plot { height: 14; }
    CapacityPane.-wide PlotextPlot { height: 11; }
    """

    def compose(self) -> ComposeResult:
        compute = self.cfg.capacity.compute
        yield TextBlock(self.title + "  waiting for data…", id="cap-title", classes="pane-title")
        yield TextBlock(rows.plan_text(compute), id="cap-plan")
        with Vertical(classes="columns"):
            with Vertical(classes="column -left", id="cap-left"):
                yield Section("Compute utilisation now")
                for name in (CPU, MEMORY, DISK):
                    if name in self.cfg.infrastructure_metrics:
                        yield ThresholdGauge(rows.label(name), target=compute.optimal_pct,
                                             alert=compute.scaling_threshold_pct, label_width=LABEL_WIDTH,
                                             id=f"cap-gauge-{name}")
                yield Section("Database connections")
                yield ThresholdGauge("DB conns", unit="", precision=0, label_width=LABEL_WIDTH, id="cap-db-gauge")
                yield TextBlock(id="cap-db")
                yield Section("Storage")
                yield ThresholdGauge("Storage", target=compute.optimal_pct, alert=compute.scaling_threshold_pct,
                                     label_width=LABEL_WIDTH, id="cap-storage-gauge")
                yield TextBlock(id="cap-storage")
                yield Section("Growth against the seed's projections (AHEAD: past the 6-month figure)")
                yield KeyedTable(rows.PROJECTION_COLUMNS, name="projections", id="cap-projections")
            with Vertical(classes="column", id="cap-right"):
                yield Section("14 days")
                yield PlotextPlot(title="utilisation %", x_axis="time", id="cap-util-plot")
                yield PlotextPlot(title="DB connections", x_axis="time", id="cap-db-plot")
                yield PlotextPlot(title="storage used", x_axis="time", id="cap-storage-plot")

    def draw_pane(self, assessment: Assessment, snapshot: Snapshot, now: datetime) -> None:
        cap, compute = assessment.capacity, self.cfg.capacity.compute
        self.query_one("#cap-title", TextBlock).show(freshness_line(self.title, assessment, self.sources))

        for u in cap.compute:
            for gauge in self.query(f"#cap-gauge-{u.name}").results(ThresholdGauge):
                gauge.value = u.current_pct
                gauge.status = u.level.value

        db = cap.database
        gauge = self.query_one("#cap-db-gauge", ThresholdGauge)
        if db is not None and db.max:
            gauge.maximum = float(db.max)
            gauge.unit = f"/{db.max:g}"
            gauge.target = db.max * compute.optimal_pct / 100.0
            gauge.alert = db.max * compute.scaling_threshold_pct / 100.0
        gauge.value = db.current if db is not None else None
        gauge.status = db.level.value if db is not None else "unknown"
        self.query_one("#cap-db", TextBlock).show(rows.connections_text(db, compute))

        st = cap.storage
        gauge = self.query_one("#cap-storage-gauge", ThresholdGauge)
        gauge.value = st.used_pct if st is not None else None
        gauge.status = st.level.value if st is not None else "unknown"
        self.query_one("#cap-storage", TextBlock).show(rows.storage_text(st))
        self.query_one("#cap-projections", KeyedTable).set_rows(rows.projection_rows(cap))

        self.query_one("#cap-util-plot", PlotextPlot).set_series(
            rows.utilisation_series(cap),
            thresholds=[Threshold(compute.optimal_pct, "optimal"),
                        Threshold(compute.scaling_threshold_pct, "scale out", "alert")],
        )
        db_lines = []
        if db is not None and db.max:
            db_lines = [Threshold(db.max * compute.scaling_threshold_pct / 100.0, "scale out"),
                        Threshold(float(db.max), "max", "alert")]
        self.query_one("#cap-db-plot", PlotextPlot).set_series(rows.connections_series(cap), thresholds=db_lines)
        self.query_one("#cap-storage-plot", PlotextPlot).set_series(rows.storage_series(cap))
