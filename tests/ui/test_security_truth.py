"""Truth against the seeded demo: one real poll of the skafu scenario (``live_snapshot``) drawn by the
security, cost and capacity panes, checked against the scenario's facts.

One module for the three panes so the demo is seeded and polled once.
"""

from __future__ import annotations

from skafu_tui.ui.panes import security_rows as rows
from skafu_tui.ui.panes.security_common import clip, money
from tests.ui.test_security_pane import block, pilot_app, show_pane
from widgets.gauge import ThresholdGauge
from widgets.keyed_table import KeyedTable


async def test_security_pane_shows_the_seeded_truth(make_app, live_snapshot, skafu_scenario, tmp_path):
    facts = skafu_scenario.facts
    app = pilot_app(make_app, tmp_path, facts.start)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await show_pane(app, pilot, live_snapshot, "security")
        findings = pane.query_one("#sec-findings", KeyedTable)
        first = findings.displayed_keys[0]
        assert first.endswith(facts.finding_id)
        row = findings.row_text(first)
        assert row[0] == f"✖ HIGH {facts.finding_severity:g}"
        assert row[3] == clip(facts.finding_type, rows.finding_clips(pane.pane_width - 4)[1])

        certs = pane.query_one("#sec-certs", KeyedTable)
        cert = next(certs.row_text(k) for k in certs.displayed_keys if certs.row_text(k)[1] == facts.cert_domain)
        assert cert[0] == "✖ FAIL" and cert[2].startswith(f"{facts.cert_expires_in_days} d (critical")

        backups = pane.query_one("#comp-backups", KeyedTable)
        failed = next(k for k in backups.displayed_keys if k.endswith(facts.failed_backup_job_id))
        assert backups.row_text(failed)[0] == "✖ FAILED"

        encryption = pane.query_one("#comp-encryption", KeyedTable)
        unencrypted = {encryption.row_text(k)[2] for k in encryption.displayed_keys
                       if encryption.row_text(k)[0] == "✖ NOT ENCRYPTED"}
        assert unencrypted == {facts.noncompliant_bucket, facts.noncompliant_db}
        rules = " ".join(" ".join(r) for r in map(pane.query_one("#comp-rules", KeyedTable).row_text,
                                                    pane.query_one("#comp-rules", KeyedTable).displayed_keys))
        assert facts.noncompliant_bucket in rules and facts.noncompliant_db in rules
        assert f"{facts.failed_logins_24h} failed console logins in 24 h" in block(pane, "#sec-logins")


async def test_cost_pane_shows_the_seeded_budget_and_forecast(make_app, live_snapshot, skafu_scenario, tmp_path):
    facts = skafu_scenario.facts
    app = pilot_app(make_app, tmp_path, facts.start)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await show_pane(app, pilot, live_snapshot, "cost")
        mtd = block(pane, "#cost-mtd")
        assert f"{money(facts.month_to_date_usd)} of {money(facts.budget_usd)} budget" in mtd
        forecast = block(pane, "#cost-forecast")
        assert money(facts.month_forecast_usd) in forecast
        over = facts.month_forecast_usd > facts.budget_usd
        assert ("FORECAST OVER BUDGET" in forecast) == over
        if over:
            assert money(facts.month_forecast_usd - facts.budget_usd) in forecast
        gauge = pane.query_one("#cost-forecast-gauge", ThresholdGauge)
        assert gauge.value is not None
        assert abs(gauge.value - facts.month_forecast_usd / facts.budget_usd * 100) < 0.01
        assert facts.spike_service in block(pane, "#cost-anomalies")


async def test_capacity_pane_shows_the_seeded_connections(make_app, live_snapshot, skafu_scenario, tmp_path, cfg):
    facts = skafu_scenario.facts
    app = pilot_app(make_app, tmp_path, facts.start)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await show_pane(app, pilot, live_snapshot, "capacity")
        gauge = pane.query_one("#cap-db-gauge", ThresholdGauge)
        assert (gauge.value, gauge.maximum) == (facts.db_connections_now, facts.db_max_connections)
        assert f"{facts.db_connections_now} of {facts.db_max_connections} connections" in block(pane, "#cap-db")
        past_scaling = facts.db_connections_now / facts.db_max_connections * 100 > (
            cfg.capacity.compute.scaling_threshold_pct)
        assert past_scaling and gauge.effective_status == "fail"
