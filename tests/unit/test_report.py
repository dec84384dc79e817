"""The report: exactly the seed's DailyMonitoringChecklist keys plus the issue's detail; Markdown."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from test_assess_support import CFG, NOW, all_services_metrics, ok_sources, series, snap

from skafu_tui.assess import assess
from skafu_tui.models import Finding, LogGroup
from skafu_tui.report import build_report, fail_on_met, render_markdown
from skafu_tui.snapshot import SourceState, SourceStatus

K = CFG.kpis
# The seed's interface DailyMonitoringChecklist, and the detail issue 3 adds to it.
SEED_KEYS = {
    "systemHealth": {"overallStatus", "serviceAvailability", "errorRate", "responseTime"},
    "businessMetrics": {"activeUsers", "projectsCreated", "apiCalls", "revenueImpact"},
    "securityMetrics": {"suspiciousActivity", "failedLogins", "newVulnerabilities", "complianceScore"},
    "infrastructureMetrics": {"cpuUtilization", "memoryUtilization", "diskUtilization", "networkTraffic"},
}
DETAIL_KEYS = {"checks", "sources", "generatedAt", "account", "regions"}
SERVICE_KEYS = {"name", "status", "errorRate", "p95LatencyMs", "throughputRps", "alarmsInAlarm", "breaches"}


def _report(**fields: Any) -> dict[str, Any]:
    s = snap(**fields)
    return build_report(assess(s, CFG, NOW), s, CFG)


def test_keys_are_exactly_the_seed_checklist_plus_detail() -> None:
    r = _report()
    assert set(r) == set(SEED_KEYS) | DETAIL_KEYS
    assert set(r["systemHealth"]) == SEED_KEYS["systemHealth"] | {"services"}
    for section in ("businessMetrics", "securityMetrics", "infrastructureMetrics"):
        assert set(r[section]) == SEED_KEYS[section], section
    assert [s["name"] for s in r["systemHealth"]["services"]] == [s.name for s in CFG.services]
    assert all(set(s) == SERVICE_KEYS for s in r["systemHealth"]["services"])
    assert all(set(c) == {"id", "area", "title", "status", "evidence"} for c in r["checks"])
    assert all(set(s) == {"state", "fetchedAt", "error"} for s in r["sources"].values())
    assert json.loads(json.dumps(r)) == r  # plain JSON types only


def test_values_state_the_assessment() -> None:
    name = CFG.services[0].name
    err, p95 = K.error_rate_pct.alert * 2, K.response_time_p95_ms.alert + 100
    metrics = all_services_metrics(**{name: {"error_pct": err, "p95": p95}})
    metrics["biz/activeUsers"] = series("biz/activeUsers", [900.0] * 23 + [1234.0], count=24, period_s=3600)
    metrics["biz/apiCalls"] = series("biz/apiCalls", 1000.0, count=24, period_s=3600)
    metrics["infra/cpuUtilization"] = series("infra/cpuUtilization", 61.234)
    finding = Finding(id="f", type="Backdoor:EC2/C&CActivity.B", severity=8.0, title="t",
                      created_at=NOW, updated_at=NOW)
    r = _report(metrics=metrics, findings=(finding,))
    sh = r["systemHealth"]
    n = len(CFG.services)
    assert sh["serviceAvailability"] == pytest.approx((n - 1) / n * 100)
    assert sh["overallStatus"] in ("degraded", "unhealthy")
    svc = sh["services"][0]
    assert svc["status"] == "unhealthy"
    assert svc["errorRate"] == pytest.approx(err) and svc["p95LatencyMs"] == pytest.approx(p95)
    kinds = {b["kpi"]: b for b in svc["breaches"]}
    assert kinds["error_rate_pct"] == {"kpi": "error_rate_pct", "value": pytest.approx(err),
                                       "target": K.error_rate_pct.target, "alert": K.error_rate_pct.alert}
    assert r["businessMetrics"]["activeUsers"] == 1234  # aggregate max
    calls = metrics["biz/apiCalls"]
    day_ago = NOW - timedelta(hours=24)
    in_24h = [v for t, v in zip(calls.timestamps, calls.values, strict=True) if t >= day_ago]
    assert r["businessMetrics"]["apiCalls"] == sum(in_24h) and len(in_24h) == 23  # aggregate sum over 24 h
    assert r["businessMetrics"]["revenueImpact"] is None  # no data: null, not 0
    assert r["infrastructureMetrics"]["cpuUtilization"] == 61.23
    assert r["securityMetrics"]["suspiciousActivity"] == 1
    assert r["account"] == "111122223333" and r["regions"] == ["us-east-1"]
    assert r["generatedAt"] == NOW.isoformat().replace("+00:00", "Z")


def test_sources_carry_state_time_and_cause() -> None:
    denied = SourceState(name="guardduty", status=SourceStatus.DENIED, message="access denied",
                         action="guardduty:ListFindings")
    r = _report(sources=ok_sources(guardduty=denied))
    assert r["sources"]["guardduty"] == {
        "state": "denied", "fetchedAt": None, "error": "access denied (guardduty:ListFindings)"}
    assert r["sources"]["metrics"]["state"] == "ok" and r["sources"]["metrics"]["error"] is None


@pytest.mark.parametrize(
    ("status", "fail_on", "met"),
    [
        ("healthy", "degraded", False), ("degraded", "degraded", True), ("unhealthy", "degraded", True),
        ("healthy", "unhealthy", False), ("degraded", "unhealthy", False), ("unhealthy", "unhealthy", True),
        ("unknown", "unhealthy", True), ("unhealthy", None, False),
    ],
)
def test_fail_on(status: str, fail_on: str | None, met: bool) -> None:
    assert fail_on_met({"systemHealth": {"overallStatus": status}}, fail_on) is met


def test_markdown_has_every_section_check_and_symbol_and_escapes_pipes() -> None:
    policy = CFG.security.log_retention_min_days
    r = _report(log_groups=(LogGroup(name="/odd|name", retention_days=policy - 1),))
    md = render_markdown(r, title="Skafu daily operations report")
    headings = ("# Skafu daily operations report", "## System health", "## Business metrics",
                "## Security metrics", "## Infrastructure metrics", "## Daily checks", "### System status",
                "### Performance metrics", "### Security checks", "### Compliance monitoring", "## Sources")
    for heading in headings:
        assert heading in md, heading
    for c in r["checks"]:
        assert c["title"] in md
    assert "✓ ok" in md and "✗ fail" in md and "✓ healthy" in md
    assert "/odd\\|name" in md and "/odd|name" not in md
    for key in (*SEED_KEYS["businessMetrics"], *SEED_KEYS["securityMetrics"]):
        assert f"| {key} |" in md
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert all(line.endswith(" |") for line in rows)
