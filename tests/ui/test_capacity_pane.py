"""The capacity pane over the recorded demo poll: utilisation gauges against the seed's 60/70/80 %, DB
connections against max, storage growth and days until full, projections, 14-day plots (values
derived from the assessment and config, not literals)."""

from __future__ import annotations

from skafu_tui.ui.panes.capacity_rows import label
from tests.ui.test_security_pane import block, pilot_app, show_pane
from widgets.gauge import ThresholdGauge
from widgets.keyed_table import KeyedTable
from widgets.plot import PlotextPlot


async def test_capacity_pane_shows_gauges_growth_projections_and_plots(make_app, recorded_snapshot, tmp_path, cfg):
    app = pilot_app(make_app, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await show_pane(app, pilot, recorded_snapshot, "capacity")
        cap, compute = app.assessment.capacity, cfg.capacity.compute
        assert f"optimal {compute.optimal_pct:g}%" in block(pane, "#cap-plan")
        for u in cap.compute:
            gauge = pane.query_one(f"#cap-gauge-{u.name}", ThresholdGauge)
            assert (gauge.label, gauge.value, gauge.target, gauge.alert) == (
                label(u.name), u.current_pct, compute.optimal_pct, compute.scaling_threshold_pct)
            assert gauge.effective_status == u.level.value

        db = cap.database
        assert db is not None and db.current is not None and db.max
        gauge = pane.query_one("#cap-db-gauge", ThresholdGauge)
        assert (gauge.value, gauge.maximum, gauge.effective_status) == (db.current, db.max, db.level.value)
        assert f"{db.current:g} of {db.max:g} connections" in block(pane, "#cap-db")

        st = cap.storage
        assert st is not None and st.used_gb is not None and st.days_until_full is not None
        words = block(pane, "#cap-storage")
        assert f"{st.used_gb:,.1f} GB" in words and f"full in {st.days_until_full:,.0f} days" in words

        table = pane.query_one("#cap-projections", KeyedTable)
        assert table.displayed_keys == [p.name for p in cap.projections]
        for p in cap.projections:
            status = table.row_text(p.name)[1]
            assert ("AHEAD" in status) == (p.level.value == "warn")

        util = pane.query_one("#cap-util-plot", PlotextPlot)
        assert [s[0] for s in util.series] == [label(u.name) for u in cap.compute]
        assert all(len(s[2]) == len(u.series.values) for s, u in zip(util.series, cap.compute, strict=True))
        assert pane.query_one("#cap-db-plot", PlotextPlot).series[0][2][-1] == db.series.values[-1]
