"""The daily report against the embedded demo's ``skafu`` scenario states the seeded truth.

One complete poll (``Poller.poll_once``), then the report path (``make_report``: assess and
build the report) at the scenario's own time. Every expected value is read from the scenario
module (its facts, window figures and seeded records) and the config, never from literals.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from sources_support import SeededDemo, settings_for

from skafu_tui.assess import Assessment, Health, Level
from skafu_tui.config import Config
from skafu_tui.poller import Poller
from skafu_tui.report import render_markdown
from skafu_tui.report_cli import make_report

DAY = timedelta(hours=24)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def result(demo: SeededDemo, cfg: Config) -> tuple[Assessment, dict[str, Any]]:
    # The real clock for the poll (the seeder re-enacts alarm states after start); the
    # assessment at scenario time, so its windows are the scenario's.
    async with Poller(cfg, settings_for(demo.endpoint)) as poller:
        snapshot = await poller.poll_once()
    return make_report(snapshot, cfg, demo.now)


@pytest.fixture(scope="module")
def assessment(result: tuple[Assessment, dict[str, Any]]) -> Assessment:
    return result[0]


@pytest.fixture(scope="module")
def report(result: tuple[Assessment, dict[str, Any]]) -> dict[str, Any]:
    return result[1]


def _service(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in report["systemHealth"]["services"] if s["name"] == name)


def _check(report: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(c for c in report["checks"] if c["id"] == check_id)


def test_every_source_ok(report: dict[str, Any]) -> None:
    assert {n: s["state"] for n, s in report["sources"].items()} == {n: "ok" for n in report["sources"]}
    assert not [c["id"] for c in report["checks"] if c["status"] == "unknown"]


def test_p1_service_unhealthy_with_error_rate_and_p95_breaches(
    report: dict[str, Any], assessment: Assessment, demo: SeededDemo, cfg: Config
) -> None:
    from skafu_tui.demo.scenario import error_rate_pct, p95_ms, requests_per_second

    name = demo.facts.p1_service
    svc = _service(report, name)
    assert svc["status"] == "unhealthy"
    breaches = {b["kpi"]: b for b in svc["breaches"]}
    assert {"error_rate_pct", "response_time_p95_ms"} <= set(breaches)
    kpis = cfg.kpis_for(name)
    assert breaches["error_rate_pct"]["alert"] == kpis.error_rate_pct.alert
    truth_err = error_rate_pct(demo.scenario, name)
    assert truth_err > kpis.error_rate_pct.alert
    health = assessment.system.service(name)
    assert health is not None
    assert health.error_rate_pct == pytest.approx(truth_err, rel=1e-9)
    assert svc["errorRate"] == pytest.approx(truth_err, abs=0.005)
    assert health.throughput_rps == pytest.approx(requests_per_second(demo.scenario, name), rel=1e-9)
    # The scenario's p95 is over every raw sample in the window; ours is the request-weighted
    # mean of the per-minute p95s (CloudWatch cannot merge percentiles): close, and past alert.
    truth_p95 = p95_ms(demo.scenario, name)
    assert truth_p95 > kpis.response_time_p95_ms.alert
    assert svc["p95LatencyMs"] > kpis.response_time_p95_ms.alert
    assert svc["p95LatencyMs"] == pytest.approx(truth_p95, rel=0.2)
    configured = next(s for s in cfg.services if s.name == name).alarms
    assert sorted(svc["alarmsInAlarm"]) == sorted(a for a in demo.facts.alarms_in_alarm if a in configured)


def test_p2_service_degraded_and_the_rest_healthy(
    report: dict[str, Any], assessment: Assessment, demo: SeededDemo
) -> None:
    from skafu_tui.demo.scenario import error_rate_pct

    p2 = _service(report, demo.facts.p2_service)
    assert p2["status"] == "degraded"
    health = assessment.system.service(demo.facts.p2_service)
    assert health is not None and health.breaches  # past target, none past alert
    assert all(b.level is Level.WARN for b in health.breaches)
    assert p2["errorRate"] == pytest.approx(error_rate_pct(demo.scenario, demo.facts.p2_service), abs=0.005)
    for name in demo.facts.healthy_services:
        assert _service(report, name)["status"] == "healthy", name


def test_overall_status_by_the_seed_rule(report: dict[str, Any], demo: SeededDemo, cfg: Config) -> None:
    share = len(demo.facts.healthy_services) / len(cfg.services) * 100
    rule = cfg.overall_status
    expected = (
        "healthy" if share >= rule.healthy_at_pct else "degraded" if share >= rule.degraded_at_pct else "unhealthy"
    )
    sh = report["systemHealth"]
    assert sh["serviceAvailability"] == pytest.approx(share)
    assert sh["overallStatus"] == expected


def test_platform_error_rate_is_total_errors_over_total_requests(
    report: dict[str, Any], demo: SeededDemo, cfg: Config
) -> None:
    from skafu_tui.demo.scenario import metric_series
    from skafu_tui.demo.scenario_metrics import NS_APIGW

    errors = requests = 0.0
    for svc in cfg.services:
        dims = (("ApiName", svc.name),)
        errors += sum(p.total() for p in metric_series(demo.scenario, NS_APIGW, "5XXError", dims))
        requests += sum(p.total() for p in metric_series(demo.scenario, NS_APIGW, "Count", dims))
    assert report["systemHealth"]["errorRate"] == pytest.approx(errors / requests * 100, abs=0.0005)


def test_security_metrics(report: dict[str, Any], assessment: Assessment, demo: SeededDemo, cfg: Config) -> None:
    from skafu_tui.demo.scenario import finding_specs

    specs = finding_specs(demo.scenario)
    since = demo.now - DAY
    minimum = cfg.security.finding_min_severity
    suspicious = [f for f in specs if not f.archived and f.severity >= minimum and f.last_seen >= since]
    new = [f for f in specs if not f.archived and f.first_seen >= since]
    sm = report["securityMetrics"]
    assert demo.facts.finding_id in {f.id for f in assessment.security.suspicious}
    assert sm["suspiciousActivity"] == len(suspicious)
    assert sm["newVulnerabilities"] == len(new)
    assert sm["failedLogins"] == demo.facts.failed_logins_24h


def test_compliance_score_from_the_seeded_evaluations(report: dict[str, Any], demo: SeededDemo) -> None:
    from skafu_tui.demo.scenario import evaluations

    by_rule: dict[str, set[str]] = {}
    for e in evaluations(demo.scenario):
        by_rule.setdefault(e.rule, set()).add(e.compliance)
    compliant = sum(1 for states in by_rule.values() if states == {"COMPLIANT"})
    assert report["securityMetrics"]["complianceScore"] == pytest.approx(compliant / len(by_rule) * 100)
    config_check = _check(report, "compliance.config")
    assert config_check["status"] == "fail"


def test_certificate_check(report: dict[str, Any], demo: SeededDemo, cfg: Config) -> None:
    days = demo.facts.cert_expires_in_days
    sec = cfg.security
    expected = (
        "fail" if days <= sec.certificate_critical_days else "warn" if days <= sec.certificate_warn_days else "ok"
    )
    check = _check(report, "security.certificates")
    assert check["status"] == expected
    assert demo.facts.cert_domain in check["evidence"] and f"{days} days" in check["evidence"]


def test_backup_check(report: dict[str, Any], assessment: Assessment, demo: SeededDemo) -> None:
    check = _check(report, "compliance.backup")
    failed_in_24h = demo.facts.failed_backup_time >= demo.now - DAY
    failed_ids = {j.id for j in assessment.compliance.backups.failed}
    assert (demo.facts.failed_backup_job_id in failed_ids) is failed_in_24h
    if failed_in_24h:
        assert check["status"] == "fail" and "1 failed" in check["evidence"]


def test_database_connections(report: dict[str, Any], assessment: Assessment, demo: SeededDemo) -> None:
    db = assessment.resources.database
    assert db is not None and db.available
    facts = demo.facts
    assert (db.connections, db.max_connections) == (facts.db_connections_now, facts.db_max_connections)
    check = _check(report, "system.database")
    assert f"{demo.facts.db_connections_now}/{demo.facts.db_max_connections} connections" in check["evidence"]
    cap = assessment.capacity.database
    assert cap is not None and cap.pct == pytest.approx(
        demo.facts.db_connections_now / demo.facts.db_max_connections * 100
    )


def test_other_checks_name_the_seeded_problems(report: dict[str, Any], demo: SeededDemo) -> None:
    retention = _check(report, "compliance.log_retention")
    assert retention["status"] == "fail" and demo.facts.short_retention_log_group in retention["evidence"]
    encryption = _check(report, "compliance.encryption")
    assert encryption["status"] == "fail"
    assert demo.facts.noncompliant_bucket in encryption["evidence"]
    assert demo.facts.noncompliant_db in encryption["evidence"]
    group, _ = demo.facts.unhealthy_target
    alb = _check(report, "system.alb")
    assert alb["status"] == "warn" and group in alb["evidence"]
    assert demo.facts.unhealthy_reason in alb["evidence"]
    health = _check(report, "system.aws_health")
    assert health["status"] == "warn"
    sg = _check(report, "security.security_groups")
    assert sg["status"] == "warn"
    guardduty = _check(report, "security.guardduty")
    assert guardduty["status"] == "fail" and demo.facts.finding_type in guardduty["evidence"]


def test_business_metrics_over_24h(report: dict[str, Any], demo: SeededDemo, cfg: Config) -> None:
    from skafu_tui.demo.scenario import business_total

    for key, ref in cfg.business_metrics.items():
        assert report["businessMetrics"][key] == pytest.approx(business_total(demo.scenario, ref.metric), abs=0.01), key


def test_infrastructure_metrics_are_window_means(report: dict[str, Any], demo: SeededDemo, cfg: Config) -> None:
    from skafu_tui.demo.scenario import metric_series

    for key, ref in cfg.infrastructure_metrics.items():
        points = metric_series(demo.scenario, ref.namespace, ref.metric, tuple(ref.dimensions.items()))
        values = [p.total() / (60 if ref.per_second else 1) for p in points]
        assert report["infrastructureMetrics"][key] == pytest.approx(sum(values) / len(values), abs=0.06), key


def test_cost_assessment(assessment: Assessment, demo: SeededDemo) -> None:
    cost = assessment.cost
    assert cost.month_to_date == pytest.approx(demo.facts.month_to_date_usd, abs=0.01)
    assert cost.forecast_month_end == pytest.approx(demo.facts.month_forecast_usd, abs=0.02)
    assert cost.budget == demo.facts.budget_usd
    assert cost.forecast_over_budget is (demo.facts.month_forecast_usd > demo.facts.budget_usd)
    top = cost.anomalies[0]
    assert (top.id, top.service) == (demo.facts.anomaly_id, demo.facts.spike_service)


def test_top_alert_is_the_p1_service(assessment: Assessment, demo: SeededDemo) -> None:
    assert assessment.alerts[0].ref == f"service:{demo.facts.p1_service}"
    assert assessment.alerts[0].level is Level.FAIL
    p1 = assessment.system.service(demo.facts.p1_service)
    assert p1 is not None and p1.status is Health.UNHEALTHY


def test_markdown_states_the_same(report: dict[str, Any], demo: SeededDemo) -> None:
    md = render_markdown(report)
    row = next(line for line in md.splitlines() if line.startswith(f"| {demo.facts.p1_service} |"))
    assert "✗ unhealthy" in row
    assert f"**{'✗' if report['systemHealth']['overallStatus'] == 'unhealthy' else '!'}" in md
