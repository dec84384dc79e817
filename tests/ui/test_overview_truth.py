"""Truth against the seeded demo: one real poll of the skafu scenario (``live_snapshot``) drawn by the
overview and health panes, checked against the scenario's own facts and window figures."""

from __future__ import annotations

from skafu_tui.demo.scenario import error_rate_pct, p95_ms
from tests.ui.test_overview import drawn, table


def _number(cell: str) -> float:
    return float(cell.split()[0].replace(",", ""))


async def test_overview_and_health_show_the_seeded_p1_and_p2(make_app, live_snapshot, skafu_scenario):
    sc, facts = skafu_scenario.scenario, skafu_scenario.facts
    app = make_app(now=sc.start)
    async with app.run_test(size=(120, 40)) as pilot:
        await drawn(app, pilot, live_snapshot)
        services = table(app, "ov-services")
        p1 = services.row_text(facts.p1_service)
        assert p1[1].endswith("unhealthy") and p1[2].endswith("✖")
        # The scenario's own figure over the same 15-minute window, as the table rounds it.
        assert abs(_number(p1[2]) - error_rate_pct(sc, facts.p1_service)) < 0.006
        assert p1[3].endswith("✖") and abs(_number(p1[3]) - p95_ms(sc, facts.p1_service)) / p95_ms(
            sc, facts.p1_service) < 0.25  # a request-weighted mean of per-minute p95s vs the raw p95
        assert services.row_text(facts.p2_service)[1].endswith("degraded")
        for name in facts.healthy_services:
            assert services.row_text(name)[1].endswith("healthy") and "unhealthy" not in services.row_text(name)[1]
        alerts = table(app, "ov-alerts")
        assert alerts.displayed_keys[0] == f"service:{facts.p1_service}"

        await pilot.press("2")
        health = app.query_one("#health")
        await drawn(app, pilot, live_snapshot, "health")
        assert health.selected_service() is not None
        assert table(app, "hl-services").row_text(facts.p1_service)[2] == p1[2]
        group, _ = facts.unhealthy_target
        _name, healthy, detail = table(app, "hl-alb").full_text(group)
        assert healthy.endswith("▲")
        assert skafu_scenario.seeded.unhealthy_target_id in detail and facts.unhealthy_reason in detail
        assert facts.unhealthy_description in detail
